"""Issue 16, the last two slow blocks of the §12 dashboard. The exit progress stays live, in one query of
a few joins instead of subqueries per village; the assistance by category is read from the nightly run's
summary (reports.assistance_summary). Both equal the old computation for every level and for roles with
and without health access, and their query counts do not grow with the registry."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.test.utils import CaptureQueriesContext

from accounts import access
from assistance.models import AssistanceRecord
from eligibility.nightly import finish_steps, register_finish_step
from eligibility.rules.run import recompute_sync
from funds import services as fs
from funds.choices import Payee
from reports import selectors
from reports.assistance_summary import RegionAssistanceCount, assistance_summary_refresh, assistance_summary_step
from tests import factories as f
from tests.funds.helpers import ledger
from villages.flags import year_flags
from villages.models import Level, RegionIndicator, RegionYear

from .conftest import DAY1, DAY2, run_nightly

pytestmark = pytest.mark.django_db

YEARS = (2017, 2018, 2019, 2020, 2021)
WHERE = ("province", "city", "county", "county2", "township", "township2", "village_a", "village_c", "village_d")


def old_exit_counts(region, as_of, year):
    """exit_counts() as it was before issue 16: the year's flags as a subquery per region (villages.flags)."""
    flags = year_flags(year, fields=("is_poverty_village", "poverty_county"))
    village, county = Q(level=Level.VILLAGE), Q(level=Level.COUNTY)
    poverty_village = village & Q(year_is_poverty_village=True)
    poverty_county = county & ~Q(year_poverty_county="")
    open_ = Q(exit_year__isnull=True) | Q(exit_year__gt=year)
    eligible = (
        Value(False)
        if as_of is None
        else Exists(RegionIndicator.objects.filter(region=OuterRef("pk"), as_of=as_of, exit_eligible=True))
    )
    regions = region.__class__.objects.filter(access.region_q(region), village | county)
    return regions.annotate(**flags, eligible_now=eligible).aggregate(
        villages=Count("id", filter=village & Q(exit_year=year)),
        villages_total=Count("id", filter=poverty_village),
        villages_eligible=Count("id", filter=poverty_village & open_ & Q(eligible_now=True)),
        counties=Count("id", filter=county & Q(exit_year=year)),
        counties_total=Count("id", filter=poverty_county),
        counties_eligible=Count("id", filter=poverty_county & open_ & Q(eligible_now=True)),
    )


@pytest.fixture
def flagged(tree, users, django_capture_on_commit_callbacks):
    """Flags recorded by year over the standing ones (set, unset, left empty), announced exits of several
    years, and the snapshot's eligible villages and counties."""
    f.household(tree.village_a, by=users.admin)
    run_nightly(DAY2, django_capture_on_commit_callbacks)
    t = tree
    # Village A is a poverty village standing; 2019 says no, 2020 records nothing, 2021 says yes again.
    RegionYear.objects.create(region=t.village_a, year=2019, is_poverty_village=False)
    RegionYear.objects.create(region=t.village_a, year=2020, rural_population=100)
    RegionYear.objects.create(region=t.village_a, year=2021, is_poverty_village=True)
    # Village B is not; it becomes one from 2018. Village C from 2020; village D only in 2019.
    RegionYear.objects.create(region=t.village_b, year=2018, is_poverty_village=True)
    RegionYear.objects.create(region=t.village_c, year=2020, is_poverty_village=True)
    RegionYear.objects.create(region=t.village_d, year=2019, is_poverty_village=True)
    RegionYear.objects.create(region=t.village_d, year=2020, is_poverty_village=False)
    # 昌图县 is a poverty county standing and stops being one in 2020; 铁岭县 becomes one in 2018.
    RegionYear.objects.create(region=t.county, year=2020, poverty_county="")
    RegionYear.objects.create(region=t.county2, year=2018, poverty_county="national")
    for region, year in ((t.village_b, 2019), (t.village_c, 2020), (t.county2, 2019)):
        region.__class__.objects.filter(pk=region.pk).update(exit_year=year)
    codes = [t.village_a.code, t.village_b.code, t.village_c.code, t.village_d.code, t.county.code, t.county2.code]
    assert RegionIndicator.objects.filter(as_of=DAY2, region__code__in=codes).update(exit_eligible=True) == 6
    return t


@pytest.mark.parametrize("where", WHERE)
def test_the_exit_counts_equal_the_old_subqueries(flagged, where):
    region = getattr(flagged, where)
    for as_of in (None, DAY1, DAY2):
        for year in YEARS:
            assert selectors.exit_counts(region, as_of, year) == old_exit_counts(region, as_of, year), (as_of, year)


def test_the_exit_counts_count_what_the_flags_say(flagged):
    counts = selectors.exit_counts(flagged.province, DAY2, 2019)
    # 2019: B (from 2018) and D (2019) are poverty villages, A said no; B exited in 2019, D is open.
    assert counts == {
        "villages": 1,
        "villages_total": 2,
        "villages_eligible": 1,
        "counties": 1,
        "counties_total": 2,
        "counties_eligible": 1,
    }
    assert selectors.exit_counts(flagged.province, DAY2, 2021)["villages_total"] == 3  # A again, B, C


def test_the_exit_counts_are_one_query_whatever_the_number_of_villages(flagged):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            selectors.exit_counts(flagged.province, DAY2, 2019)
        return len(ctx.captured_queries)

    small = queries()
    for n in range(10, 20):
        village = f.region(f"211224100{n:03d}", f"村{n}", Level.VILLAGE, flagged.township)
        RegionYear.objects.create(region=village, year=2019, is_poverty_village=True)
    assert queries() == small == 1


# --- Assistance by category. ---


@pytest.fixture
def ledgered(tree, users, homes, django_capture_on_commit_callbacks):
    """Assistance of every kind in the four villages over two years, health assistance among it, and a
    payment recorded as assistance and then reversed (not added up); then a nightly run."""
    rows = [
        (homes.a, "health", "2019-03-01", "120.50"),
        (homes.a, "health", "2019-04-01", "80.00"),
        (homes.a, "industry", "2019-05-01", "1000.00"),
        (homes.a, "education", "2020-02-01", "300.00"),
        (homes.b, "health", "2019-06-01", "55.55"),
        (homes.b, "housing", "2019-07-01", "0"),
        (homes.c, "employment", "2019-08-01", "200.00"),
        (homes.d, "health", "2019-09-01", "99.99"),
        (homes.d, "finance", "2018-12-31", "5000.00"),
    ]
    for household, category, day, amount in rows:
        AssistanceRecord.objects.create(
            household=household,
            category=category,
            date=dt.date.fromisoformat(day),
            content="帮扶",
            amount=Decimal(amount),
            created_by=users.admin,
        )
    _project, _allocation, arrangement = ledger(tree, users)
    for amount, reverse in (("40.00", True), ("60.00", False)):
        paid = fs.disbursement_create(
            user=users.county,
            arrangement=arrangement,
            amount=amount,
            date=dt.date(2019, 6, 1),
            payee=Payee.HOUSEHOLD,
            household=homes.b,
            category="industry",
            record_assistance=True,
        )
        if reverse:
            fs.disbursement_reverse(user=users.county, disbursement=paid, reason="退回")
    run_nightly(DAY2, django_capture_on_commit_callbacks)
    return homes


def live_assistance(user, region, year):
    """assistance_by_category() as it was: the ledger added up per request."""
    from projects.choices import AssistanceCategory

    labels = dict(AssistanceCategory.choices)
    return [
        {"category": c, "label": str(labels[c]), "records": n, "amount": amount or Decimal("0")}
        for c, n, amount in sorted(selectors._assistance_live(user, region, year))
    ]


@pytest.mark.parametrize(
    "who, where",
    [
        ("province", "province"),  # no health access
        ("auditor", "province"),  # health access
        ("city", "city"),
        ("province", "county"),
        ("county", "county"),
        ("county2", "county2"),
        ("township", "township"),
        ("township", "village_a"),  # no health access below a county
        ("province", "village_c"),
        ("clerk_a", "village_a"),  # health access in a village
        ("clerk_b", "village_b"),
        ("auditor", "village_d"),
    ],
)
def test_the_assistance_from_the_summary_equals_the_ledger(ledgered, tree, users, who, where):
    user, region = getattr(users, who), getattr(tree, where)
    assert RegionAssistanceCount.objects.filter(region=region).exists()
    for year in (2018, 2019, 2020, 2021):
        assert selectors.assistance_by_category(user, region, year) == live_assistance(user, region, year)


def test_the_summary_adds_up_counted_records_only(ledgered, tree, users):
    rows = {r["category"]: r for r in selectors.assistance_by_category(users.province, tree.province, 2019)}
    assert rows["health"]["records"] == 4 and rows["health"]["amount"] == Decimal("356.04")
    assert rows["industry"]["records"] == 2 and rows["industry"]["amount"] == Decimal("1060.00")  # not the 40
    assert rows["housing"] == {**rows["housing"], "records": 1, "amount": Decimal("0")}


def test_a_record_shows_after_the_next_run_and_a_county_run_recounts_its_county(ledgered, tree, users):
    AssistanceRecord.objects.create(
        household=ledgered.c, category="health", date=dt.date(2019, 9, 1), content="帮扶", amount=Decimal("1")
    )
    before = selectors.assistance_by_category(users.province, tree.province, 2019)
    assert before != live_assistance(users.province, tree.province, 2019)  # as of the last nightly run
    recompute_sync(as_of=dt.date(2019, 10, 16), county=tree.county)
    for user, region in ((users.province, tree.province), (users.county, tree.county), (users.county2, tree.county2)):
        assert selectors.assistance_by_category(user, region, 2019) == live_assistance(user, region, 2019)


def test_the_summary_is_idempotent_and_a_first_county_run_writes_everything(ledgered, tree):
    def rows():
        return sorted(RegionAssistanceCount.objects.values_list("region_id", "year", "category", "records", "amount"))

    before = rows()
    assistance_summary_refresh()
    assistance_summary_refresh(county=tree.county)
    assert rows() == before
    RegionAssistanceCount.objects.all().delete()
    assistance_summary_refresh(county=tree.county)  # nothing written yet: the whole province
    assert rows() == before


def test_a_helper_and_a_registry_without_summary_are_counted_live(ledgered, tree, users):
    from households.models import Helper, Pairing

    helper = Helper.objects.create(
        name="张帮", sex="male", unit="县农业局", unit_level="county", county=tree.county, user=users.helper
    )
    Pairing.objects.create(helper=helper, household=ledgered.a, start=dt.date(2019, 1, 1))
    mine = selectors.assistance_by_category(users.helper, tree.county, 2019)
    assert {r["category"]: r["records"] for r in mine} == {"health": 2, "industry": 1}
    RegionAssistanceCount.objects.all().delete()  # before the first run that writes the summary
    assert selectors._assistance_summary(tree.province, 2019) is None
    assert selectors.assistance_by_category(users.province, tree.province, 2019) == live_assistance(
        users.province, tree.province, 2019
    )


@pytest.mark.parametrize("who, where", [("province", "province"), ("county", "county"), ("clerk_a", "village_a")])
def test_the_assistance_query_count_is_fixed_and_reads_no_ledger(
    ledgered, tree, users, who, where, django_capture_on_commit_callbacks
):
    user, region = getattr(users, who), getattr(tree, where)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            selectors.assistance_by_category(user, region, 2019)
            selectors.assistance_by_category(user, region, 2016)  # a year without assistance: two queries
        return [q["sql"] for q in ctx.captured_queries]

    small = queries()
    for _ in range(20):
        AssistanceRecord.objects.create(
            household=ledgered.a, category="industry", date=dt.date(2019, 1, 1), content="帮扶", amount=Decimal("1")
        )
    run_nightly(dt.date(2019, 10, 16), django_capture_on_commit_callbacks)
    big = queries()
    assert len(big) == len(small) == 3
    assert not [sql for sql in big if AssistanceRecord._meta.db_table in sql]


def test_reports_registers_the_summary_as_a_finish_step_once():
    assert finish_steps().count(assistance_summary_step) == 1
    register_finish_step(assistance_summary_step)  # ready() again
    assert finish_steps().count(assistance_summary_step) == 1


def test_a_failing_finish_step_fails_the_run(tree, users, monkeypatch):
    from eligibility import nightly
    from eligibility.models import RecomputeRun, RunState

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(nightly, "_finish_steps", [*nightly._finish_steps, broken])
    f.household(tree.village_a, by=users.admin)
    with pytest.raises(RuntimeError):
        recompute_sync(as_of=DAY2)
    assert RecomputeRun.objects.get(as_of=DAY2).state == RunState.FAILED
