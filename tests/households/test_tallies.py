"""The per-village tallies the region pages read (issue 16, households.tallies) equal a count of the
registry after every kind of write: saves, member changes, status changes, bulk updates, a rollback, and
the nightly recount repairs anything written around them."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count, Q

from households import choices as c
from households.end_of_support import end_support
from households.models import Household, VillageTally
from households.services import household_status_change, member_change_record
from households.tallies import tally_refresh
from tests import factories as f

pytestmark = pytest.mark.django_db
DAY = dt.date(2019, 10, 15)


def counted() -> dict:
    """(village, status) → (households, current members), counted from the registry."""
    rows = Household.objects.values("village_id", "status").annotate(
        n=Count("id", distinct=True), people=Count("members", filter=Q(members__departure=""))
    )
    return {(r["village_id"], r["status"]): (r["n"], r["people"]) for r in rows}


def tallied() -> dict:
    rows = VillageTally.objects.filter(households__gt=0).values_list("village_id", "status", "households", "people")
    return {(v, s): (n, p) for v, s, n, p in rows}


def test_every_write_keeps_the_tallies_equal_to_the_registry(tree, users):
    a = f.household(
        tree.village_a, by=users.admin, members=[f.member(c.Relationship.HEAD), f.member(c.Relationship.OTHER)]
    )
    b = f.household(tree.village_b, by=users.admin, status=c.Status.EXITED, exit_year=2018)
    f.household(tree.village_d, by=users.admin)
    assert tallied() == counted() and tallied()
    other = a.members.get(relationship=c.Relationship.OTHER)
    member_change_record(user=users.clerk_a, member=other, kind="death", date=DAY)
    assert tallied() == counted()
    household_status_change(user=users.admin, household=a, to_status=c.Status.CLOSED, date=DAY, reason="全部迁出")
    assert tallied() == counted()
    end_support(user=users.county, county=tree.county, household_ids=[b.pk], reason="政策期满")
    assert tallied() == counted()
    Household.objects.filter(pk=b.pk).update(status=c.Status.EXITED)  # a write the signals do not see
    assert tallied() != counted()
    tally_refresh()  # what the nightly run does at its end
    assert tallied() == counted()


def test_a_rolled_back_save_leaves_the_tallies_as_they_were(tree, users):
    f.household(tree.village_a, by=users.admin)
    before = tallied()
    with pytest.raises(RuntimeError), transaction.atomic():
        f.household(tree.village_a, by=users.admin)
        assert tallied() != before  # counted in the saving transaction
        raise RuntimeError
    assert tallied() == before == counted()


def test_the_region_page_adds_up_the_tallies(client, tree, users):
    for _ in range(3):
        f.household(
            tree.village_a, by=users.admin, members=[f.member(c.Relationship.HEAD), f.member(c.Relationship.OTHER)]
        )
    client.force_login(users.county)
    page = client.get(f"/regions/{tree.county.code}/")
    assert page.status_code == 200 and page.context["totals"]["total"] == 3 and page.context["totals"]["people"] == 6
    VillageTally.objects.all().delete()  # the page reads the tallies, not the registry
    assert client.get(f"/regions/{tree.county.code}/").context["totals"]["total"] == 0
