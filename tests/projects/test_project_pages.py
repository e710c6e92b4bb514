"""§10 project library pages: scoping, writes by county officials only, transitions and notices."""

import pytest
from django.urls import reverse

from projects.choices import ProjectStatus
from projects.models import Project, ProjectStatusChange, PublicNotice
from tests.conftest import login
from tests.funds.helpers import project


@pytest.fixture
def projects(tree, users):
    return {
        "own": project(tree.county, users.county, name="昌图养牛"),
        "other": project(tree.county2, users.county2, name="铁岭修路", category="infra_road"),
    }


def test_county_official_sees_only_their_county(client, users, projects):
    login(client, users.county)
    resp = client.get(reverse("projects:list"))
    assert resp.status_code == 200
    names = [p.name for p in resp.context["page"]]
    assert names == ["昌图养牛"]
    assert client.get(reverse("projects:detail", args=[projects["other"].pk])).status_code == 404
    assert client.get(reverse("projects:edit", args=[projects["other"].pk])).status_code == 404


@pytest.mark.parametrize("who", ["province", "auditor", "city"])
def test_province_city_and_auditor_read_every_project(client, users, projects, who):
    login(client, getattr(users, who))
    resp = client.get(reverse("projects:list"))
    assert {p.name for p in resp.context["page"]} == {"昌图养牛", "铁岭修路"}
    assert client.get(reverse("projects:detail", args=[projects["own"].pk])).status_code == 200


@pytest.mark.parametrize("who", ["auditor", "province"])
def test_readers_change_nothing(client, users, projects, who):
    login(client, getattr(users, who))
    p = projects["own"]
    assert client.get(reverse("projects:create")).status_code == 403
    assert client.get(reverse("projects:edit", args=[p.pk])).status_code == 403
    resp = client.post(reverse("projects:transition", args=[p.pk]), {"to_status": "in_progress", "reason": "x"})
    assert resp.status_code == 403
    p.refresh_from_db()
    assert p.status == ProjectStatus.APPROVED


def test_clerk_of_a_village_sees_no_project(client, users, projects):
    login(client, users.clerk_b)
    assert list(client.get(reverse("projects:list")).context["page"]) == []
    assert client.get(reverse("projects:detail", args=[projects["own"].pk])).status_code == 404


def test_project_list_query_count_does_not_grow(client, users, tree, django_assert_max_num_queries):
    for i in range(15):
        project(tree.county, users.county, name=f"项目{i}")
    login(client, users.province)
    with django_assert_max_num_queries(8):
        resp = client.get(reverse("projects:list"))
    assert len(resp.context["page"]) == 15


def test_project_list_filters(client, users, projects):
    login(client, users.province)
    resp = client.get(reverse("projects:list"), {"category": "infra_road", "year": 2019, "county": "211221000000"})
    assert [p.name for p in resp.context["page"]] == ["铁岭修路"]
    resp = client.get(reverse("projects:list"), {"status": "reserve"})
    assert list(resp.context["page"]) == []


def test_county_official_creates_a_project_with_budget_targets_and_beneficiaries(client, users, tree, homes):
    login(client, users.county)
    data = {
        "name": "光伏电站",
        "county": tree.county.pk,
        "year": 2019,
        "category": "asset_income",
        "villages": [tree.village_a.pk],
        "implementing_unit": "县发改局",
        "planned_start": "2019-03-01",
        "planned_end": "2019-10-01",
        "beneficiary_people": 12,
        "benefit_linkage": "dividends",
        "beneficiary_numbers": f"{homes.a.number} {homes.b.number}",
        "budget_central": "300000",
        "budget_county": "50000.50",
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-0-indicator": "装机容量",
        "targets-0-unit": "kW",
        "targets-0-planned": "100",
    }
    resp = client.post(reverse("projects:create"), data)
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    p = Project.objects.get(name="光伏电站")
    assert p.status == ProjectStatus.RESERVE and p.created_by == users.county
    assert {b.source: str(b.amount) for b in p.budgets.all()} == {"central": "300000.00", "county": "50000.50"}
    assert set(p.beneficiary_households.values_list("number", flat=True)) == {homes.a.number, homes.b.number}
    assert p.targets.get().indicator == "装机容量"


def test_project_form_refuses_a_household_of_another_county(client, users, tree, homes):
    login(client, users.county)
    resp = client.post(
        reverse("projects:create"),
        {
            "name": "x",
            "county": tree.county.pk,
            "year": 2019,
            "category": "industry",
            "implementing_unit": "u",
            "beneficiary_people": 0,
            "benefit_linkage": "other",
            "beneficiary_numbers": homes.d.number,
            "targets-TOTAL_FORMS": "0",
            "targets-INITIAL_FORMS": "0",
        },
    )
    assert resp.status_code == 200
    assert "beneficiary_numbers" in resp.context["form"].errors
    assert not Project.objects.filter(name="x").exists()


def test_transitions_follow_the_allowed_path_and_publish_notices(client, users, tree):
    p = project(tree.county, users.county, approved=False)
    login(client, users.county)
    url = reverse("projects:transition", args=[p.pk])
    client.post(url, {"to_status": "completed", "reason": "skip"})  # not allowed from reserve
    p.refresh_from_db()
    assert p.status == ProjectStatus.RESERVE
    for status in ["approved", "in_progress", "completed", "accepted"]:
        client.post(url, {"to_status": status, "reason": f"to {status}"})
        p.refresh_from_db()
        assert p.status == status
    changes = list(ProjectStatusChange.objects.filter(project=p).values_list("to_status", "by__username"))
    assert changes == [(s, "county") for s in ["approved", "in_progress", "completed", "accepted"]]
    assert sorted(PublicNotice.objects.filter(project=p).values_list("kind", flat=True)) == ["approval", "completion"]
    client.post(url, {"to_status": "terminated", "reason": "too late"})
    p.refresh_from_db()
    assert p.status == ProjectStatus.ACCEPTED


def test_public_notice_page_needs_no_login_and_shows_no_personal_data(client, users, tree, homes):
    p = project(tree.county, users.county, name="公示项目")
    p.beneficiary_households.add(homes.a)
    project(tree.county, users.county, name="储备项目", approved=False)
    head = homes.a.members.first()
    resp = client.get(reverse("projects:public_county", args=[tree.county.code]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "公示项目" in html and "储备项目" not in html
    for secret in (head.name, head.id_number, homes.a.number, homes.a.phone):
        assert secret not in html
    assert client.get(reverse("projects:public_index")).status_code == 200
    assert client.get(reverse("projects:public_county", args=[tree.village_a.code])).status_code == 404


def test_county_official_edits_budget_and_keeps_targets(client, users, tree):
    from decimal import Decimal

    from projects.models import PerformanceTarget, ProjectBudget

    p = project(tree.county, users.county)
    ProjectBudget.objects.create(project=p, source="central", amount=Decimal("10"))
    PerformanceTarget.objects.create(project=p, indicator="带动户数", planned=Decimal("5"))
    login(client, users.county)
    url = reverse("projects:edit", args=[p.pk])
    form = client.get(url).context["form"]
    assert form.initial["budget_central"] == Decimal("10.00")
    target = p.targets.get()
    resp = client.post(
        url,
        {
            "name": "改名",
            "county": tree.county.pk,
            "year": 2019,
            "category": "industry",
            "implementing_unit": "u",
            "beneficiary_people": 1,
            "benefit_linkage": "orders",
            "budget_provincial": "25",
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "1",
            "targets-0-id": target.pk,
            "targets-0-indicator": "带动户数",
            "targets-0-planned": "5",
            "targets-0-achieved": "4",
        },
    )
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.name == "改名" and p.status == ProjectStatus.APPROVED
    assert {b.source: b.amount for b in p.budgets.all()} == {"provincial": Decimal("25.00")}
    assert [(t.indicator, t.achieved) for t in p.targets.all()] == [("带动户数", Decimal("4.00"))]


def test_public_csv_has_no_personal_data_and_neutralises_formulas(client, users, tree, homes):
    p = project(tree.county, users.county, name="=HYPERLINK(1)")
    p.beneficiary_households.add(homes.a)
    resp = client.get(reverse("projects:public_county_csv", args=[tree.county.code]))
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    body = resp.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body
    assert homes.a.number not in body and homes.a.members.first().id_number not in body


def test_public_csv_neutralises_every_formula_start(client, users, tree):
    from povertymgmt.spreadsheet import FORMULA_STARTS

    names = [f"{start}1+1" for start in FORMULA_STARTS]
    assert {"=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"} <= set(FORMULA_STARTS)
    for name in names:
        project(tree.county, users.county, name=name)
    resp = client.get(reverse("projects:public_county_csv", args=[tree.county.code]))
    body = resp.content.decode("utf-8-sig")
    for name in names:
        assert body.count("'" + name) == body.count(name) == 1, repr(name)
