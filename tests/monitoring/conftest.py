"""Helpers of the monitoring tests: a household that passes every data-quality check, and a helper."""

import datetime as dt

import pytest

from households import choices as c
from households.models import Helper, Pairing
from tests import factories as f

AS_OF = dt.date(2019, 12, 31)


def helper_for(county, **fields):
    fields.setdefault("name", "帮扶人")
    fields.setdefault("sex", c.Sex.MALE)
    fields.setdefault("unit", "县扶贫办")
    fields.setdefault("unit_level", c.UnitLevel.COUNTY)
    return Helper.objects.create(county=county, **fields)


def clean_household(village, *, helper=None, members=None, **fields):
    """A household with head and spouse, a neutral cause, housing and a current helper: no DQ finding."""
    fields.setdefault("main_cause", c.Cause.LACK_FUNDS)
    fields.setdefault("housing_area", 80)
    fields.setdefault("arable_land", 5)
    fields.setdefault("road_distance_km", 1)
    members = members or [
        f.member(c.Relationship.HEAD, birth=dt.date(1970, 3, 1), male=True),
        f.member(c.Relationship.SPOUSE, birth=dt.date(1972, 5, 1), male=False),
    ]
    h = f.household(village, members=members, **fields)
    helper = helper or helper_for(h.county)
    Pairing.objects.create(helper=helper, household=h, start=dt.date(2016, 1, 1))
    return h


@pytest.fixture
def clean(tree, users):
    return clean_household(tree.village_a)
