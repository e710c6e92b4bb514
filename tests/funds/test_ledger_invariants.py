"""§11 invariants: disbursed ≤ arranged ≤ allocated, positive amounts, reversals, overrides."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.models import AuditLog
from assistance.models import AssistanceRecord
from funds import services as fs
from funds.choices import EntryKind, Payee
from funds.models import Allocation, Arrangement, Disbursement, PostedEntryError
from funds.selectors import fund_progress
from households import choices as hc
from households.models import Household, Member

from .helpers import DAY, allocation, ledger, project


def codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


def test_arrangement_over_the_allocation_is_refused_and_nothing_changes(tree, users):
    p, a, arr = ledger(tree, users, allocated="1000.00", arranged="600.00")
    with pytest.raises(ValidationError) as e:
        fs.arrangement_create(user=users.county, allocation=a, project=p, amount="400.01", date=DAY)
    assert codes(e.value, "amount") == ["over_allocated"]
    assert Arrangement.objects.count() == 1
    fs.arrangement_create(user=users.county, allocation=a, project=p, amount="400.00", date=DAY)


def test_disbursement_over_the_arrangement_is_refused(tree, users):
    p, a, arr = ledger(tree, users, arranged="600.00")
    fs.disbursement_create(user=users.county, arrangement=arr, amount="500", date=DAY)
    with pytest.raises(ValidationError) as e:
        fs.disbursement_create(user=users.county, arrangement=arr, amount="100.01", date=DAY)
    assert codes(e.value, "amount") == ["over_arranged"]
    assert Disbursement.objects.count() == 1


@pytest.mark.parametrize("bad", ["-5", "0", "abc", "1.001", "NaN"])
def test_bad_amounts_are_refused_with_a_field_error(tree, users, bad):
    with pytest.raises(ValidationError) as e:
        allocation(tree.county, users.county, bad)
    assert "amount" in e.value.error_dict
    assert Allocation.objects.count() == 0


def test_the_database_refuses_a_negative_amount(tree, users):
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(
            source="central", county=tree.county, document_number="x", amount=Decimal("-1"), date=DAY, year=2019
        )


def test_posted_entries_cannot_be_edited_or_deleted(tree, users):
    p, a, arr = ledger(tree, users)
    a.note = "changed"
    with pytest.raises(PostedEntryError):
        a.save()
    with pytest.raises(PostedEntryError):
        a.delete()
    with pytest.raises(PostedEntryError):
        Arrangement.objects.filter(pk=arr.pk).update(amount=Decimal("1"))
    with pytest.raises(PostedEntryError):
        Arrangement.objects.all().delete()
    assert Allocation.objects.get(pk=a.pk).note == ""


def test_reversal_keeps_the_ledger_balanced(tree, users):
    p, a, arr = ledger(tree, users, allocated="1000.00", arranged="600.00")
    d = fs.disbursement_create(user=users.county, arrangement=arr, amount="600", date=DAY)
    with pytest.raises(ValidationError):
        fs.arrangement_reverse(user=users.county, arrangement=arr, reason="wrong")
    r = fs.disbursement_reverse(user=users.county, disbursement=d, reason="returned by the bank")
    assert r.kind == EntryKind.REVERSAL and r.reverses_id == d.pk and r.amount == d.amount
    with pytest.raises(ValidationError):
        fs.disbursement_reverse(user=users.county, disbursement=d, reason="again")
    with pytest.raises(ValidationError):
        fs.disbursement_reverse(user=users.county, disbursement=r, reason="reverse the reversal")
    # The reversed payment frees its amount again.
    fs.disbursement_create(user=users.county, arrangement=arr, amount="600", date=DAY)
    [row] = fund_progress(users.county)
    assert (row["allocated"], row["arranged"], row["disbursed"]) == (Decimal("1000"), Decimal("600"), Decimal("600"))
    assert row["progress"] == Decimal("60.00")


def test_an_allocation_in_use_cannot_be_reversed_until_its_arrangements_are(tree, users):
    p, a, arr = ledger(tree, users)
    with pytest.raises(ValidationError):
        fs.allocation_reverse(user=users.county, allocation=a, reason="wrong document")
    fs.arrangement_reverse(user=users.county, arrangement=arr, reason="wrong project")
    fs.allocation_reverse(user=users.county, allocation=a, reason="wrong document")
    [row] = fund_progress(users.province)
    assert row["allocated"] == row["arranged"] == row["disbursed"] == 0
    with pytest.raises(ValidationError):
        fs.arrangement_create(user=users.county, allocation=a, project=p, amount="1", date=DAY)


def _close(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(status=hc.Status.CLOSED)
    household.refresh_from_db()


def test_payment_to_a_closed_household_needs_an_audited_override(tree, users, homes):
    p, a, arr = ledger(tree, users)
    _close(homes.a)
    kwargs = dict(user=users.county, arrangement=arr, amount="100", date=DAY, payee=Payee.HOUSEHOLD, household=homes.a)
    with pytest.raises(ValidationError) as e:
        fs.disbursement_create(**kwargs)
    assert codes(e.value, "household") == ["needs_override"]
    with pytest.raises(ValidationError) as e:
        fs.disbursement_create(**kwargs, override=True)
    assert "override_reason" in e.value.error_dict
    assert Disbursement.objects.count() == 0
    before = AuditLog.objects.count()
    d = fs.disbursement_create(**kwargs, override=True, override_reason="back pay before closure")
    assert d.override
    log = AuditLog.objects.order_by("-id").first()
    # The override with the checks it overrode, after the entry of the new row itself (accounts.audit).
    assert AuditLog.objects.count() == before + 2 and log.object_type == "disbursement" and log.detail["override"]


def test_payment_to_a_deceased_member_needs_an_override(tree, users, homes):
    p, a, arr = ledger(tree, users)
    member = homes.a.members.first()
    Member.objects.filter(pk=member.pk).update(departure=hc.Departure.DECEASED, departed_on=DAY)
    member.refresh_from_db()
    kwargs = dict(
        user=users.county,
        arrangement=arr,
        amount="100",
        date=DAY,
        payee=Payee.HOUSEHOLD,
        household=homes.a,
        member=member,
    )
    with pytest.raises(ValidationError) as e:
        fs.disbursement_create(**kwargs)
    assert codes(e.value, "member") == ["needs_override"]
    fs.disbursement_create(**kwargs, override=True, override_reason="funeral subsidy")


def test_household_subsidy_records_the_assistance(tree, users, homes):
    p, a, arr = ledger(tree, users)
    d = fs.disbursement_create(
        user=users.county,
        arrangement=arr,
        amount="300",
        date=DAY,
        payee=Payee.HOUSEHOLD,
        household=homes.a,
        category="industry",
        record_assistance=True,
    )
    rec = AssistanceRecord.objects.get(disbursement=d)
    assert (rec.household, rec.amount, rec.project, rec.category) == (homes.a, Decimal("300"), p, "industry")


def test_household_of_another_county_cannot_be_paid(tree, users, homes):
    p, a, arr = ledger(tree, users)
    with pytest.raises(ValidationError) as e:
        fs.disbursement_create(
            user=users.county, arrangement=arr, amount="1", date=DAY, payee=Payee.HOUSEHOLD, household=homes.d
        )
    assert "household" in e.value.error_dict


def test_only_the_county_official_of_the_county_posts(tree, users):
    p, a, arr = ledger(tree, users)
    for u in (users.county2, users.province, users.auditor, users.clerk_a):
        with pytest.raises(PermissionDenied):
            fs.disbursement_create(user=u, arrangement=arr, amount="1", date=DAY)
    with pytest.raises(PermissionDenied):
        allocation(tree.county, users.county2)


def test_arrangement_to_another_countys_project_is_refused(tree, users):
    other = project(tree.county2, users.county2)
    a = allocation(tree.county, users.county)
    with pytest.raises((ValidationError, PermissionDenied)):
        fs.arrangement_create(user=users.county, allocation=a, project=other, amount="1", date=DAY)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_itself_refuses_to_update_or_delete_a_posted_entry(tree, users):
    p, a, arr = ledger(tree, users)
    for sql in ("UPDATE funds_allocation SET amount = 1 WHERE id = %s", "DELETE FROM funds_arrangement WHERE id = %s"):
        pk = a.pk if "allocation" in sql else arr.pk
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [pk])
    assert Allocation.objects.get(pk=a.pk).amount == Decimal("1000.00")


def test_funds_go_only_to_approved_projects(tree, users):
    p = project(tree.county, users.county, approved=False)
    a = allocation(tree.county, users.county)
    with pytest.raises(ValidationError) as e:
        fs.arrangement_create(user=users.county, allocation=a, project=p, amount="1", date=DAY)
    assert codes(e.value, "project") == ["status"]
