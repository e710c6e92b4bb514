"""The simulation API (issue 17 item 4): POST /api/v1/simulations/ → {"id", "state"}; GET …/{id}/ → the
state, progress and summary; GET …/{id}/households/ → the changed households, paginated. Bad input is a
400 in the API's error shape with Chinese messages; other roles get 403 (create) or 404 (read)."""

import pytest
from django.test import TestCase
from rest_framework.test import APIClient

from simulations.models import Scenario

from .conftest import AS_OF, household_with_income, live_state

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, body):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return api(user).post("/api/v1/simulations/", body, format="json")


@pytest.fixture
def households(world):
    return [household_with_income(v, "3300") for v in (world.village_a, world.village_b, world.village_d)] + [
        household_with_income(world.village_a, "9000")
    ]


def test_post_runs_a_scenario_and_get_reads_its_summary(world, users, households):
    before = live_state()
    response = post(users.province, {"year": 2019, "as_of": AS_OF.isoformat(), "parameters": {"poverty_line": "4200"}})
    assert response.status_code == 201
    body = response.json()
    # Enqueued when the request's transaction commits: in-process that is before the answer in production,
    # after it in this test's transaction.
    assert set(body) == {"id", "state"} and body["state"] in ("pending", "done")
    detail = api(users.province).get(f"/api/v1/simulations/{body['id']}/").json()
    assert detail["state"] == "done" and detail["progress"] == 100
    assert (detail["eligible_households_before"], detail["eligible_households_after"]) == (4, 1)
    assert (detail["households_changed"], detail["villages_changed"], detail["counties_changed"]) == (3, 0, 0)
    assert detail["overrides"] == {"poverty_line": "4200"} and detail["parameters"]["poverty_line"] == "4200"
    assert detail["created_by"] == "province" and detail["year"] == 2019
    assert live_state() == before


def test_the_changed_households_are_listed_with_their_county_and_criteria(world, users, households):
    scenario_id = post(
        users.province, {"year": 2019, "as_of": AS_OF.isoformat(), "parameters": {"poverty_line": "4200"}}
    ).json()["id"]
    body = api(users.province).get(f"/api/v1/simulations/{scenario_id}/households/").json()
    assert body["count"] == 3
    row = body["results"][0]
    assert set(row) >= {"number", "county", "before", "after", "criteria"}
    assert (row["before"], row["after"], row["criteria"]) == (True, False, ["income"])
    assert {r["number"] for r in body["results"]} == {h.number for h in households[:3]}
    assert {r["county"] for r in body["results"]} == {"昌图县", "铁岭县"}


CHINESE = object()  # the message is in Chinese (a message the catalogue already translates)


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"year": 2019, "as_of": "2019-10-15", "parameters": {"povertyline": "4200"}}, "parameters", "poverty_line"),
        ({"year": 2019, "as_of": "2019-10-15", "parameters": {"poverty_line": "abc"}}, "parameters", CHINESE),
        ({"year": 2019, "as_of": "2019-10-15", "parameters": {"poverty_line": True}}, "parameters", "poverty_line"),
        ({"year": 2019, "as_of": "2019-10-15", "parameters": {"poverty_line": "-5"}}, "parameters", CHINESE),
        ({"year": 2012, "as_of": "2012-10-15", "parameters": {}}, "year", CHINESE),
        ({"year": 2050, "as_of": "2050-10-15", "parameters": {}}, "year", CHINESE),
        ({"year": 2019, "as_of": "2018-10-15", "parameters": {}}, "as_of", "2019-01-01"),
        ({"year": 2019, "as_of": "2019-13-45", "parameters": {}}, "as_of", CHINESE),
        ({"year": "x", "as_of": "2019-10-15"}, "year", CHINESE),
        ({"year": 2019, "as_of": "2019-10-15", "parameters": ["poverty_line"]}, "parameters", CHINESE),
    ],
)
def test_bad_input_is_a_400_that_says_what_is_wrong_and_creates_nothing(world, users, body, field, says):
    """The messages are Chinese (the new ones once the catalogue carries them: see docs/simulations.md)."""
    response = post(users.province, body)
    assert response.status_code == 400, response.json()
    data = response.json()
    assert data["code"] == "invalid" and field in data
    text = str(data[field])
    if says is CHINESE:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    else:
        assert says in text
    assert not Scenario.objects.exists()


def test_an_unknown_parameter_is_named_under_parameters(world, users):
    response = post(users.province, {"year": 2019, "as_of": "2019-10-15", "parameters": {"notice_days": 3}})
    assert list(response.json()["parameters"]) == ["notice_days"]


def test_other_roles_cannot_create_read_or_delete(world, users, households):
    scenario_id = post(users.province, {"year": 2019, "as_of": "2019-10-15", "parameters": {}}).json()["id"]
    for user in (users.county, users.clerk_a, users.city, users.auditor):
        assert post(user, {"year": 2019, "as_of": "2019-10-15", "parameters": {}}).status_code == 403
        for url in (f"/api/v1/simulations/{scenario_id}/", f"/api/v1/simulations/{scenario_id}/households/"):
            response = api(user).get(url)
            assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert api(user).delete(f"/api/v1/simulations/{scenario_id}/").status_code == 404
    assert api(users.admin).get(f"/api/v1/simulations/{scenario_id}/").status_code == 200
    assert Scenario.objects.count() == 1


def test_the_author_deletes_and_another_province_staff_member_may_not(world, users):
    from tests import factories as f

    scenario_id = post(users.province, {"year": 2019, "as_of": "2019-10-15", "parameters": {}}).json()["id"]
    other = f.user("province2", "province_staff", world.province)
    assert api(other).delete(f"/api/v1/simulations/{scenario_id}/").status_code == 403
    assert api(users.province).delete(f"/api/v1/simulations/{scenario_id}/").status_code == 204
    assert not Scenario.objects.exists()
