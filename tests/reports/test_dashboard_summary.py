"""Issue 16: the §12 dashboards read the nightly run's per-region summaries (eligibility.rules.summaries)
instead of counting the household snapshots and the status events per request. Their figures equal the
ones counted the old way, for every level and for roles with and without health access; the query count
does not grow with the registry, and no query reads the household snapshots or the status events."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eligibility.models import RegionExitCount, RegionSnapshotCount
from eligibility.rules.run import recompute_sync
from households import choices as c
from households.services import household_status_change
from reports import selectors
from tests import factories as f

from .conftest import DAY1, DAY2, run_nightly

pytestmark = pytest.mark.django_db

# The per-household tables the summaries replace (the assistance block: test_dashboard_blocks.py).
SNAPSHOT_TABLES = ("households_householdcheck", "households_statusevent")


def exit_in(users, household, year, day=None):
    household_status_change(
        user=users.admin,
        household=household,
        to_status=c.Status.EXITED,
        date=day or dt.date(year, 11, 1),
        reason="测试",
        year=year,
    )


def fill(tree, users, villages=None):
    """Poor households of every kind of cause, returned and exited ones, exits of two years with events
    (a re-exit among them) and without (registered already exited)."""
    made = []
    for village in villages or (tree.village_a, tree.village_b, tree.village_c, tree.village_d):
        spouse = f.member(c.Relationship.SPOUSE, male=False)
        made += [
            f.household(village, by=users.admin, main_cause=c.Cause.ILLNESS),
            f.household(village, by=users.admin, main_cause=c.Cause.DISABILITY, members=[f.member(), spouse]),
            f.household(village, by=users.admin, main_cause=c.Cause.OTHER),
            f.household(village, by=users.admin, main_cause=c.Cause.LACK_FUNDS),
            f.household(village, by=users.admin, status=c.Status.RETURNED, return_year=2019),
            f.household(village, by=users.admin, status=c.Status.EXITED, exit_year=2018),
        ]
        leaving = f.household(village, by=users.admin, members=[f.member(), f.member(c.Relationship.SON)])
        exit_in(users, leaving, 2019)
        again = f.household(village, by=users.admin, main_cause=c.Cause.ILLNESS)
        exit_in(users, again, 2019)
        household_status_change(
            user=users.admin,
            household=again,
            to_status=c.Status.RETURNED,
            date=dt.date(2020, 3, 1),
            reason="测试",
            year=2020,
        )
        exit_in(users, again, 2020)
    return made


@pytest.fixture
def summed(tree, users, django_capture_on_commit_callbacks):
    fill(tree, users)
    run_nightly(DAY1, django_capture_on_commit_callbacks)
    run_nightly(DAY2, django_capture_on_commit_callbacks)
    return tree


def live(user, region, as_of, year):
    """The figures counted the old way, from the snapshots and the events."""
    return {
        "statuses": selectors.status_counts(user, region, as_of),
        "causes": selectors.cause_counts(user, region, as_of),
        "exited": selectors.exited_people(user, region, year),
    }


def shown(user, region, as_of, year):
    data = selectors.dashboard(user, region, as_of, year)
    return {k: data[k] for k in ("statuses", "causes", "exited")}


@pytest.mark.parametrize(
    "who, where",
    [
        ("province", "province"),  # no health access, province: causes as they are
        ("auditor", "province"),  # health access
        ("province", "county"),
        ("county", "county"),
        ("township", "township"),
        ("township", "village_a"),  # no health access below a county: merged
        ("province", "village_c"),
        ("clerk_a", "village_a"),  # health access in a village
        ("auditor", "village_d"),
    ],
)
def test_the_dashboard_from_the_summaries_equals_the_old_counts(summed, users, who, where):
    user, region = getattr(users, who), getattr(summed, where)
    assert selectors.snapshot_summary(user, region, DAY2) is not None
    for year in (2018, 2019, 2020, 2021):
        assert shown(user, region, DAY2, year) == live(user, region, DAY2, year)
    assert shown(user, region, DAY1, 2019)["statuses"] == live(user, region, DAY1, 2019)["statuses"]
    figures = shown(user, region, DAY2, 2019)
    assert sum(s["households"] for s in figures["statuses"]) > 0 and figures["exited"]["households"] > 0


def test_the_merged_and_the_health_figures_both_come_out(summed, users):
    merged = {r["cause"] for r in shown(users.township, summed.village_a, DAY2, 2019)["causes"]}
    plain = {r["cause"] for r in shown(users.clerk_a, summed.village_a, DAY2, 2019)["causes"]}
    assert "other_undisclosed" in merged and not {"illness", "disability", "other"} & merged
    assert {"illness", "disability", "other"} <= plain


def test_the_summary_counts_the_province(summed, users):
    statuses = {s["status"]: s for s in shown(users.province, summed.province, DAY2, 2019)["statuses"]}
    # Per village one household registered returned; the re-exit's return was followed by its exit.
    assert statuses["returned"]["households"] == 4
    assert shown(users.province, summed.province, DAY2, 2019)["exited"] == {"households": 8, "people": 12}
    assert shown(users.province, summed.province, DAY2, 2020)["exited"] == {"households": 4, "people": 4}
    assert shown(users.province, summed.province, DAY2, 2018)["exited"] == {"households": 4, "people": 4}


def test_a_county_run_recounts_its_villages_and_the_totals_above(summed, users, tree):
    f.household(tree.village_b, by=users.admin, main_cause=c.Cause.LACK_LABOUR)
    exit_in(users, f.household(tree.village_b, by=users.admin), 2019)
    recompute_sync(as_of=DAY2, county=tree.county)
    for user, region in ((users.province, tree.province), (users.county, tree.county), (users.clerk_b, tree.village_b)):
        assert shown(user, region, DAY2, 2019) == live(user, region, DAY2, 2019)
    rows = RegionSnapshotCount.objects.filter(as_of=DAY2).count()
    recompute_sync(as_of=DAY2)  # done already: nothing is redone; the rows stay as they are
    assert RegionSnapshotCount.objects.filter(as_of=DAY2).count() == rows


def test_the_summaries_are_idempotent(summed):
    from eligibility.rules.summaries import summaries_refresh

    def rows():
        snap = RegionSnapshotCount.objects.values_list("as_of", "region_id", "status", "cause", "households", "people")
        exits = RegionExitCount.objects.values_list("region_id", "year", "households", "people")
        return sorted(snap), sorted(exits)

    before = rows()
    summaries_refresh(as_of=DAY2)
    summaries_refresh(as_of=DAY2, county=summed.county)
    assert rows() == before


def test_a_helper_and_a_date_without_summary_are_counted_live(summed, users):
    assert selectors.snapshot_summary(users.helper, summed.county, DAY2) is None
    RegionSnapshotCount.objects.filter(as_of=DAY1).delete()  # a run from before the summaries existed
    assert selectors.snapshot_summary(users.province, summed.province, DAY1) is None
    assert shown(users.province, summed.province, DAY1, 2019) == live(users.province, summed.province, DAY1, 2019)


def _dashboard_queries(client, user, code):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/reports/{code}/").status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("who, where", [("province", "province"), ("county", "county"), ("clerk_a", "village_a")])
def test_the_dashboard_query_count_is_fixed_and_reads_no_household_table(
    client, tree, users, who, where, django_capture_on_commit_callbacks
):
    user, code = getattr(users, who), getattr(tree, where).code
    fill(tree, users, [tree.village_a])
    run_nightly(DAY2, django_capture_on_commit_callbacks)
    small = _dashboard_queries(client, user, code)
    more = [f.region(f"21122410000{n}", f"村{n}", "village", tree.township) for n in range(3, 6)]
    fill(tree, users, [tree.village_a, tree.village_b, tree.village_c, tree.village_d, *more])
    run_nightly(dt.date(2019, 10, 16), django_capture_on_commit_callbacks)
    big = _dashboard_queries(client, user, code)
    assert len(big) == len(small) <= 20
    assert not [sql for sql in big if any(table in sql for table in SNAPSHOT_TABLES)]


def test_users_outside_a_region_get_404_on_its_dashboard(client, summed, users):
    for user, region in (
        (users.clerk_b, summed.village_a),
        (users.township, summed.village_c),
        (users.county2, summed.county),
        (users.clerk_a, summed.township),
    ):
        client.force_login(user)
        assert client.get(f"/reports/{region.code}/").status_code == 404
        assert client.get(f"/api/v1/reports/{region.code}/summary/").status_code == 404
