"""§11 reports: progress, idle funds, payments per household, anomalies; aggregate queries only."""

from decimal import Decimal

from django.urls import reverse

from funds import selectors as sel
from funds import services as fs
from funds.choices import Payee
from households import choices as hc
from households.models import Household
from projects.choices import FundSource
from tests.conftest import login

from .helpers import DAY, allocation, ledger, project


def _pay(users, arr, household, amount, category="industry", **kw):
    return fs.disbursement_create(
        user=users.county,
        arrangement=arr,
        amount=amount,
        date=DAY,
        payee=Payee.HOUSEHOLD,
        household=household,
        category=category,
        **kw,
    )


def test_progress_by_county_source_and_year(tree, users):
    p, a, arr = ledger(tree, users, allocated="1000", arranged="600")
    fs.disbursement_create(user=users.county, arrangement=arr, amount="150", date=DAY)
    allocation(tree.county, users.county, "500", source=FundSource.EAST_WEST)
    p2 = project(tree.county2, users.county2)
    a2 = allocation(tree.county2, users.county2, "400")
    fs.arrangement_create(user=users.county2, allocation=a2, project=p2, amount="400", date=DAY)
    rows = {(r["county_code"], r["source"]): r for r in sel.fund_progress(users.province, year=2019)}
    central = rows[(tree.county.code, "central")]
    assert (central["allocated"], central["arranged"], central["disbursed"]) == (
        Decimal("1000"),
        Decimal("600"),
        Decimal("150"),
    )
    assert central["progress"] == Decimal("15.00")
    assert central["unarranged"] == Decimal("400") and central["undisbursed"] == Decimal("450")
    assert rows[(tree.county.code, "east_west")]["progress"] == Decimal("0.00")
    assert rows[(tree.county2.code, "central")]["arranged"] == Decimal("400")
    assert {r["county_code"] for r in sel.fund_progress(users.county)} == {tree.county.code}
    assert sel.fund_progress(users.province, year=2018) == []


def test_idle_funds(tree, users):
    p, a, arr = ledger(tree, users, allocated="1000", arranged="1000")
    assert list(sel.idle_allocations(users.county)) == []
    assert [x.pk for x in sel.idle_arrangements(users.county)] == [arr.pk]
    fs.disbursement_create(user=users.county, arrangement=arr, amount="1000", date=DAY)
    assert list(sel.idle_arrangements(users.county)) == []
    b = allocation(tree.county, users.county, "10")
    assert [x.pk for x in sel.idle_allocations(users.county)] == [b.pk]


def test_double_payments_and_closed_households_are_flagged(tree, users, homes):
    p, a, arr = ledger(tree, users, allocated="1000", arranged="1000")
    _pay(users, arr, homes.a, "100")
    second = _pay(users, arr, homes.a, "50")
    _pay(users, arr, homes.a, "10", category="education")
    _pay(users, arr, homes.b, "20")
    [double] = sel.anomaly_double_payments(users.county)
    assert (double["household__number"], double["category"], double["payments"]) == (homes.a.number, "industry", 2)
    fs.disbursement_reverse(user=users.county, disbursement=second, reason="duplicate", date=DAY)
    assert list(sel.anomaly_double_payments(users.county)) == []
    Household.objects.filter(pk=homes.b.pk).update(status=hc.Status.CLOSED)
    homes.b.refresh_from_db()
    _pay(users, arr, homes.b, "5", category="health", override=True, override_reason="arrears")
    assert {d.household_id for d in sel.anomaly_closed_households(users.county)} == {homes.b.pk}
    payments = {r["household__number"]: r for r in sel.household_payments(users.county)}
    assert payments[homes.a.number]["total"] == Decimal("110.00")
    assert payments[homes.a.number]["payments"] == 3


def test_report_page_queries_are_bounded_and_scoped(client, tree, users, homes, django_assert_max_num_queries):
    p, a, arr = ledger(tree, users, allocated="1000", arranged="1000")
    for _ in range(5):
        _pay(users, arr, homes.a, "10")
    login(client, users.province)
    with django_assert_max_num_queries(14):
        resp = client.get(reverse("funds:reports"))
    assert resp.status_code == 200 and resp.context["progress"]
    login(client, users.clerk_b)
    assert client.get(reverse("funds:reports")).status_code == 404
    login(client, users.county2)
    resp = client.get(reverse("funds:reports"))
    assert resp.context["progress"] == [] and list(resp.context["household_payments"]) == []
