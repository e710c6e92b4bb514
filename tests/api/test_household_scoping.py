"""§1: every household endpoint answers only inside the user's scope; outside it is 404, never 403."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Helper, Pairing
from tests import factories as f
from villages.working_year import working_year

LIST = "/api/v1/households/"


def numbers(response):
    assert response.status_code == 200
    return {row["number"] for row in response.json()["results"]}


def detail(number):
    return f"{LIST}{number}/"


def test_the_clerk_of_another_village_gets_404_for_a_household_by_number(api, users, homes):
    assert api(users.clerk_b).get(detail(homes.a.number)).status_code == 404
    assert api(users.clerk_a).get(detail(homes.a.number)).status_code == 200


def test_an_unknown_number_is_answered_like_one_outside_the_scope(api, users, homes):
    assert api(users.clerk_b).get(detail("9999999999999999")).status_code == 404


def test_the_lists_of_each_role_hold_only_the_households_in_scope(api, users, homes):
    assert numbers(api(users.clerk_a).get(LIST)) == {homes.a.number}
    assert numbers(api(users.clerk_b).get(LIST)) == {homes.b.number}
    assert numbers(api(users.township).get(LIST)) == {homes.a.number, homes.b.number}
    assert numbers(api(users.county).get(LIST)) == {homes.a.number, homes.b.number, homes.c.number}
    everything = {homes.a.number, homes.b.number, homes.c.number, homes.d.number}
    assert numbers(api(users.city).get(LIST)) == everything
    assert numbers(api(users.province).get(LIST)) == everything
    assert numbers(api(users.auditor).get(LIST)) == everything


def test_a_township_reviewer_gets_404_for_a_household_of_another_township(api, users, homes):
    client = api(users.township)
    assert client.get(detail(homes.b.number)).status_code == 200
    assert client.get(detail(homes.c.number)).status_code == 404
    assert client.get(detail(homes.d.number)).status_code == 404


def test_province_staff_read_every_household(api, users, homes):
    for home in (homes.a, homes.b, homes.c, homes.d):
        assert api(users.province).get(detail(home.number)).status_code == 200


def test_a_helper_without_a_pairing_sees_nothing(api, users, homes):
    client = api(users.helper)
    assert numbers(client.get(LIST)) == set()
    assert client.get(detail(homes.a.number)).status_code == 404


def test_a_helper_sees_the_paired_households_only(api, tree, users, homes):
    helper = Helper.objects.create(
        name="张帮", sex="male", unit="县农业局", unit_level="county", county=tree.county, user=users.helper
    )
    Pairing.objects.create(helper=helper, household=homes.c, start=dt.date(2019, 1, 1))
    client = api(users.helper)
    assert numbers(client.get(LIST)) == {homes.c.number}
    assert client.get(detail(homes.c.number)).status_code == 200
    assert client.get(detail(homes.a.number)).status_code == 404


def test_filters_narrow_the_scoped_list(api, tree, users, homes):
    client = api(users.county)
    assert numbers(client.get(LIST, {"village": tree.village_b.code})) == {homes.b.number}
    assert numbers(client.get(LIST, {"region": tree.township.code})) == {homes.a.number, homes.b.number}
    assert numbers(client.get(LIST, {"region": tree.village_c.code})) == {homes.c.number}
    assert numbers(client.get(LIST, {"region": tree.county.code, "status": "poor"})) == {
        homes.a.number,
        homes.b.number,
        homes.c.number,
    }
    assert numbers(client.get(LIST, {"status": "exited"})) == set()
    assert numbers(client.get(LIST, {"main_cause": "illness", "identification_year": 2016})) == {
        homes.a.number,
        homes.b.number,
        homes.c.number,
    }
    assert numbers(client.get(LIST, {"household_type": "dibao"})) == set()
    assert numbers(client.get(LIST, {"search": homes.b.number[:14]})) == {homes.b.number}
    name = homes.c.members.get().name
    assert numbers(client.get(LIST, {"search": name})) == {homes.c.number}


def test_a_region_filter_outside_the_scope_finds_nothing(api, tree, users, homes):
    # County 昌图县's official asks for 铁岭县: nothing, not the other county's households.
    assert numbers(api(users.county).get(LIST, {"region": tree.county2.code})) == set()
    assert numbers(api(users.clerk_a).get(LIST, {"region": tree.county.code})) == set()


def test_an_unknown_choice_in_a_filter_is_400(api, users, homes):
    assert api(users.county).get(LIST, {"status": "rich"}).status_code == 400


@pytest.mark.parametrize("role", ["county", "province"])
def test_a_list_page_takes_the_same_number_of_queries_for_2_and_12_households(
    api, tree, users, role, django_assert_num_queries
):
    client = api(getattr(users, role))
    year = working_year()
    first = f.household(tree.village_a, members=[f.member(), f.member("spouse", male=False)])
    f.income(first, year=year, wages=1000)
    f.assessment(f.household(tree.village_b))
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(LIST).json()["results"]) == 2
    for _ in range(10):
        h = f.household(tree.village_c, members=[f.member(), f.member("son", birth=dt.date(2008, 1, 1))])
        f.income(h, year=year, wages=2000)
        f.assessment(h)
    with django_assert_num_queries(len(small)):
        assert len(client.get(LIST).json()["results"]) == 12
    # count, households, members, incomes, assessments (+ the audit entry for a sensitive role)
    assert len(small) <= 7
