"""Issue 16: the household list's number of households comes from the per-village tallies when only the
region, the village and the status filter it — the same number as counting, and no COUNT(*) of the
household table per request; the page's queries do not grow with the households."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import choices as c
from households.models import Household
from tests import factories as f

pytestmark = pytest.mark.django_db


def shown_count(client, **params) -> int:
    response = client.get(reverse("households:list"), params)
    assert response.status_code == 200
    return response.context["page"].paginator.count


@pytest.fixture
def registry(tree, users):
    for village in (tree.village_a, tree.village_a, tree.village_b, tree.village_c, tree.village_d):
        f.household(village, by=users.admin)
    f.household(tree.village_a, by=users.admin, status=c.Status.EXITED, exit_year=2019)


@pytest.mark.parametrize(
    ("who", "params"),
    [
        ("county", {}),
        ("county", {"status": c.Status.EXITED}),
        ("county", {"region": "211224100000"}),
        ("clerk_a", {}),
        ("province", {}),
        ("province", {"region": "211221000000", "status": c.Status.POOR}),
        ("helper", {}),
        ("county", {"q": "成员"}),
    ],
)
def test_the_tallied_count_is_the_counted_one(client, users, registry, who, params):
    user = getattr(users, who)
    client.force_login(user)
    response = client.get(reverse("households:list"), params)
    assert response.status_code == 200
    shown = {h.pk for h in response.context["households"]}
    assert response.context["page"].paginator.count == len(shown)  # one page here: every household shown
    assert shown <= set(Household.objects.values_list("pk", flat=True))


def test_no_count_of_the_household_table_and_no_growth(client, tree, users, registry):
    client.force_login(users.county)
    with CaptureQueriesContext(connection) as first:
        assert shown_count(client) == 5
    for _ in range(5):
        f.household(tree.village_b, by=users.admin)
    with CaptureQueriesContext(connection) as second:
        assert shown_count(client) == 10
    assert len(second.captured_queries) == len(first.captured_queries)
    paging_counts = [q["sql"] for q in second.captured_queries if '"__count"' in q["sql"]]
    assert paging_counts == []  # the paginator took the tallies' sum


def test_another_villages_clerk_sees_none_of_the_village(client, tree, users, registry):
    client.force_login(users.clerk_b)
    assert shown_count(client, village=tree.village_a.pk) == shown_count(client)  # the filter is dropped
    assert shown_count(client) == 1
