"""Region pages (§2): scope, child counts in one query, the village's households."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households import choices as c
from households.services import household_status_change
from tests import factories as f
from tests.conftest import login


def url(region):
    return f"/regions/{region.code}/"


def cells(response):
    return {child.code: counts for child, counts in response.context["rows"]}


@pytest.mark.parametrize(
    ("who", "region", "status"),
    [
        ("clerk_a", "village_a", 200),
        ("clerk_b", "village_a", 404),
        ("township", "township", 200),
        ("township", "township2", 404),
        ("county", "village_c", 200),
        ("county", "county2", 404),
        ("province", "village_d", 200),
    ],
)
def test_regions_are_seen_only_inside_the_scope(client, tree, users, who, region, status):
    login(client, getattr(users, who))
    assert client.get(url(getattr(tree, region))).status_code == status


def test_home_goes_to_the_users_scope(client, tree, users):
    login(client, users.township)
    assert client.get("/regions/")["Location"] == url(tree.township)


def test_child_counts_by_status_and_people(client, tree, users, homes):
    f.household(tree.village_a, by=users.admin, members=[f.member(), f.member(c.Relationship.SON)])
    household_status_change(
        user=users.admin, household=homes.b, to_status=c.Status.EXITED, date=homes.b.created_at.date(), reason="x"
    )
    login(client, users.county)
    rows = cells(client.get(url(tree.county)))
    assert rows[tree.township.code]["total"] == 3
    assert rows[tree.township.code]["poor"] == 2
    assert rows[tree.township.code]["exited"] == 1
    assert rows[tree.township.code]["people"] == 4
    assert rows[tree.township2.code]["total"] == 1
    rows = cells(client.get(url(tree.township)))
    assert (rows[tree.village_a.code]["total"], rows[tree.village_a.code]["people"]) == (2, 3)
    assert rows[tree.village_b.code]["exited"] == 1


def test_the_province_page_counts_per_city_and_the_city_page_per_county(client, tree, users, homes):
    login(client, users.province)
    assert cells(client.get(url(tree.province)))[tree.city.code]["total"] == 4
    rows = cells(client.get(url(tree.city)))
    assert (rows[tree.county.code]["total"], rows[tree.county2.code]["total"]) == (3, 1)


def test_counts_stay_inside_the_users_scope(client, tree, users, homes):
    login(client, users.clerk_a)
    response = client.get(url(tree.village_a))
    assert [h.number for h in response.context["households"]] == [homes.a.number]


def test_the_region_page_query_count_does_not_grow_with_children(client, tree, users, django_assert_num_queries):
    login(client, users.township)
    with CaptureQueriesContext(connection) as before:
        client.get(url(tree.township))
    for n in range(3, 9):
        v = f.region(f"211224100{n:03d}", f"村{n}", f.Level.VILLAGE, tree.township)
        f.household(v, by=users.admin)
    with django_assert_num_queries(len(before)):
        response = client.get(url(tree.township))
    assert len(response.context["rows"]) == 8


def test_a_village_page_lists_its_households_and_links_to_the_list(client, tree, users, homes):
    login(client, users.clerk_a)
    html = client.get(url(tree.village_a)).content.decode()
    assert homes.a.number in html
    assert f"/households/?region={tree.village_a.code}" in html


def test_a_village_page_counts_its_own_households(client, tree, users, homes):
    """A village has no children: its button and totals count its own households (issue 15, item 6)."""
    f.household(tree.village_a, by=users.admin, members=[f.member(), f.member(c.Relationship.SON)])
    login(client, users.clerk_a)
    response = client.get(url(tree.village_a))
    totals = response.context["totals"]
    assert (totals["total"], totals["poor"], totals["people"]) == (2, 2, 3)
    assert "(2)" in response.content.decode().split('data-testid="region-households"')[1][:200]
