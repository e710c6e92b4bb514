"""§11/§12: the fund ledger table and the dashboard's fund and assistance blocks read the funds ledger."""

from decimal import Decimal

import pytest

from funds import services as fs
from tests.funds.helpers import DAY, ledger

from .helpers import csv_rows, page_rows

pytestmark = pytest.mark.django_db


def test_the_fund_ledger_lists_disbursements_and_the_dashboard_sums_them(client, world):
    tree, users = world.tree, world.users
    _p, _a, arr = ledger(tree, users)
    fs.disbursement_create(user=users.county, arrangement=arr, amount=Decimal("100.00"), date=DAY, payee_unit="农业局")
    fs.disbursement_create(
        user=users.county,
        arrangement=arr,
        amount=Decimal("50.00"),
        date=DAY,
        payee="household",
        household=world.a,
        category="industry",
        record_assistance=True,
        assistance_content="养殖补贴",
    )
    client.force_login(users.province)
    rows = page_rows(client.get("/reports/tables/fund_ledger/"))
    assert sorted(r[-2] for r in rows) == ["100.00", "50.00"]
    assert csv_rows(client.post("/reports/tables/fund_ledger/export/", {"format": "csv"}))[1:] == rows
    data = client.get("/reports/").context["data"]
    assert data["funds"]["allocated"] == Decimal("1000.00") and data["funds"]["disbursed"] == Decimal("150.00")
    assert data["funds"]["progress"] == Decimal("15.00")
    assert [(a["category"], a["amount"]) for a in data["assistance"]] == [("industry", Decimal("50.00"))]
    client.force_login(users.county2)
    assert page_rows(client.get("/reports/tables/fund_ledger/")) == []
