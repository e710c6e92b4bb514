"""The breadcrumb's chain of regions (villages.selectors.ancestors, accounts.access.visible_ancestors):
walked from the parents read with the region when they reach the province or the user's scope, read in
one query otherwise — the same chain either way."""

import pytest

from accounts.access import visible_ancestors
from villages.models import Region
from villages.selectors import ancestors

pytestmark = pytest.mark.django_db


def codes(chain):
    return [r.code for r in chain]


def test_the_chain_read_with_the_village_is_the_chain_of_the_query(tree, django_assert_num_queries):
    by_query = codes(ancestors(Region.objects.get(pk=tree.village_a.pk)))
    assert by_query[0] == tree.province.code and by_query[-1] == tree.village_a.code and len(by_query) == 5
    village = Region.objects.select_related("parent__parent__parent__parent").get(pk=tree.village_a.pk)
    with django_assert_num_queries(0):
        assert codes(ancestors(village)) == by_query


def test_a_chain_cut_short_is_read_by_query(tree, django_assert_num_queries):
    village = Region.objects.select_related("parent").get(pk=tree.village_a.pk)  # up to the township only
    with django_assert_num_queries(1):
        assert codes(ancestors(village))[0] == tree.province.code


@pytest.mark.parametrize(
    ("who", "queries"),
    [("clerk_a", 0), ("township", 0), ("county", 0), ("city", 1), ("province", 1), ("county2", 1)],
)
def test_the_breadcrumb_from_the_scope_needs_no_query_when_the_chain_reaches_it(
    tree, users, who, queries, django_assert_num_queries
):
    user = getattr(users, who)
    expected = codes(visible_ancestors(user, Region.objects.get(pk=tree.village_a.pk)))
    village = Region.objects.select_related("parent__parent").get(pk=tree.village_a.pk)  # as a household page
    with django_assert_num_queries(queries):
        assert codes(visible_ancestors(user, village)) == expected
    if who == "county2":  # another county: the village is not below its scope
        assert expected == []
    else:
        assert expected[0] == user.scope.code and expected[-1] == tree.village_a.code
