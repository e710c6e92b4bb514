"""Helpers of the eligibility tests: a household that passes every §5.2 criterion, and a way to run
the household test both ways (Python explain and the set-based SQL) and check that they agree."""

import datetime as dt

import pytest

from eligibility.models import HouseholdCheck
from eligibility.policy import parameters_for
from eligibility.rules.household import explain_household, explanation_from_check
from eligibility.rules.household_sql import county_household_test
from households import choices as c
from tests import factories as f
from villages.models import WorkingYear

AS_OF = dt.date(2019, 10, 15)


def good_household(village, *, members=None, wages="20000", **fields):
    """Grade-A house, safe water, insured members, a yes/yes assessment and income well above the line."""
    fields.setdefault("housing_grade", c.HousingGrade.A)
    fields.setdefault("has_safe_water", True)
    h = f.household(village, members=members, **fields)
    if wages is not None:
        f.income(h, 2019, wages=wages)
    f.assessment(h, on=dt.date(2019, 6, 1))
    return h


def both_ways(h, as_of=AS_OF):
    """The explanation computed in Python and the one stored by the SQL; asserts that they agree."""
    params = parameters_for(as_of.year)
    live = explain_household(h, as_of, params)
    county_household_test(county_id=h.county_id, as_of=as_of, params=params)
    stored = explanation_from_check(HouseholdCheck.objects.on(as_of).get(household=h))
    assert {k: v.passed for k, v in live.criteria.items()} == {k: v.passed for k, v in stored.criteria.items()}
    assert {k: v.reason for k, v in live.criteria.items()} == {k: v.reason for k, v in stored.criteria.items()}
    assert {k: v.values for k, v in live.criteria.items()} == {k: v.values for k, v in stored.criteria.items()}
    assert live.eligible == stored.eligible
    return live


@pytest.fixture
def world(tree, users):
    """The shared tree; its working year is 2019, the year of the tests' data (AS_OF), so the pages and
    the API, which show the working year as of its policy date (31 December 2019), show the results of AS_OF."""
    WorkingYear.objects.create(year=AS_OF.year)
    return tree
