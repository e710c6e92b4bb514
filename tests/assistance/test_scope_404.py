"""§1: a clerk of another village (clerk_b) gets 404 for every page and endpoint about village A's records."""

import datetime as dt

from django.urls import reverse

from assistance.models import AssistanceRecord, SmallLoan, Visit
from funds import services as fs
from funds.choices import Payee
from tests.conftest import login
from tests.funds.helpers import DAY, ledger


def test_clerk_b_gets_404_everywhere_for_village_a(client, users, tree, homes):
    p, a, arr = ledger(tree, users)
    d = fs.disbursement_create(
        user=users.county,
        arrangement=arr,
        amount="5",
        date=DAY,
        payee=Payee.HOUSEHOLD,
        household=homes.a,
        record_assistance=True,
        category="industry",
    )
    rec = AssistanceRecord.objects.get(disbursement=d)
    visit = Visit.objects.create(household=homes.a, visitor=users.clerk_a, visited_on=DAY, findings="x")
    loan = SmallLoan.objects.create(
        household=homes.a,
        amount=1000,
        benchmark_rate=4,
        term_months=12,
        issued_on=DAY,
        due_on=DAY + dt.timedelta(days=365),
    )
    login(client, users.clerk_b)
    gets = [
        reverse("assistance:household", args=[homes.a.number]),
        reverse("assistance:record_create", args=[homes.a.number]),
        reverse("assistance:visit_create", args=[homes.a.number]),
        reverse("assistance:loan_create", args=[homes.a.number]),
        reverse("assistance:followup", args=[tree.village_a.code]),
        reverse("projects:detail", args=[p.pk]),
        reverse("projects:edit", args=[p.pk]),
        reverse("funds:allocation", args=[a.pk]),
        reverse("funds:arrangement", args=[arr.pk]),
        reverse("funds:reports"),
        f"/api/v1/assistance/records/{rec.pk}/",
        f"/api/v1/assistance/visits/{visit.pk}/",
        f"/api/v1/assistance/loans/{loan.pk}/",
        f"/api/v1/projects/{p.pk}/",
        f"/api/v1/funds/allocations/{a.pk}/",
        f"/api/v1/funds/arrangements/{arr.pk}/",
        f"/api/v1/funds/disbursements/{d.pk}/",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("projects:transition", args=[p.pk]),
        reverse("funds:allocation_reverse", args=[a.pk]),
        reverse("funds:arrangement_reverse", args=[arr.pk]),
        reverse("funds:disbursement_reverse", args=[d.pk]),
        f"/api/v1/funds/disbursements/{d.pk}/reverse/",
        f"/api/v1/projects/{p.pk}/transition/",
    ]
    for url in posts:
        assert client.post(url, {"reason": "x", "to_status": "in_progress"}).status_code == 404, url
