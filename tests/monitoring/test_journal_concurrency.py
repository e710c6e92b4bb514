"""Issue 16, under concurrent requests: a household edited while the night takes the change journal is
either seen by the night or still journaled for the next one — never lost (PostgreSQL: two connections)."""

import threading

import pytest
from django.db import connection, transaction

from households import changes
from households.models import Household, HouseholdChange

from .conftest import clean_household

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_edit_committed_while_the_night_takes_the_journal_is_not_lost(tree, users):
    if connection.vendor != "postgresql":
        pytest.skip("one writer at a time on SQLite")
    h = clean_household(tree.village_a, housing_area=80)  # journaled already, committed
    assert HouseholdChange.objects.filter(reader="quality", household_id=h.pk).exists()
    edited, release, outcome = threading.Event(), threading.Event(), {}

    def clerk() -> None:
        try:
            with transaction.atomic():
                Household.objects.filter(pk=h.pk).update(housing_area=0)
                edited.set()
                release.wait(10)
        finally:
            connection.close()

    def night() -> None:
        try:
            with transaction.atomic():
                outcome["taken"] = changes.take("quality", h.county_id)
                outcome["seen"] = Household.objects.get(pk=h.pk).housing_area
        finally:
            connection.close()

    editing = threading.Thread(target=clerk)
    editing.start()
    assert edited.wait(10)
    taking = threading.Thread(target=night)
    taking.start()
    taking.join(1)  # the night waits for the clerk's transaction (or, wrongly, takes the row at once)
    release.set()
    editing.join(10)
    taking.join(10)
    seen_tonight = h.pk in outcome["taken"] and outcome["seen"] == 0
    kept_for_tomorrow = HouseholdChange.objects.filter(reader="quality", household_id=h.pk).exists()
    assert seen_tonight or kept_for_tomorrow
