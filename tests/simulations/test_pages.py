"""The pages of the policy simulation (issue 17): create, progress, compare, the changed households,
the exports; scoped, paginated with a fixed number of queries, refused to other roles."""

import csv
import io

import pytest
from openpyxl import load_workbook

from accounts.models import AuditAction, AuditLog
from eligibility.models import RunState
from simulations.models import Scenario
from tests.conftest import login

from .conftest import AS_OF, household_with_income, simulate, village_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(world, users):
    village_figures(world.village_a, 100)
    for per_head in ("3300", "3400", "3600", "9000"):
        household_with_income(world.village_a, per_head, size=2)
    household_with_income(world.village_d, "3300")
    household_with_income(world.village_a, "100")
    return simulate(users.province, {"poverty_line": "3500"}, name="线提高到3500")


def test_province_staff_create_a_scenario_from_the_form_and_it_runs(
    client, world, users, django_capture_on_commit_callbacks
):
    household_with_income(world.village_a, "3300")
    login(client, users.province)
    page = client.get("/simulations/new/?year=2019")
    assert page.status_code == 200
    assert page.context["form"]["poverty_line"].value() == "3218"  # the live line of 2019 (national)
    data = {
        "name": "试算",
        "year": "2019",
        "as_of": AS_OF.isoformat(),
        "poverty_line": "3500",
        "incidence_threshold": "2",
        "wrong_exit_threshold": "2",
        "omission_threshold": "2",
        "approval_threshold": "90",
        "collective_income_threshold": "0",
        "monitoring_income_multiplier": "1.5",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/simulations/new/", data)
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/simulations/{scenario.pk}/"
    scenario.refresh_from_db()
    assert (scenario.state, scenario.created_by, scenario.overrides) == (
        RunState.DONE,
        users.province,
        {"poverty_line": "3500"},
    )
    assert scenario.households_changed == 1


def test_a_bad_date_is_refused_next_to_its_field_and_creates_nothing(client, world, users):
    login(client, users.province)
    data = {
        "name": "x",
        "year": "2019",
        "as_of": "2018-05-01",
        "poverty_line": "abc",
        "incidence_threshold": "2",
        "wrong_exit_threshold": "2",
        "omission_threshold": "2",
        "approval_threshold": "90",
        "collective_income_threshold": "0",
        "monitoring_income_multiplier": "1.5",
    }
    response = client.post("/simulations/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["poverty_line"]
    data["poverty_line"] = "3500"
    response = client.post("/simulations/new/", data)
    assert "2019-01-01" in response.context["form"].errors["as_of"][0]
    assert not Scenario.objects.exists()


def test_the_compare_page_shows_the_summary_the_counties_and_the_villages(client, scenario, users, world):
    login(client, users.province)
    response = client.get(f"/simulations/{scenario.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    summary = {key: value for _label, key, value in response.context["summary_cards"]}
    assert summary["households_changed"] == 3 and summary["households_losing"] == 3
    assert summary["eligible_households_before"] - summary["eligible_households_after"] == 3
    assert summary["people_affected"] == 5 and summary["villages_changed"] == 1
    assert 'data-testid="chart-counties"' in html and "simulation-data" in html
    counties = {row["result"].region.code: row for row in response.context["counties"]}
    assert (counties[world.county.code]["losing"], counties[world.county2.code]["losing"]) == (2, 1)
    assert [r.region_id for r in response.context["villages"]] == [world.village_a.pk]
    assert response.context["criteria"] == [{"criteria": ["income"], "gaining": 0, "losing": 3, "people": 5}]


def test_the_households_list_is_paginated_with_a_fixed_number_of_queries(
    client, world, users, django_assert_num_queries
):
    for i in range(30):
        household_with_income([world.village_a, world.village_d][i % 2], "3300")
    scenario = simulate(users.province, {"poverty_line": "3500"})
    login(client, users.province)
    client.get("/")  # the session and the menu's first queries
    # session, the user with their scope, scenario, count, page of rows (with the head's name), the counties
    with django_assert_num_queries(6):
        response = client.get(f"/simulations/{scenario.pk}/households/?change=lose")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25 and response.context["page"].paginator.count == 30
    with django_assert_num_queries(7):  # and the county of the filter
        response = client.get(f"/simulations/{scenario.pk}/households/?county={world.county2.code}")
    assert response.context["page"].paginator.count == 15 and len(response.context["page"].object_list) == 15


def test_the_compare_page_takes_a_fixed_number_of_queries(client, scenario, users, django_assert_num_queries):
    login(client, users.province)
    client.get(f"/simulations/{scenario.pk}/")
    with django_assert_num_queries(12):  # the user's scope comes with the user
        client.get(f"/simulations/{scenario.pk}/")


def test_exports_are_masked_csv_and_xlsx_and_audited(client, scenario, users, world):
    login(client, users.province)
    response = client.get(f"/simulations/{scenario.pk}/export/households/?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "户编号" and len(rows) == 4
    assert {r[6:9] for r in map(tuple, rows[1:])} == {("是", "否", "收入稳定超过国家扶贫标准")}
    response = client.get(f"/simulations/{scenario.pk}/export/regions/?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [[c.value for c in row][:3] for row in sheet.iter_rows(min_row=2)] == [
        [world.county.code, "昌图县", "县"],
        [world.village_a.code, "东村", "村"],
    ]
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="simulation").count() == 2


def test_a_county_official_and_a_clerk_get_404_everywhere(client, scenario, users):
    for user in (users.county, users.clerk_a, users.auditor):
        login(client, user)
        for url in (
            "/simulations/",
            "/simulations/new/",
            f"/simulations/{scenario.pk}/",
            f"/simulations/{scenario.pk}/households/",
            f"/simulations/{scenario.pk}/export/households/?format=csv",
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/simulations/{scenario.pk}/delete/").status_code == 404


def test_only_the_author_or_the_administrator_deletes_a_scenario(client, scenario, users, world):
    from tests import factories as f

    other = f.user("province2", "province_staff", world.province)
    login(client, other)
    assert client.get(f"/simulations/{scenario.pk}/").status_code == 200
    assert client.post(f"/simulations/{scenario.pk}/delete/").status_code == 403
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    login(client, users.admin)
    assert client.post(f"/simulations/{scenario.pk}/delete/").status_code == 302
    assert not Scenario.objects.exists()


def test_a_province_staff_member_of_a_city_sees_only_its_households_and_regions(client, scenario, world):
    from tests import factories as f

    city2 = f.region("210100000000", "沈阳市", "city", world.province)
    staff = f.user("city_staff", "province_staff", city2)
    login(client, staff)
    response = client.get(f"/simulations/{scenario.pk}/households/")
    assert response.context["page"].paginator.count == 0
    response = client.get(f"/simulations/{scenario.pk}/")
    assert {key: v for _l, key, v in response.context["summary_cards"]}["households_changed"] == 0
    assert response.context["counties"] == []
    assert client.get(f"/simulations/{scenario.pk}/households/?county={world.county.code}").status_code == 404


def test_the_progress_partial_asks_for_a_refresh_when_the_run_is_done(client, scenario, users):
    login(client, users.province)
    Scenario.objects.filter(pk=scenario.pk).update(state=RunState.RUNNING, progress=60)
    response = client.get(f"/simulations/{scenario.pk}/", headers={"HX-Request": "true"})
    assert 'data-progress="60"' in response.content.decode() and "HX-Refresh" not in response
    Scenario.objects.filter(pk=scenario.pk).update(state=RunState.DONE, progress=100)
    response = client.get(f"/simulations/{scenario.pk}/", headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
