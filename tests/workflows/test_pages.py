"""Pages and API of the workflows: scoping (§1: 404 outside), inbox counts and query counts, the
dossier page, print view and PDF, the public announcements (§12) and transitions over HTTP."""

import pytest
from django.urls import reverse

from tests.conftest import login
from workflows import services as s
from workflows.models import Case, Dossier

from .conftest import TODAY, appraisal, eligible_household, walk_exit_to_township

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(users, eligible):
    return s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())


@pytest.mark.parametrize(
    "name",
    ["workflows:case_detail", "workflows:dossier", "workflows:dossier_print", "workflows:dossier_pdf"],
)
def test_a_clerk_of_another_village_gets_404_on_a_village_a_case(client, users, case_a, name):
    login(client, users.clerk_b)
    assert client.get(reverse(name, args=[case_a.pk])).status_code == 404


def test_posts_on_a_case_outside_the_scope_are_404_and_change_nothing(client, users, case_a):
    login(client, users.clerk_b)
    for name in ("workflows:case_step", "workflows:objection_add", "workflows:attachment_add"):
        assert client.post(reverse(name, args=[case_a.pk]), {"transition": "verify"}).status_code == 404
    from workflows.models import Objection

    objection = Objection.objects.create(
        case=case_a, raised_on=TODAY, raised_by="甲", content="异议", recorded_by=users.clerk_a
    )
    url = reverse("workflows:objection_resolve", args=[case_a.pk, objection.pk])
    assert client.post(url, {"resolution": "x"}).status_code == 404
    assert Objection.objects.get().resolved_at is None
    assert client.get(reverse("api-case", args=[case_a.pk])).status_code == 404
    assert client.post(reverse("api-case-transition", args=[case_a.pk]), {"transition": "verify"}).status_code == 404
    assert Case.objects.get().state == "appraised"


def test_the_clerk_takes_a_step_from_the_timeline_page(client, users, case_a):
    login(client, users.clerk_a)
    page = client.get(reverse("workflows:case_detail", args=[case_a.pk]))
    assert page.status_code == 200 and b'data-testid="do-verify"' in page.content
    client.post(reverse("workflows:case_step", args=[case_a.pk]), {"transition": "verify", "reason": ""})
    assert Case.objects.get().state == "verified"


def test_a_wrong_step_over_http_changes_nothing(client, users, case_a):
    login(client, users.township)
    client.post(reverse("workflows:case_step", args=[case_a.pk]), {"transition": "verify"})
    assert Case.objects.get().state == "appraised"


def test_inbox_lists_oldest_first_with_counts_in_few_queries(client, users, tree, django_assert_max_num_queries):
    homes = [eligible_household(tree.village_a) for _ in range(4)]
    for h in homes:
        s.case_open(user=users.clerk_a, case_type="household_exit", household=h, appraisal=appraisal())
    login(client, users.clerk_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("workflows:inbox"))
    rows = page.content.count(b'data-testid="inbox-row"')
    assert rows == 4
    ids = [c.pk for c in page.context["rows"]]
    assert ids == sorted(ids)
    login(client, users.clerk_b)
    assert client.get(reverse("workflows:inbox")).content.count(b'data-testid="inbox-row"') == 0


def test_the_inbox_count_tag_counts_what_waits(users, case_a, rf):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = users.clerk_a
    html = Template("{% load workflows %}{% inbox_count %}").render(Context({"request": request}))
    assert 'data-testid="inbox-count"' in html and ">1</span>" in html
    request.user = users.township
    assert ">0</span>" in Template("{% load workflows %}{% inbox_count %}").render(Context({"request": request}))


def test_case_list_is_scoped_and_bounded_in_queries(client, users, tree, case_a, django_assert_max_num_queries):
    for _ in range(3):
        h = eligible_household(tree.village_a)
        s.case_open(user=users.clerk_a, case_type="household_exit", household=h, appraisal=appraisal())
    login(client, users.county)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("workflows:case_list"))
    assert page.content.count(b'data-testid="case-row"') == 4
    login(client, users.county2)
    assert client.get(reverse("workflows:case_list")).content.count(b'data-testid="case-row"') == 0


def test_the_county_official_sees_both_snapshots_and_approves_from_the_dossier(client, users, eligible, needs_pdf):
    case = walk_exit_to_township(users, eligible)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    login(client, users.county)
    page = client.get(reverse("workflows:dossier", args=[case.pk]))
    assert page.status_code == 200
    assert page.content.count(b'data-testid="d-criterion"') == 7 and b'data-testid="do-county_approve"' in page.content
    client.post(reverse("workflows:case_step", args=[case.pk]), {"transition": "county_approve"})
    page = client.get(reverse("workflows:dossier", args=[case.pk]))
    assert b'data-valid="1"' in page.content
    Dossier.objects.filter(case=case).update(content={"tampered": True})
    assert b'data-valid="0"' in client.get(reverse("workflows:dossier", args=[case.pk])).content
    pdf = client.get(reverse("workflows:dossier_pdf", args=[case.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_dossier_page_masks_identifiers_for_the_township(client, users, eligible):
    case = walk_exit_to_township(users, eligible)
    login(client, users.township)
    page = client.get(reverse("workflows:dossier_print", args=[case.pk]))
    id_number = eligible.members.get().id_number
    assert page.status_code == 200 and id_number.encode() not in page.content
    login(client, users.county)
    assert id_number.encode() in client.get(reverse("workflows:dossier_print", args=[case.pk])).content


def test_the_public_page_shows_announced_exits_without_login_or_identifiers(client, users, eligible):
    case = walk_exit_to_township(users, eligible)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    s.case_transition(user=users.county, case=case, transition="county_approve")
    page = client.get(reverse("public:exits"))
    assert page.content.count(b'data-testid="public-household"') == 0
    s.case_transition(user=users.county, case=case, transition="announce")
    page = client.get(reverse("public:exits"))
    head = eligible.members.get()
    assert page.status_code == 200 and page.content.count(b'data-testid="public-household"') == 1
    assert head.name.encode() in page.content and head.id_number.encode() not in page.content
    assert b"13912345678" not in page.content


def test_the_api_lists_scoped_cases_and_takes_a_step(client, users, case_a):
    login(client, users.clerk_a)
    listed = client.get(reverse("api-cases") + "?inbox=true").json()
    assert [r["id"] for r in listed["results"]] == [case_a.pk]
    detail = client.get(reverse("api-case", args=[case_a.pk])).json()
    assert detail["available"] and "verify" in detail["available"]
    url = reverse("api-case-transition", args=[case_a.pk])
    assert client.post(url, {"transition": "close_notice"}, content_type="application/json").status_code == 400
    answer = client.post(url, {"transition": "verify"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["state"] == "verified"
    login(client, users.township)
    assert client.post(url, {"transition": "confirm"}, content_type="application/json").status_code == 403
    login(client, users.clerk_b)
    assert client.get(reverse("api-cases")).json()["count"] == 0


def test_opening_a_case_from_the_form(client, users, eligible):
    login(client, users.clerk_a)
    data = {
        "case_type": "household_exit",
        "household": eligible.number,
        "appraisal_date": TODAY.isoformat(),
        "appraisal_attendance": 25,
        "appraisal_result": "通过",
    }
    answer = client.post(reverse("workflows:case_open"), data)
    assert answer.status_code == 302 and Case.objects.get().appraisal_attendance == 25
    login(client, users.clerk_b)
    answer = client.post(reverse("workflows:case_open"), {**data, "household": eligible.number})
    assert answer.status_code == 200 and "household" in answer.context["form"].errors


def test_the_sample_pages_record_results(client, users, tree):
    login(client, users.province)
    answer = client.post(
        reverse("workflows:sample_draw"),
        {"county": tree.county.code, "exited_count": 0, "non_registered": "张三, 3\n李四，2", "seed": 7},
    )
    assert answer.status_code == 302
    from villages.models import VerificationSample

    sample = VerificationSample.objects.get()
    entry = sample.entries.first()
    client.post(
        reverse("workflows:sample_detail", args=[sample.pk]), {"entry": entry.pk, "wrong": "yes", "approves": "no"}
    )
    entry.refresh_from_db()
    assert entry.omitted is True and entry.approves is False
    login(client, users.county2)
    assert client.get(reverse("workflows:sample_detail", args=[sample.pk])).status_code == 404


def test_a_clerk_confirms_an_open_alert_from_the_inbox(client, users, tree):
    from households import choices as c
    from monitoring.models import AlertState, MonitoringAlert
    from tests import factories as f

    h = f.household(tree.village_a, status=c.Status.EXITED, exit_year=2019)
    alert = MonitoringAlert.objects.create(
        household=h,
        county=tree.county,
        village=tree.village_a,
        category="unstable_exited",
        year=TODAY.year,
        opened_on=TODAY,
        last_triggered_on=TODAY,
    )
    login(client, users.clerk_b)
    assert client.post(reverse("workflows:alert_confirm", args=[alert.pk])).status_code == 404
    login(client, users.clerk_a)
    page = client.get(reverse("workflows:inbox"))
    assert page.content.count(b'data-testid="inbox-alert"') == 1
    answer = client.post(reverse("workflows:alert_confirm", args=[alert.pk]))
    case = Case.objects.get(household=h)
    assert answer.status_code == 302 and answer["Location"].endswith(f"/cases/{case.pk}/")
    assert MonitoringAlert.objects.get(pk=alert.pk).state == AlertState.CONFIRMED and case.case_type == "monitoring"


def test_evidence_downloads_only_inside_the_scope(client, users, case_a):
    from .conftest import signed_form

    a = s.attachment_add(user=users.clerk_a, case=case_a, kind="house_photo", upload=signed_form())
    login(client, users.clerk_b)
    assert client.get(reverse("workflows:attachment", args=[case_a.pk, a.pk])).status_code == 404
    login(client, users.township)
    answer = client.get(reverse("workflows:attachment", args=[case_a.pk, a.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"


def test_the_inbox_offers_eligible_households_and_villages_to_propose(client, users, tree, eligible):
    from villages.models import RegionIndicator

    login(client, users.clerk_a)
    page = client.get(reverse("workflows:inbox"))
    assert page.content.count(b'data-testid="proposable"') == 1 and eligible.number.encode() in page.content
    s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    assert client.get(reverse("workflows:inbox")).content.count(b'data-testid="proposable"') == 0
    RegionIndicator.objects.create(
        as_of=TODAY, region=tree.village_b, level="village", year=TODAY.year, params_version=0, exit_eligible=True
    )
    login(client, users.township)
    assert client.get(reverse("workflows:inbox")).content.count(b'data-testid="proposable-region"') == 1
    login(client, users.county)
    assert client.get(reverse("workflows:inbox")).content.count(b'data-testid="proposable-region"') == 0


def test_the_api_schema_of_the_workflows_generates_without_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include("workflows.api_urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    validate_schema(schema)
    assert "/api/v1/cases/{id}/transition/" in schema["paths"]


def test_the_household_page_links_to_proposing_its_exit_and_its_cases(client, users, case_a):
    login(client, users.clerk_a)
    page = client.get(reverse("households:detail", args=[case_a.household.number])).content.decode()
    assert 'data-testid="propose-exit"' in page
    listed = client.get(reverse("workflows:case_list") + f"?household={case_a.household.number}")
    assert listed.status_code == 200 and str(case_a.pk) in listed.content.decode()
    login(client, users.clerk_b)
    other = client.get(reverse("workflows:case_list") + f"?household={case_a.household.number}")
    assert str(reverse("workflows:case_detail", args=[case_a.pk])) not in other.content.decode()
