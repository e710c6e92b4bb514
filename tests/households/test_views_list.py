"""The household list (§1, §13): scope, search, filters, constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households import choices as c
from tests import factories as f
from tests.conftest import login

URL = "/households/"


def numbers(response) -> set[str]:
    return {h.number for h in response.context["households"]}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("clerk_a", {"a"}),
        ("clerk_b", {"b"}),
        ("township", {"a", "b"}),
        ("county", {"a", "b", "c"}),
        ("province", {"a", "b", "c", "d"}),
        ("helper", set()),
    ],
)
def test_each_role_lists_only_the_households_of_its_scope(client, users, homes, who, expected):
    login(client, getattr(users, who))
    response = client.get(URL)
    assert response.status_code == 200
    assert numbers(response) == {getattr(homes, k).number for k in expected}


def test_search_finds_a_household_by_id_number_number_prefix_and_name(client, users, homes):
    login(client, users.county)
    member = homes.b.members.get()
    assert numbers(client.get(URL, {"q": member.id_number})) == {homes.b.number}
    assert numbers(client.get(URL, {"q": member.name})) == {homes.b.number}
    assert numbers(client.get(URL, {"q": homes.c.number[:12]})) == {homes.c.number}


def test_search_never_reaches_outside_the_scope(client, users, homes):
    login(client, users.clerk_a)
    assert numbers(client.get(URL, {"q": homes.b.members.get().id_number})) == set()


def test_filters_by_status_type_cause_and_village(client, tree, users, homes):
    extra = f.household(
        tree.village_b, by=users.admin, household_type=c.HouseholdType.DIBAO, main_cause=c.Cause.LACK_FUNDS
    )
    login(client, users.township)
    assert numbers(client.get(URL, {"household_type": "dibao"})) == {extra.number}
    # Illness and disability are health facts, and "other" would give them by difference: the township
    # filters on every other cause, and a filter on those three is ignored (§9, households.causes).
    assert numbers(client.get(URL, {"main_cause": "lack_funds"})) == {extra.number}
    everyone = numbers(client.get(URL))
    for cause in (c.Cause.ILLNESS, c.Cause.DISABILITY, c.Cause.OTHER):
        response = client.get(URL, {"main_cause": cause})
        assert numbers(response) == everyone
        assert cause not in dict(response.context["form"].fields["main_cause"].choices)
    assert numbers(client.get(URL, {"status": "exited"})) == set()
    assert numbers(client.get(URL, {"village": tree.village_a.pk})) == {homes.a.number}


def test_a_village_outside_the_scope_is_not_a_valid_filter(client, tree, users, homes):
    login(client, users.clerk_a)
    response = client.get(URL, {"village": tree.village_b.pk})
    assert "village" in response.context["form"].errors
    assert numbers(response) == {homes.a.number}


def test_the_region_filter_accepts_any_region_inside_the_scope_and_404s_outside(client, tree, users, homes):
    login(client, users.county)
    assert numbers(client.get(URL, {"region": tree.township.code})) == {homes.a.number, homes.b.number}
    assert numbers(client.get(URL, {"region": tree.village_c.code})) == {homes.c.number}
    assert client.get(URL, {"region": tree.village_d.code}).status_code == 404


def test_the_list_shows_head_and_member_count(client, tree, users):
    h = f.household(tree.village_a, by=users.admin, members=[f.member(name="张三"), f.member(c.Relationship.SPOUSE)])
    login(client, users.clerk_a)
    row = client.get(URL).context["households"][0]
    assert (row.number, row.head_name, row.member_count) == (h.number, "张三", 2)


def test_pages_hold_twenty_households_in_id_order(client, tree, users):
    made = [f.household(tree.village_a, by=users.admin) for _ in range(22)]
    login(client, users.clerk_a)
    first, second = client.get(URL).context["households"], client.get(URL, {"page": 2}).context["households"]
    assert [h.pk for h in first] == [h.pk for h in made[:20]]
    assert [h.pk for h in second] == [h.pk for h in made[20:]]


def test_an_htmx_request_gets_only_the_table(client, users, homes):
    login(client, users.clerk_a)
    response = client.get(URL, headers={"HX-Request": "true", "HX-Target": "results"})
    assert [t.name for t in response.templates][0] == "households/partials/household_table.html"


def test_the_query_count_does_not_grow_with_the_households_shown(client, tree, users, django_assert_num_queries):
    login(client, users.township)
    for _ in range(3):
        f.household(tree.village_a, by=users.admin, members=[f.member(), f.member(c.Relationship.SON)])
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(URL).context["households"]) == 3
    for _ in range(27):
        f.household(tree.village_b, by=users.admin, members=[f.member(), f.member(c.Relationship.SON)])
    with django_assert_num_queries(len(three)):
        assert len(client.get(URL).context["households"]) == 20
    assert len(three) <= 7  # session, user, scope, village choices, count, page ids, page rows
