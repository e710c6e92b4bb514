"""§10 over /api/v1/projects/: scoped reads, writes by the county's officials, transitions."""

from projects.models import Project
from tests.conftest import login
from tests.funds.helpers import project

URL = "/api/v1/projects/"


def test_county_official_creates_and_moves_a_project(client, users, tree, homes):
    login(client, users.county)
    r = client.post(
        URL,
        {
            "name": "修路",
            "county": tree.county.code,
            "villages": [tree.village_a.code],
            "year": 2020,
            "category": "infra_road",
            "implementing_unit": "交通局",
            "beneficiary_households": [homes.a.number],
            "beneficiary_people": 3,
            "benefit_linkage": "employment",
            "budgets": [{"source": "central", "amount": "1000.00"}],
            "targets": [{"indicator": "里程", "unit": "km", "planned": "5"}],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "reserve" and body["budget_total"] == "1000.00"
    r = client.post(
        URL + f"{body['id']}/transition/", {"to_status": "approved", "reason": "批复"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = client.post(
        URL + f"{body['id']}/transition/", {"to_status": "accepted", "reason": "skip"}, content_type="application/json"
    )
    assert r.status_code == 400 and "to_status" in r.json()


def test_projects_api_is_scoped(client, users, tree):
    own = project(tree.county, users.county)
    other = project(tree.county2, users.county2)
    login(client, users.county)
    assert [p["id"] for p in client.get(URL).json()["results"]] == [own.pk]
    assert client.get(URL + f"{other.pk}/").status_code == 404
    assert client.patch(URL + f"{other.pk}/", {"name": "x"}, content_type="application/json").status_code == 404
    assert client.delete(URL + f"{own.pk}/").status_code == 405
    login(client, users.auditor)
    assert client.get(URL).json()["count"] == 2
    assert client.patch(URL + f"{own.pk}/", {"name": "x"}, content_type="application/json").status_code == 403
    login(client, users.clerk_b)
    assert client.get(URL + f"{own.pk}/").status_code == 404
    assert Project.objects.get(pk=own.pk).name == "养殖项目"


def test_project_api_refuses_a_county_outside_the_scope(client, users, tree):
    login(client, users.county)
    r = client.post(
        URL,
        {
            "name": "x",
            "county": tree.county2.code,
            "year": 2020,
            "category": "industry",
            "implementing_unit": "u",
            "benefit_linkage": "other",
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and "county" in r.json()


def test_project_api_refuses_an_unknown_category(client, users, tree):
    login(client, users.county)
    r = client.post(
        URL,
        {
            "name": "x",
            "county": tree.county.code,
            "year": 2020,
            "category": "casino",
            "implementing_unit": "u",
            "benefit_linkage": "other",
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and "category" in r.json()
    assert not Project.objects.exists()
