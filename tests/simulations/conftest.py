"""The world of the simulation tests: the shared tree with the working year 2019 (tests/eligibility), a
province-staff author, households around the 2019 line (3,218 yuan) and village figures (§5.3, §5.4)."""

import datetime as dt
from decimal import Decimal

import pytest

from eligibility.models import HouseholdCheck, PolicyParameter
from households import choices as c
from simulations import services
from tests import factories as f
from tests.eligibility.conftest import AS_OF, good_household
from villages.models import RegionIndicator, RegionYear, WorkingYear

LINE = Decimal("3218")


@pytest.fixture
def world(tree, users):
    WorkingYear.objects.create(year=AS_OF.year)
    return tree


def household_with_income(village, per_head: str | Decimal, *, size: int = 1, **fields):
    """A household that passes every criterion but income; per-capita net income `per_head`."""
    members = [f.member(c.Relationship.HEAD)] + [f.member(c.Relationship.OTHER) for _ in range(size - 1)]
    return good_household(village, members=members, wages=str(Decimal(per_head) * size), **fields)


def village_figures(village, rural_population: int, year: int = AS_OF.year):
    """A village whose every §5.4 indicator holds: only its incidence decides its exit."""
    return RegionYear.objects.create(
        region=village,
        year=year,
        rural_population=rural_population,
        has_hard_road=True,
        has_safe_water=True,
        has_electricity=True,
        has_broadband=True,
        has_standard_clinic=True,
        has_cultural_venue=True,
        collective_income=Decimal("1000"),
    )


def simulate(user, parameters: dict, *, as_of: dt.date = AS_OF, name: str = "测试"):
    """Create a scenario (its run happens in-process when the transaction commits) and read it back."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        scenario = services.scenario_create(user=user, name=name, year=as_of.year, as_of=as_of, parameters=parameters)
    scenario.refresh_from_db()
    return scenario


def live_state() -> tuple:
    """Everything live a scenario must never touch: the results and the parameter versions with history."""
    return (
        list(HouseholdCheck.objects.order_by("id").values()),
        list(RegionIndicator.objects.order_by("id").values()),
        list(PolicyParameter.objects.order_by("id").values()),
        PolicyParameter.history.count(),
    )
