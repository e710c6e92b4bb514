"""§11 ledger pages: post, reverse, bad input, scoping, and no way to edit a posted entry (UI and admin)."""

from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from funds.choices import EntryKind
from funds.models import Allocation, Arrangement, Disbursement
from households import choices as hc
from households.models import Household
from tests.conftest import login

from .helpers import ledger


def test_county_official_posts_an_allocation(client, users, tree):
    login(client, users.county)
    resp = client.post(
        reverse("funds:allocation_create"),
        {
            "source": "central",
            "county": tree.county.pk,
            "document_number": "财农〔2019〕8号",
            "amount": "2000.50",
            "date": "2019-03-01",
        },
    )
    assert resp.status_code == 302
    a = Allocation.objects.get()
    assert (a.amount, a.year, a.created_by) == (Decimal("2000.50"), 2019, users.county)


@pytest.mark.parametrize("amount", ["-1", "0", "1.234"])
def test_bad_allocation_amount_shows_a_field_error_and_posts_nothing(client, users, tree, amount):
    login(client, users.county)
    resp = client.post(
        reverse("funds:allocation_create"),
        {"source": "central", "county": tree.county.pk, "document_number": "x", "amount": amount, "date": "2019-03-01"},
    )
    assert resp.status_code == 200 and "amount" in resp.context["form"].errors
    assert Allocation.objects.count() == 0


def test_arrangement_over_the_allocation_shows_an_error(client, users, tree):
    p, a, arr = ledger(tree, users, allocated="1000", arranged="900")
    login(client, users.county)
    resp = client.post(
        reverse("funds:arrangement_create"),
        {"allocation": a.pk, "project": p.pk, "amount": "100.01", "date": "2019-05-02"},
    )
    assert resp.status_code == 200 and resp.context["form"].errors["amount"]
    assert Arrangement.objects.count() == 1


def test_payment_over_the_arrangement_and_to_a_closed_household_are_refused(client, users, tree, homes):
    p, a, arr = ledger(tree, users, arranged="500")
    login(client, users.county)
    url = reverse("funds:disbursement_create")
    base = {"arrangement": arr.pk, "payee": "household", "household_number": homes.a.number, "date": "2019-06-01"}
    resp = client.post(url, {**base, "amount": "500.01"})
    assert resp.status_code == 200 and "amount" in resp.context["form"].errors
    Household.objects.filter(pk=homes.a.pk).update(status=hc.Status.CLOSED)
    resp = client.post(url, {**base, "amount": "10"})
    assert resp.status_code == 200
    assert resp.context["form"].errors["household_number"][0]
    assert Disbursement.objects.count() == 0
    resp = client.post(url, {**base, "amount": "10", "override": "on", "override_reason": "arrears"})
    assert resp.status_code == 302
    assert Disbursement.objects.get().override


def test_household_of_another_village_cannot_be_typed_in(client, users, tree, homes):
    p, a, arr = ledger(tree, users)
    login(client, users.county)
    resp = client.post(
        reverse("funds:disbursement_create"),
        {
            "arrangement": arr.pk,
            "payee": "household",
            "household_number": homes.d.number,
            "amount": "1",
            "date": "2019-06-01",
        },
    )
    assert resp.status_code == 200 and "household_number" in resp.context["form"].errors
    assert Disbursement.objects.count() == 0


def test_reversal_through_the_page(client, users, tree):
    p, a, arr = ledger(tree, users)
    login(client, users.county)
    resp = client.post(reverse("funds:arrangement_reverse", args=[arr.pk]), {"reason": "wrong project"})
    assert resp.status_code == 302
    r = Arrangement.objects.get(kind=EntryKind.REVERSAL)
    assert r.reverses_id == arr.pk and r.amount == arr.amount
    assert Arrangement.objects.get(pk=arr.pk).amount == Decimal("600.00")


def test_there_is_no_edit_or_delete_route_for_posted_entries():
    for name in ("allocation_edit", "allocation_delete", "arrangement_edit", "disbursement_delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"funds:{name}", args=[1])


def test_other_county_gets_404_and_auditor_gets_403(client, users, tree):
    p, a, arr = ledger(tree, users)
    login(client, users.county2)
    assert client.get(reverse("funds:allocation", args=[a.pk])).status_code == 404
    assert client.get(reverse("funds:arrangement", args=[arr.pk])).status_code == 404
    assert client.post(reverse("funds:arrangement_reverse", args=[arr.pk]), {"reason": "x"}).status_code == 404
    assert list(client.get(reverse("funds:ledger")).context["page"]) == []
    login(client, users.clerk_b)
    assert client.get(reverse("funds:allocation", args=[a.pk])).status_code == 404
    login(client, users.auditor)
    assert client.get(reverse("funds:allocation", args=[a.pk])).status_code == 200
    assert client.post(reverse("funds:arrangement_reverse", args=[arr.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("funds:allocation_create")).status_code == 403
    assert Arrangement.objects.count() == 1


def test_ledger_list_query_count(client, users, tree, django_assert_max_num_queries):
    from .helpers import allocation

    for _ in range(12):
        allocation(tree.county, users.county, "100")
    login(client, users.province)
    with django_assert_max_num_queries(8):
        resp = client.get(reverse("funds:ledger"))
    assert len(resp.context["page"]) == 12


def test_admin_shows_the_ledger_read_only(client, users, tree):
    p, a, arr = ledger(tree, users)
    login(client, users.admin)
    assert client.get(reverse("admin:funds_allocation_changelist")).status_code == 200
    resp = client.get(reverse("admin:funds_allocation_change", args=[a.pk]))
    assert resp.status_code == 200 and not resp.context["has_change_permission"]
    resp = client.post(reverse("admin:funds_allocation_change", args=[a.pk]), {"amount": "1", "note": "x"})
    assert resp.status_code == 403
    assert client.post(reverse("admin:funds_allocation_delete", args=[a.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:funds_disbursement_add")).status_code == 403
    assert Allocation.objects.get(pk=a.pk).amount == Decimal("1000.00")
