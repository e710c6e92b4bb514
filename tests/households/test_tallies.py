"""The per-village tallies the region pages read (issue 16, households.tallies) equal a count of the
registry after every kind of write: saves, member changes, status changes, bulk updates, a rollback, and
the nightly recount repairs anything written around them."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from households import choices as c
from households.end_of_support import end_support
from households.models import CountyTally, Household, VillageTally
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
    """The village tallies; and the county tallies must be their sums (checked on every read)."""
    rows = VillageTally.objects.filter(households__gt=0).values_list("village_id", "status", "households", "people")
    villages = {(v, s): (n, p) for v, s, n, p in rows}
    assert county_tallied() == county_sums(), "the county tallies are not the sums of the village tallies"
    return villages


def county_tallied() -> dict:
    rows = CountyTally.objects.exclude(households=0, people=0).values_list(
        "county_id", "status", "households", "people"
    )
    return {(k, s): (n, p) for k, s, n, p in rows}


def county_sums() -> dict:
    rows = (
        VillageTally.objects.values("county_id", "status")
        .annotate(n=Sum("households"), p=Sum("people"))
        .exclude(n=0, p=0)
    )
    return {(r["county_id"], r["status"]): (r["n"], r["p"]) for r in rows}


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
    a.village = tree.village_d  # a move to another county: both counties change
    a.county = tree.village_d.parent.parent
    a.save()
    assert tallied() == counted()
    Household.objects.filter(pk=b.pk).update(status=c.Status.EXITED)  # a write the signals do not see
    assert tallied() != counted()
    CountyTally.objects.all().delete()
    tally_refresh()  # what the nightly run does at its end: the counties rebuilt too
    assert tallied() == counted()


def test_a_move_saved_by_its_named_fields_recounts_both_villages(tree, users):
    a = f.household(tree.village_a, by=users.admin, members=[f.member(c.Relationship.HEAD)])
    a.village = tree.village_b
    a.save(update_fields=["village_id"])  # the attribute's name counts as the field's
    assert tallied() == counted()
    a.village = tree.village_a
    a.save(update_fields=["village"])
    assert tallied() == counted()
    a.status = c.Status.EXITED
    with CaptureQueriesContext(connection) as saved:
        a.save(update_fields=["status"])  # cannot move it: the village it was in is not read
    assert not any('SELECT "households_household"."village_id" AS' in q["sql"] for q in saved.captured_queries)
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
    # The province page and the province's household list read the county tallies.
    client.force_login(users.province)
    assert client.get(f"/regions/{tree.province.code}/").context["totals"]["total"] == 3
    assert client.get("/households/").context["page"].paginator.count == 3
    CountyTally.objects.all().delete()
    assert client.get(f"/regions/{tree.province.code}/").context["totals"]["total"] == 0
    assert client.get("/households/").context["page"].paginator.count == 0


@pytest.mark.django_db(transaction=True)
def test_two_saves_in_one_county_at_once_both_count(tree, users):
    """Two clerks save households of two villages of one county at the same time (PostgreSQL: two
    connections, the first holding its transaction open): each adds its own difference to the county."""
    if connection.vendor != "postgresql":
        pytest.skip("one writer at a time on SQLite")
    saved, release, errors = threading.Event(), threading.Event(), []

    def clerk(village, hold: bool) -> None:
        try:
            with transaction.atomic():
                f.household(village, by=users.admin, members=[f.member(c.Relationship.HEAD)])
                if hold:
                    saved.set()
                    release.wait(10)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connection.close()

    first = threading.Thread(target=clerk, args=(tree.village_a, True))
    first.start()
    assert saved.wait(10)
    second = threading.Thread(target=clerk, args=(tree.village_b, False))
    second.start()
    second.join(1)  # the second adds to the county's row after the first commits (or, wrongly, at once)
    release.set()
    first.join(10)
    second.join(10)
    assert errors == []
    assert tallied() == counted()
    assert county_tallied()[(tree.county.pk, c.Status.POOR)] == (2, 2)
