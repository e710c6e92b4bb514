"""Applicants (issue 14, docs/lifecycle-applicants.md): a household registered by the form, the API or a
clerk's import is an applicant (§6.2), counted nowhere as poor (§5.3, §12) until the identification chain
announces it; province staff may migrate a county's registry as already identified (§13)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from eligibility.rules.run import recompute_sync
from households import choices as c
from households.models import Household, StatusEvent
from households.services import registration_reason
from households.views import MARGINAL_CATEGORY
from imports.models import ImportJob, JobState
from monitoring.models import AlertCategory
from monitoring.rules.household import quality_check_household
from reports.selectors import status_counts
from tests import factories as f
from tests.api.conftest import household_document
from tests.conftest import login
from tests.imports.conftest import commit, household_row, member_row, post_file, upload, xlsx_bytes
from villages.models import RegionIndicator, RegionYear, WorkingYear

from .test_views_form import NEW, form_data, member_data

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2020, 10, 15)


@pytest.fixture(autouse=True)
def working_year_2020(db):
    WorkingYear.objects.get_or_create(year=2020)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- the form ---


def test_the_form_registers_an_applicant_by_default(client, tree, users):
    login(client, users.clerk_a)
    page = client.get(NEW).content.decode()
    assert 'data-testid="registered-as"' in page and 'value="applicant" class="form-check-input"' in page
    response = client.post(NEW, form_data(tree.village_a, [member_data(0)]))
    h = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/households/{h.number}/"
    assert h.status == c.Status.APPLICANT
    event = StatusEvent.objects.get(household=h)
    assert (event.from_status, event.to_status) == ("", "applicant")
    assert event.reason == registration_reason(c.Status.APPLICANT) != registration_reason(c.Status.POOR)
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="applicant-note"' in detail and 'data-testid="apply-identification"' in detail
    assert 'data-testid="propose-exit"' not in detail


def test_a_household_close_to_the_line_goes_on_to_its_monitoring_case(client, tree, users):
    assert MARGINAL_CATEGORY == AlertCategory.MARGINAL
    login(client, users.clerk_a)
    response = client.post(NEW, form_data(tree.village_a, [member_data(0)], registered_as="not_poor"))
    h = Household.objects.get()
    assert h.status == c.Status.NOT_POOR
    assert response.status_code == 302
    assert response["Location"] == (
        f"/workflows/cases/new/?case_type=monitoring&household={h.number}&category={AlertCategory.MARGINAL}"
    )
    assert StatusEvent.objects.get(household=h).reason == registration_reason(c.Status.NOT_POOR)


def test_an_unknown_registration_choice_is_refused_and_nothing_is_saved(client, tree, users):
    login(client, users.clerk_a)
    response = client.post(NEW, form_data(tree.village_a, [member_data(0)], registered_as="poor"))
    assert response.status_code == 200 and 'data-field-error="registered_as"' not in response.content.decode()
    assert not Household.objects.exists()
    assert "registered_as" in response.context["form"].errors


@pytest.mark.parametrize("status", [c.Status.POOR, c.Status.APPLICANT, c.Status.EXITED])
def test_editing_a_household_keeps_its_status(client, tree, users, status):
    h = f.household(tree.village_a, status=status)
    head = h.members.get()
    login(client, users.clerk_a)
    page = client.get(f"/households/{h.number}/edit/").content.decode()
    assert 'data-testid="registered-as"' not in page
    row = member_data(0, id_number=head.id_number, name=head.name)
    data = form_data(tree.village_a, [row], existing_ids=[head.pk], registered_as="not_poor", phone="13700000000")
    response = client.post(f"/households/{h.number}/edit/", data)
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.status == status and h.phone == "13700000000"
    assert StatusEvent.objects.filter(household=h).count() == 1


# --- the API ---


def test_the_api_registers_an_applicant_not_counted_in_the_remaining_poor(tree, users):
    RegionYear.objects.create(region=tree.village_a, year=2020, rural_population=100)
    poor = f.household(tree.village_a, members=[f.member(), f.member(c.Relationship.SPOUSE, male=False)])
    created = api(users.clerk_a).post("/api/v1/households/", household_document(tree.village_a.code), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "applicant"
    number = created.json()["number"]
    assert api(users.clerk_a).get(f"/api/v1/households/{number}/").json()["status"] == "applicant"
    listed = api(users.township).get("/api/v1/households/", {"status": "applicant"}).json()
    rows = listed["results"] if "results" in listed else listed
    assert [r["number"] for r in rows] == [number]
    recompute_sync(as_of=AS_OF)
    body = api(users.clerk_a).get(f"/api/v1/regions/{tree.village_a.code}/indicators/", {"year": 2020}).json()
    assert body["remaining_poor"] == poor.members.count() == 2  # the applicant's three are not among them
    assert body["incidence"] == "0.020000"
    assert StatusEvent.objects.get(household__number=number).reason == registration_reason(c.Status.APPLICANT)


def test_the_schema_knows_the_applicant_status(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    enums = [s.get("enum") or [] for s in schema["components"]["schemas"].values()]
    assert any("applicant" in e and "not_poor" in e and "poor" in e for e in enums)


# --- counts: incidence, lists, region page, reports ---


def _people(village, status, n=2):
    members = [f.member(), *(f.member(c.Relationship.SON, birth=dt.date(2000, 1, 1)) for _ in range(n - 1))]
    return f.household(village, status=status, members=members)


def _figures(region):
    row = RegionIndicator.objects.get(region=region, as_of=AS_OF)
    return (row.remaining_poor, row.registered_people, row.exited_people, row.incidence, row.comprehensive_incidence)


def test_incidence_and_registered_people_leave_out_applicants_and_not_poor_households(tree):
    RegionYear.objects.create(region=tree.village_a, year=2020, rural_population=200)
    _people(tree.village_a, c.Status.POOR)
    _people(tree.village_a, c.Status.EXITED)
    recompute_sync(as_of=AS_OF)
    before = {r: _figures(r) for r in (tree.village_a, tree.township, tree.county, tree.province)}
    _people(tree.village_a, c.Status.APPLICANT, 3)
    _people(tree.village_a, c.Status.NOT_POOR, 4)
    recompute_sync(as_of=AS_OF)
    after = {r: _figures(r) for r in before}
    assert after == before
    assert before[tree.village_a][:3] == (2, 4, 2)


def test_applicants_are_listed_with_a_status_filter_to_their_village_township_and_county(client, tree, users):
    applicant = _people(tree.village_a, c.Status.APPLICANT)
    marginal = _people(tree.village_a, c.Status.NOT_POOR)
    _people(tree.village_a, c.Status.POOR)
    for user in (users.clerk_a, users.township, users.county):
        login(client, user)
        page = client.get("/households/", {"status": "applicant"})
        assert [h.number for h in page.context["households"]] == [applicant.number], user
        page = client.get("/households/", {"status": "not_poor"})
        assert [h.number for h in page.context["households"]] == [marginal.number], user
    login(client, users.clerk_b)
    assert client.get(f"/households/{applicant.number}/").status_code == 404


def test_the_village_page_counts_registered_households_and_shows_applicants_apart(client, tree, users):
    _people(tree.village_a, c.Status.POOR, 2)
    _people(tree.village_a, c.Status.APPLICANT, 3)
    _people(tree.village_a, c.Status.NOT_POOR, 4)
    login(client, users.township)
    township = client.get(f"/regions/{tree.township.code}/")
    row = dict(township.context["rows"])[tree.village_a]
    assert (row["total"], row["people"], row["poor"], row["applicant"], row["not_poor"], row["listed"]) == (
        1,
        2,
        1,
        1,
        1,
        3,
    )
    table = township.content.decode().split('data-testid="children"')[1].split("</table>")[0]
    head, body = table.split("</thead>")
    first_row = body.split("</tr>")[0]
    assert head.count("<th>") + head.count("<th ") == first_row.count("<td")  # one header per column
    village = client.get(f"/regions/{tree.village_a.code}/").context["totals"]
    assert (village["total"], village["people"], village["listed"]) == (1, 2, 3)


def test_reports_leave_out_applicants_and_not_poor_households(client, tree, users):
    poor = _people(tree.village_a, c.Status.POOR)
    _people(tree.village_a, c.Status.APPLICANT)
    _people(tree.village_a, c.Status.NOT_POOR)
    recompute_sync(as_of=AS_OF)
    counts = {r["status"]: r for r in status_counts(users.county, tree.county, AS_OF)}
    assert "applicant" not in counts and "not_poor" not in counts and counts["poor"]["households"] == 1
    login(client, users.county)
    roster = client.get("/reports/tables/households/", {"region": tree.village_a.code})
    assert roster.status_code == 200
    assert poor.number in roster.content.decode()
    assert roster.content.decode().count("21122410000100") == 1


def test_data_quality_checks_run_on_applicants_except_the_helper_check(tree):
    applicant = f.household(tree.village_a, status=c.Status.APPLICANT, housing_area=0)
    poor = f.household(tree.village_a, status=c.Status.POOR, housing_area=0)
    found = {(x.code, x.kind) for x in quality_check_household(applicant, as_of=AS_OF)}
    assert ("DQ12", "housing_area") in found and not any(code == "DQ11" for code, _kind in found)
    assert ("DQ11", "no_helper") in {(x.code, x.kind) for x in quality_check_household(poor, as_of=AS_OF)}


# --- the import ---


def _file(key="1", village="211224100001"):
    return xlsx_bytes([household_row(key, village=village)], [member_row(key, name="王大")])


def test_a_clerks_import_registers_applicants(client, tree, users, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, _file())
    job = ImportJob.objects.latest("id")
    assert job.state == JobState.VALIDATED and job.as_identified is False
    commit(client, django_capture_on_commit_callbacks, job)
    h = Household.objects.get()
    assert h.status == c.Status.APPLICANT
    event = StatusEvent.objects.get(household=h)
    assert event.to_status == "applicant" and f"#{job.pk}" in event.reason
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-as-identified="0"' in page and 'data-testid="result-imported-as"' in page
    assert 'data-testid="as-identified"' not in client.get("/imports/").content.decode()


def test_a_clerk_cannot_import_as_identified(client, tree, users, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"file": upload(_file()), "as_identified": "on"})
    assert response.status_code == 400 and 'data-testid="as-identified-error"' in response.content.decode()
    assert not ImportJob.objects.exists()
    refused = api(users.clerk_a).post(
        "/api/v1/imports/", {"file": upload(_file()), "as_identified": "true"}, format="multipart"
    )
    assert refused.status_code == 400 and "as_identified" in refused.json()
    assert not ImportJob.objects.exists()


def test_province_staff_migrate_a_registry_as_identified(client, tree, users, django_capture_on_commit_callbacks):
    login(client, users.province)
    page = client.get("/imports/").content.decode()
    assert 'data-testid="as-identified"' in page and "/imports/rosters/" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"file": upload(_file()), "as_identified": "on"})
    job = ImportJob.objects.latest("id")
    assert job.as_identified is True and job.state == JobState.VALIDATED
    commit(client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result["new_status"] == "poor"
    h = Household.objects.get()
    assert h.status == c.Status.POOR
    assert StatusEvent.objects.get(household=h).to_status == "poor"
    summary = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-as-identified="1"' in summary
    assert client.get("/imports/rosters/").status_code == 404  # rosters stay with the importers


def test_province_staff_import_applicants_without_the_option(tree, users, django_capture_on_commit_callbacks):
    client = api(users.province)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/imports/", {"file": upload(_file())}, format="multipart")
    assert created.status_code == 201 and created.json()["as_identified"] is False
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/imports/{created.json()['id']}/commit/", {"valid_only": False}, format="json")
    assert Household.objects.get().status == c.Status.APPLICANT
