"""The admin of the nightly runs (§5.6) is scoped like every read (§1): a county's runs and county rows
for the users of that county (a township user included), everything for the province."""

import pytest
from django.urls import reverse

from eligibility.models import RecomputeCounty, RecomputeRun, RunState

pytestmark = pytest.mark.django_db


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def run_of(county=None) -> RecomputeRun:
    return RecomputeRun.objects.create(
        as_of="2019-10-15", policy_year=2019, params_version=0, trigger="command", only_county=county
    )


@pytest.fixture
def runs(tree):
    province, one, other = run_of(), run_of(tree.county), run_of(tree.county2)
    for run, county in ((province, tree.county), (province, tree.county2), (one, tree.county), (other, tree.county2)):
        RecomputeCounty.objects.create(run=run, county=county, state=RunState.DONE)
    return province, one, other


def listed(client, user, model: str) -> set:
    client.force_login(staff(user))
    response = client.get(reverse(f"admin:eligibility_{model}_changelist"))
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


@pytest.mark.parametrize("who", ["township", "county"])
def test_the_users_of_a_county_see_its_runs(client, users, tree, runs, who):
    province, one, _other = runs
    assert listed(client, getattr(users, who), "recomputerun") == {one}
    assert listed(client, getattr(users, who), "recomputecounty") == set(
        RecomputeCounty.objects.filter(county=tree.county)
    )
    assert province in {row.run for row in listed(client, getattr(users, who), "recomputecounty")}


def test_the_province_sees_every_run_and_a_city_its_counties_runs(client, users, runs):
    province, one, other = runs
    assert listed(client, users.province, "recomputerun") == {province, one, other}
    assert listed(client, users.city, "recomputerun") == {one, other}
    assert len(listed(client, users.city, "recomputecounty")) == 4
