"""The household page's read of its nightly result (eligibility.rules.reads.check_for, one SQL statement
compiled once) agrees with the same read in the ORM: held_on(day) and the date of the latest complete
county run that gave the row, on every day around a history of changes."""

import datetime as dt

import pytest

from eligibility.models import HouseholdCheck, held_on
from eligibility.rules import run as run_rules
from eligibility.rules.reads import _checked_on, check_for
from households import choices as c
from households.models import Household

from .conftest import AS_OF, good_household

pytestmark = pytest.mark.django_db

DAYS = [AS_OF + dt.timedelta(days=n) for n in range(-1, 5)]


def orm_check_for(household, day):
    checks = HouseholdCheck.objects.filter(held_on(day), household=household)
    return checks.annotate(checked_on=_checked_on(day)).first()


def test_the_page_read_agrees_with_the_orm_read(world):
    homes = [
        good_household(world.village_a),
        good_household(world.village_b, has_safe_water=False),
        good_household(world.village_d),
    ]
    run_rules.recompute_sync(as_of=DAYS[1])
    Household.objects.filter(pk=homes[1].pk).update(has_safe_water=True)
    run_rules.recompute_sync(as_of=DAYS[2])
    Household.objects.filter(pk=homes[2].pk).update(status=c.Status.CLOSED)
    run_rules.recompute_sync(as_of=DAYS[3])
    run_rules.recompute_sync(as_of=DAYS[4])  # a quiet night: nothing new, the rows' run dates move on
    seen = set()
    for home in homes:
        for day in DAYS:
            expected = orm_check_for(home, day)
            got = check_for(home, AS_OF.year, day)
            if expected is None:
                assert got is None
                continue
            assert (got.pk, got.since, got.until, got.eligible) == (
                expected.pk, expected.since, expected.until, expected.eligible
            )  # fmt: skip
            assert got.checked_on == expected.checked_on and isinstance(got.checked_on, dt.date)
            seen.add((home.pk, got.checked_on))
    # The cases above are not all alike: ended rows, a row of two run dates, days before any run.
    assert check_for(homes[0], AS_OF.year, DAYS[0]) is None
    assert (homes[0].pk, DAYS[4]) in seen and (homes[1].pk, DAYS[1]) in seen
    assert check_for(homes[0], AS_OF.year + 1, DAYS[4]) is None  # the run tested another year
