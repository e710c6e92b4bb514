"""§13 endpoints of exit eligibility: scoped (404 outside), masked (§9), nulls where undefined."""

import pytest
from rest_framework.test import APIClient

from eligibility.rules.run import recompute_sync
from households import choices as c
from tests import factories as f
from villages.models import RegionYear

from .conftest import AS_OF, good_household

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def checked(world, users):
    sick = f.member(c.Relationship.SPOUSE, male=False, has_chronic_disease=True)
    h = good_household(world.village_a, members=[f.member(), sick])
    RegionYear.objects.create(region=world.village_a, year=2019, rural_population=400)
    recompute_sync(as_of=AS_OF)
    return h


def test_the_exit_check_lists_every_criterion(checked, users):
    r = api(users.clerk_a).get(f"/api/v1/households/{checked.number}/exit-check/")
    assert r.status_code == 200
    body = r.json()
    assert body["as_of"] == "2019-10-15" and body["policy_year"] == 2019 and body["eligible"] is False
    assert set(body["criteria"]) == {"income", "food", "clothing", "education", "medical", "housing", "water"}
    assert body["criteria"]["income"] == {
        "passed": True,
        "reason": "ok",
        "values": {"net_income": "20000.00", "members": 2, "per_capita_net": "10000.00", "poverty_line": "3218.00"},
    }
    assert body["criteria"]["medical"]["reason"] == "no_critical_illness_insurance"  # clerks see health data


def test_health_details_are_masked_for_roles_without_the_right(checked, users):
    body = api(users.township).get(f"/api/v1/households/{checked.number}/exit-check/").json()
    assert body["criteria"]["medical"]["passed"] is False
    assert body["criteria"]["medical"]["reason"] == "failed"
    assert set(body["criteria"]["medical"]["values"].values()) == {"***"}


def test_a_clerk_of_another_village_gets_404_for_the_exit_check(checked, users):
    assert api(users.clerk_b).get(f"/api/v1/households/{checked.number}/exit-check/").status_code == 404


def test_a_household_not_yet_recomputed_gets_a_live_check(world, users):
    h = good_household(world.village_a)
    body = api(users.clerk_a).get(f"/api/v1/households/{h.number}/exit-check/").json()
    assert body["source"] == "live" and set(body["criteria"]) >= {"income", "water"}


def test_region_indicators_give_fractions_and_null_where_undefined(checked, users):
    body = api(users.county).get(f"/api/v1/regions/{checked.village.code}/indicators/?year=2019").json()
    assert body["rural_population"] == 400 and body["remaining_poor"] == 2
    assert body["incidence"] == "0.005000"  # 0.5 %
    assert body["exit_eligible"] is False and "hard_road" in body["failing"]
    county = api(users.county).get(f"/api/v1/regions/{checked.county.code}/indicators/").json()
    assert county["incidence"] == "0.005000"  # the sum of its villages
    b = api(users.county).get("/api/v1/regions/211224100002/indicators/").json()
    assert b["incidence"] is None and b["comprehensive_incidence"] is None


def test_region_indicators_outside_the_scope_are_404(checked, users):
    assert api(users.clerk_b).get(f"/api/v1/regions/{checked.village.code}/indicators/").status_code == 404
    assert api(users.county2).get(f"/api/v1/regions/{checked.county.code}/indicators/").status_code == 404


def test_a_bad_year_is_a_400_naming_the_field(checked, users):
    r = api(users.province).get(f"/api/v1/regions/{checked.village.code}/indicators/?year=abc")
    assert r.status_code == 400 and "year" in r.json()


def test_a_year_without_snapshot_gives_nulls(checked, users):
    body = api(users.province).get(f"/api/v1/regions/{checked.village.code}/indicators/?year=2018").json()
    assert body["as_of"] is None and body["incidence"] is None
