"""§4 over /api/v1/assistance/: scoped like the UI; auditors read and change nothing."""

import datetime as dt

from assistance.models import AssistanceRecord, Visit
from tests.conftest import login

URL = "/api/v1/assistance/"


def test_clerk_creates_and_lists_records_of_their_village(client, users, homes):
    login(client, users.clerk_a)
    r = client.post(
        URL + "records/",
        {
            "household": homes.a.number,
            "category": "employment",
            "date": "2019-02-01",
            "content": "公益岗",
            "amount": "600.00",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    assert client.get(URL + "records/").json()["count"] == 1
    r = client.post(
        URL + "records/",
        {"household": homes.b.number, "category": "employment", "date": "2019-02-01", "content": "x", "amount": "1"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "household" in r.json()
    r = client.post(
        URL + "records/",
        {"household": homes.a.number, "category": "employment", "date": "2019-02-01", "content": "x", "amount": "-1"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "amount" in r.json()
    assert AssistanceRecord.objects.count() == 1


def test_clerk_b_gets_404_for_village_a_records_and_visits(client, users, homes):
    rec = AssistanceRecord.objects.create(
        household=homes.a, category="health", date=dt.date(2019, 1, 1), content="x", amount=1
    )
    visit = Visit.objects.create(household=homes.a, visitor=users.clerk_a, visited_on=dt.date(2019, 1, 1), findings="x")
    login(client, users.clerk_b)
    assert client.get(URL + f"records/{rec.pk}/").status_code == 404
    assert client.get(URL + f"visits/{visit.pk}/").status_code == 404
    assert client.get(URL + "visits/").json()["count"] == 0
    assert client.put(URL + f"records/{rec.pk}/", {}, content_type="application/json").status_code == 405


def test_helper_logs_visits_for_paired_households_only(client, users, homes, paired):
    login(client, users.helper)
    r = client.post(
        URL + "visits/",
        {"household": homes.a.number, "visited_on": "2019-06-01", "findings": "ok"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["helper"] == paired.pk
    r = client.post(
        URL + "visits/",
        {"household": homes.b.number, "visited_on": "2019-06-01", "findings": "ok"},
        content_type="application/json",
    )
    assert r.status_code == 400


def test_auditor_reads_all_and_creates_nothing(client, users, homes):
    AssistanceRecord.objects.create(household=homes.d, category="health", date=dt.date(2019, 1, 1), content="x")
    login(client, users.auditor)
    assert client.get(URL + "records/").json()["count"] == 1
    r = client.post(
        URL + "records/",
        {"household": homes.a.number, "category": "health", "date": "2019-01-01", "content": "x", "amount": "1"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert AssistanceRecord.objects.count() == 1


def test_helper_sees_only_paired_households_and_records_a_loan(client, users, homes, paired):
    AssistanceRecord.objects.create(household=homes.b, category="health", date=dt.date(2019, 1, 1), content="x")
    login(client, users.helper)
    assert client.get(URL + "records/").json()["count"] == 0
    r = client.post(
        URL + "loans/",
        {
            "household": homes.a.number,
            "amount": "50000.00",
            "benchmark_rate": "4.350",
            "term_months": 36,
            "issued_on": "2018-01-01",
            "due_on": "2021-01-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["status"] in {"overdue", "current"}
    r = client.post(
        URL + "loans/",
        {
            "household": homes.a.number,
            "amount": "0",
            "benchmark_rate": "4.35",
            "term_months": 36,
            "issued_on": "2018-01-01",
            "due_on": "2017-01-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 400
