"""seed_demo (issue 2, item 8): reproducible, valid demo data and one working user per role (§1–§3, §8.1);
and a living working year (issue 15): cases, projects, funds, assistance, samples, an import and targets."""

import datetime as dt
import hashlib
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import Role, User
from assistance.models import AssistanceRecord, SmallLoan, Visit
from demo.cases import EXIT_PLAN
from demo.import_history import FAMILIES
from demo.seed import DEMO_PASSWORD
from eligibility.rules.household import explain_household
from funds.models import Allocation, Arrangement, Disbursement
from households import choices as c
from households.exits import EXIT_EVENT, RETURN_EVENT, exit_totals
from households.idnumber import parse_id_number
from households.models import Helper, Household, Income, Member, Pairing, StatusEvent
from households.selectors import household_list_for
from imports.models import ImportJob, JobState
from projects.models import Project
from villages.models import AnnualTarget, Level, Region, RegionYear, SampledHousehold, VerificationSample
from villages.working_year import working_year
from workflows.definitions import CaseType, State
from workflows.dossier import dossier_verify
from workflows.models import Case, Dossier

pytestmark = pytest.mark.django_db
IMPORTED = len(FAMILIES) - 1  # demo.import_history: households added by the demo's import (one is refused)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The demo's evidence files and import workbook go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def seed(households=200, seed=1, **options):
    out = StringIO()
    call_command("seed_demo", households=households, seed=seed, stdout=out, **options)
    return out.getvalue()


def digest() -> str:
    h = hashlib.sha256()
    for row in Household.objects.order_by("number").values_list("number", "status", "main_cause", "village__code"):
        h.update(repr(row).encode())
    for row in Member.objects.order_by("id_number").values_list("id_number", "name", "household__number"):
        h.update(repr(row).encode())
    for row in Income.objects.order_by("household__number", "year").values_list(
        "household__number", "year", "wages", "business", "net"
    ):
        h.update(repr(row).encode())
    # The working year (issue 15): natural keys and values only, never ids.
    activity = [
        Case.objects.order_by("case_type", "region__code", "household__number").values_list(
            "case_type", "state", "household__number", "region__code", "notice_start", "state_since", "year"
        ),
        Project.objects.order_by("name").values_list("name", "status", "year", "beneficiary_people"),
        Allocation.objects.order_by("document_number").values_list("document_number", "source", "amount", "date"),
        Disbursement.objects.order_by("date", "voucher", "kind").values_list(
            "voucher", "kind", "amount", "date", "household__number"
        ),
        AssistanceRecord.objects.order_by("household__number", "date", "category", "amount").values_list(
            "household__number", "category", "date", "amount", "content"
        ),
        Visit.objects.order_by("household__number", "visited_on", "findings").values_list(
            "household__number", "visited_on", "findings"
        ),
        SmallLoan.objects.order_by("household__number", "issued_on").values_list(
            "household__number", "amount", "issued_on", "due_on", "repaid_on", "extended_to"
        ),
        SampledHousehold.objects.order_by("sample__drawn_on", "household__number", "label").values_list(
            "household__number", "label", "wrongly_exited", "omitted", "approves"
        ),
        Dossier.objects.order_by("case__household__number").values_list("case__household__number", "sealed_at"),
        AnnualTarget.objects.order_by("region__code", "year").values_list("region__code", "year", "people"),
    ]
    for rows in activity:
        for row in rows:
            h.update(repr(row).encode())
    return h.hexdigest()


class Rollback(Exception):
    pass


def test_the_same_seed_gives_identical_households_in_a_fresh_database():
    try:
        with transaction.atomic():  # a fresh database again once this block is rolled back
            seed()
            first = digest()
            raise Rollback
    except Rollback:
        pass
    assert not Region.objects.exists()
    seed()
    assert Household.objects.count() == 200 + IMPORTED
    assert Case.objects.exists() and Project.objects.exists() and AssistanceRecord.objects.exists()
    assert digest() == first


def test_another_seed_gives_another_working_year():
    try:
        with transaction.atomic():
            seed(seed=2)
            other = digest()
            raise Rollback
    except Rollback:
        pass
    seed(seed=1)
    assert digest() != other


def test_every_member_id_number_is_valid_and_matches_birth_date_and_sex():
    seed()
    members = list(Member.objects.values_list("id_number", "birth_date", "sex", "relationship"))
    assert len(members) > 400
    for id_number, birth_date, sex, relationship in members:
        info = parse_id_number(id_number)
        assert (info.birth_date, info.sex) == (birth_date, sex)
        if relationship in c.MALE_RELATIONSHIPS:
            assert sex == c.Sex.MALE
        if relationship in c.FEMALE_RELATIONSHIPS:
            assert sex == c.Sex.FEMALE
    current = Member.objects.filter(departure="")
    assert current.values("id_number").distinct().count() == current.count()


def test_each_live_household_has_exactly_one_current_head_and_closed_ones_none():
    seed()
    heads = Household.objects.annotate(
        heads=Count("members", filter=Q(members__relationship=c.Relationship.HEAD, members__departure=""))
    )
    assert set(heads.exclude(status=c.Status.CLOSED).values_list("heads", flat=True)) == {1}
    assert set(heads.filter(status=c.Status.CLOSED).values_list("heads", flat=True)) <= {0}


def test_households_are_numbered_by_village_and_have_their_records():
    seed()
    for number, village_code, county_id, village_county in Household.objects.values_list(
        "number", "village__code", "county_id", "village__parent__parent_id"
    ):
        assert len(number) == 16 and number.startswith(village_code)
        assert county_id == village_county
    assert Income.objects.filter(year=2020).exists()
    assert Pairing.objects.count() == 200 + IMPORTED  # the imported households are paired too
    assert set(Household.objects.values_list("status", flat=True)) >= {c.Status.EXITED, c.Status.POOR}
    assert StatusEvent.objects.filter(to_status=c.Status.EXITED).exists()


def test_every_exit_and_return_event_records_its_year_and_people():
    """ "Exits of the year" count the status events (households.exits, issue 13): in the demo every exit
    and return records the policy year of the household's exit_year / return_year and the people of the
    household on its date, so the figures of each year are exact."""
    seed()
    exit_events = StatusEvent.objects.filter(EXIT_EVENT).select_related("household")
    return_events = StatusEvent.objects.filter(RETURN_EVENT).select_related("household")
    assert exit_events.exists() and return_events.exists()
    for event in [*exit_events, *return_events]:
        h = event.household
        assert event.year == (h.exit_year if event.to_status != c.Status.RETURNED else h.return_year)
        gone_by_then = Q(departed_on__isnull=False, departed_on__lte=event.date)
        on_the_day = h.members.filter(birth_date__lte=event.date).exclude(gone_by_then)
        assert event.people == on_the_day.count() > 0, (h.number, event.date)
    for year in (2018, 2019, 2020):
        dated = exit_events.filter(year=year)
        undated = Household.objects.filter(exit_year=year).exclude(pk__in=dated.values("household_id"))
        assert not undated.exists()  # every demo exit is an event that records its year
        totals = exit_totals(Household.objects.all(), year)
        assert totals["households"] == dated.count() + undated.count()
        current = Member.objects.filter(household__in=undated, departure="").count()
        assert totals["people"] == sum(dated.values_list("people", flat=True)) + current


def test_all_eight_demo_users_exist_with_coherent_scopes_and_can_log_in(client):
    output = seed()
    assert DEMO_PASSWORD in output
    users = {u.username: u for u in User.objects.select_related("scope")}
    assert set(users) == set(Role.values)
    for username, user in users.items():
        assert user.role == username
        assert client.login(username=username, password=DEMO_PASSWORD)
        client.logout()
    clerk_village = users["village_clerk"].scope
    assert clerk_village.level == Level.VILLAGE
    assert Household.objects.filter(village=clerk_village).exists()
    assert users["township_reviewer"].scope == clerk_village.parent
    assert users["county_official"].scope == clerk_village.parent.parent
    assert users["city_official"].scope == clerk_village.parent.parent.parent
    for name in ("province_staff", "auditor", "admin"):
        assert users[name].scope.level == Level.PROVINCE
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not users["province_staff"].is_superuser
    helper_homes = household_list_for(users["helper"])
    assert helper_homes.count() >= 3
    assert set(helper_homes.values_list("village_id", flat=True)) == {clerk_village.pk}


def test_zero_households_builds_regions_and_users_only():
    seed(households=0)
    assert Region.objects.filter(level=Level.VILLAGE).count() >= 100
    assert User.objects.count() == 8
    assert not Household.objects.exists() and not Helper.objects.exists()
    assert AnnualTarget.objects.filter(region__level=Level.PROVINCE, year=2018, people=150_000).exists()


def test_if_empty_is_a_no_op_the_second_time_and_a_plain_rerun_refuses():
    seed(households=20, if_empty=True)
    before = (Region.objects.count(), Household.objects.count(), User.objects.count())
    seed(households=20, if_empty=True)
    assert (Region.objects.count(), Household.objects.count(), User.objects.count()) == before
    with pytest.raises(CommandError):
        seed(households=20)
    assert Household.objects.count() == before[1]


def test_codes_are_12_digits_and_children_start_with_the_parent_prefix():
    seed(households=0)
    regions = Region.objects.select_related("parent")
    assert regions.filter(level=Level.COUNTY, code="211224000000", poverty_county="provincial").exists()
    for region in regions:
        assert len(region.code) == 12 and region.code.isdigit()
        if region.parent:
            assert region.code.startswith(region.parent.prefix)
            assert region.code != region.parent.code
    years = RegionYear.objects.filter(region__level=Level.VILLAGE)
    assert set(years.values_list("year", flat=True)) == {2018, 2019, 2020}
    assert not years.filter(rural_population__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_seeding_outside_a_transaction_as_the_command_runs_gives_the_same_data():
    """Outside a transaction PostgreSQL writes batches from a second thread (demo.writer)."""
    seed(households=60, batch=7)
    assert Household.objects.count() == 60 + IMPORTED
    assert Member.objects.filter(household__isnull=True).count() == 0
    assert Pairing.objects.filter(helper__user__username=Role.HELPER).count() >= 3
    numbers = list(Household.objects.order_by("id").values_list("number", flat=True))
    assert len(set(numbers)) == 60 + IMPORTED
    assert Case.objects.filter(case_type=CaseType.HOUSEHOLD_EXIT).count() == len(EXIT_PLAN)
    # The id sequences moved past the explicit ids: a later insert does not collide.
    county = Region.objects.get(code="211224000000")
    helper = Helper.objects.create(
        name="新干部", sex=c.Sex.MALE, unit="昌图县财政局", unit_level="county", county=county
    )
    assert helper.pk > max(Helper.objects.exclude(pk=helper.pk).values_list("pk", flat=True))


# --- The working year on day one (issue 15, "a living demo") ---


def _within(year: int, *days) -> bool:
    return all(d is None or d.year == year for d in days)


def test_every_table_of_the_working_year_has_rows_in_the_expected_states():
    seed()
    year = working_year()
    assert year == 2020  # the demo is the situation of 2020, whatever the calendar says

    # §10: a project in every state, with labelled targets (planned vs achieved as far as the work went).
    projects = Project.objects.prefetch_related("targets")
    assert set(projects.values_list("status", flat=True)) == {
        "reserve",
        "approved",
        "in_progress",
        "completed",
        "accepted",
        "terminated",
    }
    for project in projects:
        assert project.targets.all() and all(t.indicator and t.unit and t.planned > 0 for t in project.targets.all())
        reached = project.status in ("in_progress", "completed", "accepted")
        assert any(t.achieved is not None for t in project.targets.all()) == reached
    assert projects.filter(beneficiary_households__isnull=False).distinct().count() >= 4
    assert projects.filter(status="approved").get().notices.filter(kind="approval").exists()

    # §11: allocated → arranged → disbursed, every invariant holding, a reversal and household payments.
    assert Allocation.objects.count() >= 5
    for allocation in Allocation.objects.all():
        arranged = sum(a.signed_amount for a in allocation.arrangements.all())
        assert Decimal(0) <= arranged <= allocation.amount
    for arrangement in Arrangement.objects.filter(kind="normal"):
        paid = sum(d.signed_amount for d in arrangement.disbursements.all())
        assert Decimal(0) <= paid <= arrangement.amount
    assert Arrangement.objects.filter(kind="reversal").exists()  # the terminated project's funds
    to_homes = Disbursement.objects.filter(payee="household", kind="normal")
    assert to_homes.exists() and to_homes.filter(assistance__isnull=False).count() == to_homes.count()
    assert Disbursement.objects.filter(kind="reversal", payee="household").exists()
    assert all(_within(year, d) for d in Disbursement.objects.values_list("date", flat=True))

    # §4: the five batches' categories, helpers' visits (also the demo helper's own), loans.
    counted = AssistanceRecord.objects.filter(date__year=year)
    assert counted.values("category").distinct().count() >= 6
    assert Visit.objects.filter(helper__isnull=False, visited_on__year=year).count() > 50
    assert Visit.objects.filter(visitor__username=Role.HELPER).exists()
    assert SmallLoan.objects.filter(repaid_on__isnull=False).exists()

    # §6.1: household exit cases at every step, in the working year.
    exits = Case.objects.filter(case_type=CaseType.HOUSEHOLD_EXIT)
    assert set(exits.values_list("state", flat=True)) == set(EXIT_PLAN)
    for case in exits:
        assert case.year == year and case.eligible_at_proposal is True and not case.justification
        assert case.state_since.year == year and _within(year, case.appraisal_date, case.notice_start)
    day = dt.date(year, 12, 31)
    ready = exits.filter(state=State.TOWNSHIP_APPROVED).select_related("household")
    assert ready.count() >= 2
    for case in ready:  # the notice ran its seven days; the exit check passes
        assert (case.notice_end - case.notice_start).days >= 7
        assert explain_household(case.household, day).eligible
    sealed = Dossier.objects.select_related("case")
    assert {d.case.state for d in sealed} == {State.APPROVED, State.ANNOUNCED}
    assert all(dossier_verify(d) for d in sealed)
    assert all(d.content["eligibility"]["approval"]["eligible"] for d in sealed)
    announced = exits.get(state=State.ANNOUNCED).household
    assert (announced.status, announced.exit_year) == (c.Status.EXITED, year)
    assert exits.get(state=State.NOTICE).objections.filter(resolved_at__isnull=True).exists()

    # §7, §6.3, §6.4: monitoring cases, a village and a county exit, samples with results.
    monitoring = Case.objects.filter(case_type=CaseType.MONITORING)
    assert {State.MONITORED, State.TOWNSHIP_APPROVED, State.VISITED} <= set(monitoring.values_list("state", flat=True))
    assert Case.objects.filter(case_type=CaseType.VILLAGE_EXIT, state=State.NOTICED).exists()
    assert Case.objects.filter(case_type=CaseType.COUNTY_EXIT, state=State.ANNOUNCED, year=2018).exists()
    sample = VerificationSample.objects.filter(drawn_on__year=year).get()
    assert sample.entries.filter(approves__isnull=False).count() == sample.entries.count() > 0

    # §13 import history, §2 targets of the working year.
    job = ImportJob.objects.get()
    assert job.state == JobState.DONE and job.error_count == 1 and job.result["created"] == IMPORTED
    assert job.issues.exists() and job.created_at.year == year
    province = AnnualTarget.objects.get(region__level=Level.PROVINCE, year=year)
    assert province.people > 0 and province.villages > 0
    assert AnnualTarget.objects.filter(region__level=Level.COUNTY, year=year, people__gt=0).exists()


def _pdf_renders() -> bool:
    """The dossier PDF needs WeasyPrint with Debian's pango (.ci/run installs it); without a CJK font it
    still renders, with empty boxes for the Chinese text."""
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


def test_the_county_official_finds_every_page_alive_and_the_province_its_assistance_chart(client):
    seed()
    official = User.objects.get(username=Role.COUNTY_OFFICIAL)
    client.force_login(official)
    accepted = Project.objects.get(status="accepted")
    assert accepted.name in _get(client, "/projects/").content.decode()
    page = _get(client, f"/projects/{accepted.pk}/").content.decode()
    assert all(t.indicator in page for t in accepted.targets.all())
    allocation = Allocation.objects.order_by("id").first()
    assert allocation.document_number in _get(client, "/funds/").content.decode()
    _get(client, f"/funds/allocations/{allocation.pk}/")
    _get(client, "/funds/reports/")
    cases = _get(client, "/workflows/cases/")
    ready = Case.objects.filter(case_type=CaseType.HOUSEHOLD_EXIT, state=State.TOWNSHIP_APPROVED).first()
    assert ready.household.number in cases.content.decode()
    detail = _get(client, f"/workflows/cases/{ready.pk}/")
    assert [t.name for t in detail.context["actions"] if not t.send_back] == ["county_approve"]
    inbox = _get(client, "/workflows/")
    assert ready.household.number in inbox.content.decode()
    sealed = Dossier.objects.get(case__state=State.APPROVED).case
    assert sealed.household.number in _get(client, f"/workflows/cases/{sealed.pk}/dossier/").content.decode()
    if _pdf_renders():
        pdf = _get(client, f"/workflows/cases/{sealed.pk}/dossier.pdf")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    alerts = _get(client, "/monitoring/alerts/")
    assert alerts.context is not None
    monitored = Case.objects.get(case_type=CaseType.MONITORING, state=State.MONITORED)
    _get(client, f"/workflows/cases/{monitored.pk}/")
    sample = VerificationSample.objects.order_by("-drawn_on").first()
    assert f"/workflows/samples/{sample.pk}/" in _get(client, "/workflows/samples/").content.decode()
    assert (
        sample.entries.filter(household__isnull=False).first().household.number
        in _get(client, f"/workflows/samples/{sample.pk}/").content.decode()
    )
    home = Disbursement.objects.filter(payee="household").first().household
    assert "危房" in _get(client, f"/assistance/households/{home.number}/").content.decode()

    client.force_login(User.objects.get(username=Role.VILLAGE_CLERK))
    job = ImportJob.objects.get()
    assert job.original_name in _get(client, "/imports/").content.decode()
    _get(client, f"/imports/{job.pk}/")

    client.force_login(User.objects.get(username=Role.PROVINCE_STAFF))
    dashboard = _get(client, "/reports/")
    chart = dashboard.context["chart_data"]
    assert chart["year"] == working_year()
    assert len(chart["assistance"]) >= 6 and all(row["records"] > 0 for row in chart["assistance"])
    assert chart["progress"]["people_target"] > 0
