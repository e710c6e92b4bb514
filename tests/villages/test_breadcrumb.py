"""The breadcrumb's chain of regions (villages.selectors.ancestors): walked from parents read with the
region when they reach the province, read in one query otherwise — the same chain either way."""

import pytest

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
