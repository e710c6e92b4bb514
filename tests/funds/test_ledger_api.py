"""§11 over /api/v1/: post, list and reverse entries; no PUT, PATCH or DELETE; scoping."""

from decimal import Decimal

import pytest

from funds.models import Allocation, Arrangement, Disbursement
from tests.conftest import login

from .helpers import ledger

BASE = "/api/v1/funds/"


def test_county_official_posts_the_whole_chain_and_reverses(client, users, tree, homes):
    from .helpers import project

    p = project(tree.county, users.county)
    login(client, users.county)
    r = client.post(
        BASE + "allocations/",
        {
            "source": "provincial",
            "county": tree.county.code,
            "document_number": "D1",
            "amount": "800.00",
            "date": "2019-04-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    alloc = r.json()["id"]
    r = client.post(
        BASE + "arrangements/",
        {"allocation": alloc, "project": p.pk, "amount": "500", "date": "2019-04-02"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    arr = r.json()["id"]
    r = client.post(
        BASE + "disbursements/",
        {
            "arrangement": arr,
            "payee": "household",
            "household": homes.a.number,
            "amount": "200",
            "date": "2019-04-03",
            "category": "industry",
            "record_assistance": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    d = r.json()["id"]
    assert homes.a.assistance.get().disbursement_id == d
    r = client.post(BASE + f"disbursements/{d}/reverse/", {"reason": "returned"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["kind"] == "reversal" and r.json()["signed_amount"] == "-200.00"
    listed = client.get(BASE + "disbursements/").json()
    assert listed["count"] == 2


def test_over_the_arrangement_is_a_400_with_the_amount_field(client, users, tree):
    p, a, arr = ledger(tree, users, arranged="100")
    login(client, users.county)
    r = client.post(
        BASE + "disbursements/",
        {"arrangement": arr.pk, "amount": "100.01", "date": "2019-05-01"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "amount" in r.json()
    r = client.post(
        BASE + "disbursements/",
        {"arrangement": arr.pk, "amount": "-1", "date": "2019-05-01"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "amount" in r.json()
    assert Disbursement.objects.count() == 0


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_posted_entries_cannot_be_changed_or_deleted_through_the_api(client, users, tree, method):
    p, a, arr = ledger(tree, users)
    login(client, users.county)
    for path in (f"allocations/{a.pk}/", f"arrangements/{arr.pk}/"):
        r = getattr(client, method)(BASE + path, {"amount": "1"}, content_type="application/json")
        assert r.status_code == 405
    assert Allocation.objects.get(pk=a.pk).amount == Decimal("1000.00")
    assert Arrangement.objects.count() == 1


def test_scoping_of_the_ledger_api(client, users, tree):
    p, a, arr = ledger(tree, users)
    login(client, users.county2)
    assert client.get(BASE + "allocations/").json()["count"] == 0
    assert client.get(BASE + f"allocations/{a.pk}/").status_code == 404
    assert client.post(BASE + f"arrangements/{arr.pk}/reverse/", {"reason": "x"}).status_code == 404
    login(client, users.clerk_b)
    assert client.get(BASE + f"arrangements/{arr.pk}/").status_code == 404
    login(client, users.auditor)
    assert client.get(BASE + "allocations/").json()["count"] == 1
    r = client.post(BASE + f"arrangements/{arr.pk}/reverse/", {"reason": "x"}, content_type="application/json")
    assert r.status_code == 403
    r = client.post(
        BASE + "allocations/",
        {"source": "central", "county": tree.county.code, "document_number": "D", "amount": "1", "date": "2019-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert Allocation.objects.count() == 1 and Arrangement.objects.count() == 1


def test_api_list_query_count(client, users, tree, django_assert_max_num_queries):
    from .helpers import allocation

    for _ in range(10):
        allocation(tree.county, users.county, "10")
    login(client, users.province)
    with django_assert_max_num_queries(6):
        r = client.get(BASE + "allocations/")
    assert r.json()["count"] == 10
