"""Exit progress counts ANNOUNCED exits of the year against the year's targets (§2, §6.3, §12, issue 14):
a village or county the nightly snapshot merely finds eligible is shown apart, never as an exit; the
poverty villages and counties of a year are those of that year's flags."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories as f
from villages.flags import region_exit_record
from villages.models import AnnualTarget, Region, RegionIndicator, RegionYear, WorkingYear
from workflows import services as s
from workflows.models import Case

from .conftest import DAY2
from .helpers import page_rows

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def announce_village_exit(users, village):
    """§6.3 through the workflow: township proposal, notice, county approval, announcement."""
    case = s.case_open(user=users.township, case_type="village_exit", region=village, justification="已达标")
    s.case_transition(user=users.township, case=case, transition="start_notice", notice_start=TODAY)
    Case.objects.filter(pk=case.pk).update(notice_start=TODAY - dt.timedelta(days=8))
    s.case_transition(user=users.township, case=case, transition="close_notice")
    s.case_transition(user=users.county, case=case, transition="county_approve")
    return s.case_transition(user=users.county, case=case, transition="announce")


def eligible_in_snapshot(region):
    RegionIndicator.objects.filter(region=region, as_of=DAY2).update(exit_eligible=True, failing=[])


@pytest.fixture
def exits(world):
    """2019: village A's exit announced, village B (a poverty village of 2019 only) merely eligible; county
    昌图县's exit announced, county 铁岭县 (a national poverty county of 2019) merely eligible."""
    tree, users = world.tree, world.users
    WorkingYear.objects.create(year=2019)
    RegionYear.objects.filter(region=tree.village_b, year=2019).update(is_poverty_village=True)
    RegionYear.objects.create(region=tree.village_b, year=2020, is_poverty_village=False)
    RegionYear.objects.create(region=tree.county2, year=2019, poverty_county="national")
    RegionYear.objects.create(region=tree.county2, year=2020, poverty_county="")
    eligible_in_snapshot(tree.village_b)
    eligible_in_snapshot(tree.county2)
    announce_village_exit(users, tree.village_a)
    region_exit_record(region=tree.county, year=2019)
    AnnualTarget.objects.create(region=tree.province, year=2019, people=10, villages=3, counties=2)
    return world


def progress(client, user, year, code=""):
    client.force_login(user)
    return client.get(f"/reports/{code + '/' if code else ''}", {"year": year})


def test_an_announced_village_exit_shows_in_the_years_progress_and_a_merely_eligible_one_does_not(client, exits):
    assert Region.objects.get(pk=exits.tree.village_a.pk).exit_year == 2019
    r = progress(client, exits.users.county, 2019)
    assert r.context["data"]["exits"]["villages"] == 1  # village A, announced
    assert r.context["data"]["exits"]["villages_eligible"] == 1  # village B, shown apart
    assert b'data-testid="villages-announced" data-count="1"' in r.content
    assert b'data-villages="1"' in r.content
    # Another year has no announced exit of village A.
    assert progress(client, exits.users.county, 2020).context["data"]["exits"]["villages"] == 0


def test_a_merely_eligible_village_alone_counts_no_exit(client, world):
    eligible_in_snapshot(world.tree.village_a)
    exits = progress(client, world.users.county, 2019).context["data"]["exits"]
    assert (exits["villages"], exits["villages_eligible"]) == (0, 1)


def test_an_announced_county_exit_counts_against_the_target_and_an_eligible_one_does_not(client, exits):
    r = progress(client, exits.users.province, 2019)
    data = r.context["data"]
    assert (data["exits"]["counties"], data["exits"]["counties_eligible"]) == (1, 1)
    assert data["target"].counties == 2
    api = client.get("/api/v1/reports/summary/", {"year": 2019}).json()["progress"]
    assert (api["villages"], api["villages_target"], api["villages_eligible_not_announced"]) == (1, 3, 1)
    assert (api["counties"], api["counties_target"], api["counties_eligible_not_announced"]) == (1, 2, 1)


def test_each_years_progress_reads_that_years_flags(client, exits):
    y2019 = progress(client, exits.users.province, 2019).context["data"]["exits"]
    y2020 = progress(client, exits.users.province, 2020).context["data"]["exits"]
    # Village B and county 铁岭县 are poverty village and county in 2019 only.
    assert (y2019["villages_total"], y2019["counties_total"]) == (2, 2)
    assert (y2020["villages_total"], y2020["counties_total"]) == (1, 1)
    # The 2020 figure: village B is no poverty village that year, so it is not "eligible, not announced".
    assert y2020["villages_eligible"] == 0


def test_the_incidence_table_shows_the_snapshot_years_flags_and_the_exit_year(client, exits):
    Region.objects.filter(pk=exits.tree.village_b.pk).update(is_poverty_village=False)  # the standing value
    client.force_login(exits.users.county)
    rows = page_rows(client.get("/reports/tables/incidence/", {"poverty_village": "true"}))
    codes = [r[0] for r in rows]
    assert exits.tree.village_b.code in codes  # a poverty village of 2019, the snapshot's year
    row_a = next(r for r in rows if r[0] == exits.tree.village_a.code)
    assert "2019" in row_a


def test_the_table_of_the_years_exits_lists_the_announced_ones_only(client, exits, django_assert_max_num_queries):
    client.force_login(exits.users.province)
    with django_assert_max_num_queries(11):
        r = client.get("/reports/tables/region_exits/", {"year": 2019})
    assert sorted(row[0] for row in page_rows(r)) == sorted([exits.tree.village_a.code, exits.tree.county.code])
    assert page_rows(client.get("/reports/tables/region_exits/", {"year": 2020})) == []
    client.force_login(exits.users.county2)  # another county's official sees none of them
    assert page_rows(client.get("/reports/tables/region_exits/", {"year": 2019})) == []


def test_the_dashboard_query_count_does_not_grow_with_announced_exits(
    client, exits, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(exits.users.province)
    with django_assert_max_num_queries(21) as few:
        client.get("/reports/", {"year": 2019})
    for n in range(3, 8):
        village = f.region(f"211224100{n:03d}", f"村{n}", f.Level.VILLAGE, exits.tree.township, is_poverty_village=True)
        region_exit_record(region=village, year=2019)
    with django_assert_num_queries(len(few.captured_queries)):
        r = client.get("/reports/", {"year": 2019})
    assert r.context["data"]["exits"]["villages"] == 6
