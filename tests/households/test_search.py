"""Search as a cadre types it (issue 15, item 7): the beginning of a name, of a household number, and
for users who may see ID numbers, of an ID number; each an indexed prefix lookup (§13, §9)."""

import pytest
from django.db import connection
from django.urls import reverse

from households.models import Member
from households.selectors import household_list_for, household_search
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def xia(tree, users):
    return f.household(tree.village_a, by=users.admin, members=[f.member(name="夏彩雅")])


def numbers(client, q):
    response = client.get(reverse("households:list"), {"q": q})
    assert response.status_code == 200
    return {h.number for h in response.context["households"]}


@pytest.mark.parametrize("typed", ["夏彩雅", "夏彩", "夏"])
def test_the_beginning_of_a_name_finds_the_household(client, users, xia, typed):
    client.force_login(users.clerk_a)
    assert numbers(client, typed) == {xia.number}


def test_a_name_that_does_not_begin_so_finds_nothing(client, users, xia):
    client.force_login(users.clerk_a)
    assert numbers(client, "彩雅") == set()


def test_the_beginning_of_a_household_number(client, users, xia):
    client.force_login(users.clerk_a)
    assert xia.number in numbers(client, xia.number[:8])


def test_an_id_number_prefix_for_a_user_who_sees_id_numbers(client, users, xia):
    id_number = Member.objects.get(household=xia).id_number
    client.force_login(users.clerk_a)
    assert numbers(client, id_number[:10]) == {xia.number}
    assert numbers(client, id_number) == {xia.number}


def test_no_id_number_prefix_for_a_masked_role(client, users, xia):
    """A prefix search would rebuild a masked number digit by digit (§9)."""
    id_number = Member.objects.get(household=xia).id_number
    client.force_login(users.township)
    assert numbers(client, id_number[:10]) == set()
    assert numbers(client, "夏彩") == {xia.number}


def test_another_villages_clerk_finds_nothing(client, users, xia):
    client.force_login(users.clerk_b)
    assert numbers(client, "夏彩") == set()


def test_the_api_search_filter_takes_a_prefix(client, users, xia):
    client.force_login(users.clerk_a)
    response = client.get("/api/v1/households/", {"search": "夏彩"})
    assert response.status_code == 200
    assert [h["number"] for h in response.json()["results"]] == [xia.number]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pattern-operator index is PostgreSQL's")
def test_prefix_searches_use_the_indexes(users, xia):
    qs = household_search(household_list_for(users.clerk_a), "夏彩", users.clerk_a)
    ids = household_search(household_list_for(users.clerk_a), "211224", users.clerk_a)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for q in (qs, ids):
            sql, params = q.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert "member_name_prefix" in plans[0], plans[0]
    assert "member_id_prefix" in plans[1], plans[1]
