"""Helpers of the API tests: a client per user and a valid household document."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from households import choices as c
from tests import factories as f


@pytest.fixture
def api():
    """api(user) → an APIClient logged in as that user (None: anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def household_document(village_code: str, *, members: int = 3, **extra) -> dict:
    """A valid household with a head, a spouse and children, the current year's income and an assessment."""
    people = [
        {"name": "王大", "id_number": f.id_number(dt.date(1970, 3, 1), male=True), "relationship": c.Relationship.HEAD},
        {
            "name": "李二",
            "id_number": f.id_number(dt.date(1972, 5, 6), male=False),
            "relationship": c.Relationship.SPOUSE,
            "has_chronic_disease": True,
        },
        {
            "name": "王三",
            "id_number": f.id_number(dt.date(2010, 9, 1), male=True),
            "relationship": c.Relationship.SON,
            "school_status": c.SchoolStatus.PRIMARY,
        },
    ][:members]
    doc = {
        "village": village_code,
        "identification_year": 2016,
        "main_cause": c.Cause.ILLNESS,
        "other_cause_1": c.Cause.LACK_SKILLS,
        "phone": "13812345678",
        "bank_name": "农村信用社",
        "bank_account": "6228480012345678",
        "arable_land": "5.50",
        "irrigated_land": "2.00",
        "housing_grade": c.HousingGrade.B,
        "has_safe_water": True,
        "members": people,
        "income": {"wages": "12000.00", "business": "3000.00", "dibao": "1800.00", "business_costs": "1000.00"},
        "assessment": {"assessed_on": "2019-06-01", "food_secure": True, "clothing_secure": True},
    }
    doc.update(extra)
    return doc
