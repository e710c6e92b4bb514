import datetime as dt

import pytest

from households import choices as hc
from households.models import Helper, Pairing


@pytest.fixture
def paired(tree, users, homes):
    """users.helper is paired with household A since 2019."""
    helper = Helper.objects.create(
        name="王帮扶",
        sex=hc.Sex.MALE,
        unit="县农业局",
        unit_level=hc.UnitLevel.COUNTY,
        county=tree.county,
        user=users.helper,
    )
    Pairing.objects.create(helper=helper, household=homes.a, start=dt.date(2019, 1, 1))
    return helper
