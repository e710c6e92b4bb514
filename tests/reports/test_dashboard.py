"""§12 dashboards and their API: scoped (§1), read from the nightly snapshots with a fixed number of
queries, figures equal to the snapshot and to the sum of their parts."""

import pytest

from eligibility.models import HouseholdCheck
from villages.models import AnnualTarget, RegionIndicator

from .conftest import DAY1, DAY2

pytestmark = pytest.mark.django_db


def test_province_staff_see_their_dashboard_with_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.users.province)
    with django_assert_max_num_queries(21):
        r = client.get("/reports/")
    assert r.status_code == 200
    assert r.context["region"] == world.tree.province and r.context["as_of"] == DAY2
    assert r.context["map_level"] == "province"


def test_the_dashboard_query_count_does_not_grow_with_households(client, world, django_assert_max_num_queries):
    from tests import factories as f

    client.force_login(world.users.county)
    with django_assert_max_num_queries(21) as few:
        client.get("/reports/211224000000/")
    for _ in range(5):
        f.household(world.tree.village_b, by=world.users.admin)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/reports/211224000000/")


def test_status_figures_equal_the_snapshot(client, world):
    client.force_login(world.users.county)
    statuses = {s["status"]: s for s in client.get("/reports/").context["data"]["statuses"]}
    checks = HouseholdCheck.objects.on(DAY2).filter(county=world.tree.county)
    assert statuses["poor"]["households"] == checks.filter(status="poor").count() == 2
    assert statuses["exited"]["households"] == 1 and statuses["returned"]["households"] == 1
    assert statuses["poor"]["people"] == 3


def test_child_figures_add_up_to_the_parent(client, world):
    client.force_login(world.users.province)
    for code in ("210000000000", "211200000000", "211224000000", "211224100000"):
        data = client.get(f"/reports/{code}/").context["data"]
        assert data["own"].remaining_poor == sum(r.remaining_poor for r in data["children"])
    assert RegionIndicator.objects.get(as_of=DAY2, region=world.tree.province).remaining_poor == 5


def test_a_clerk_of_another_village_gets_404_for_village_a(client, world):
    client.force_login(world.users.clerk_b)
    assert client.get(f"/reports/{world.tree.village_a.code}/").status_code == 404
    assert client.get(f"/api/v1/reports/{world.tree.village_a.code}/summary/").status_code == 404
    assert client.get("/reports/").context["region"] == world.tree.village_b


def test_a_past_night_can_be_chosen(client, world):
    client.force_login(world.users.province)
    r = client.get("/reports/", {"as_of": DAY1.isoformat()})
    assert r.context["as_of"] == DAY1


def test_the_api_gives_the_dashboard_figures(client, world):
    AnnualTarget.objects.create(region=world.tree.county, year=2019, people=10, villages=1, counties=0)
    client.force_login(world.users.county)
    page = client.get("/reports/").context["chart_data"]
    api = client.get("/api/v1/reports/summary/").json()
    assert api["as_of"] == DAY2.isoformat() and api["region"]["code"] == world.tree.county.code
    assert api["statuses"] == page["statuses"] and api["children"] == page["children"]
    assert api["progress"] == {
        "households": 1,
        "people": 1,
        "people_target": 10,
        "villages": 0,
        "villages_target": 1,
        "counties": 0,
        "counties_target": 0,
        "villages_eligible_not_announced": 0,
        "counties_eligible_not_announced": 0,
    }
    assert [t["as_of"] for t in api["trend"]] == [DAY1.isoformat(), DAY2.isoformat()]
    assert client.get("/api/v1/reports/summary/", {"as_of": "2001-01-01"}).status_code == 400
    assert client.get("/api/v1/reports/211221000000/summary/").status_code == 404


def test_a_dashboard_before_any_run_says_so(client, tree, users):
    client.force_login(users.province)
    r = client.get("/reports/")
    assert r.status_code == 200 and r.context["as_of"] is None
    assert b'data-testid="no-snapshot"' in r.content


def test_a_helper_sees_only_the_paired_households(client, world):
    import datetime as dt

    from households.models import Helper, Pairing

    helper = Helper.objects.create(
        name="张帮", sex="male", unit="县农业局", unit_level="county", county=world.tree.county, user=world.users.helper
    )
    Pairing.objects.create(helper=helper, household=world.b, start=dt.date(2019, 1, 1))
    client.force_login(world.users.helper)
    statuses = {s["status"]: s["households"] for s in client.get("/reports/").context["data"]["statuses"]}
    assert statuses["poor"] == 1 and statuses["exited"] == statuses["returned"] == 0
    rows = client.get("/reports/tables/households/").context["page"].object_list
    assert [r[0] for r in rows] == [world.b.number]
    assert client.get("/reports/tables/households/", {"region": world.tree.county2.code}).status_code == 404
