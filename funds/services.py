"""Writes of the fund ledger (§11). Every invariant is checked inside the transaction that posts, after
locking the parent row (select_for_update), so concurrent requests against one allocation or arrangement
run one after the other and cannot together exceed it."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record
from assistance.models import AssistanceRecord
from households import choices as hc
from households.models import Household, Member
from povertymgmt.dates import check_policy_dates
from povertymgmt.errors import invalid
from projects.choices import AssistanceCategory, FundSource, ProjectStatus
from projects.models import Project
from projects.services import project_require_manager
from villages.models import Level, Region

from .choices import EntryKind, Payee
from .models import Allocation, Arrangement, Disbursement

CENT = Decimal("0.01")
# Projects that may receive funds: approved and not yet closed (§10).
FUNDABLE = {ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED}


def money(value, field: str = "amount") -> Decimal:
    """A positive amount in yuan with two decimals; anything else is refused with a field error."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise invalid(field, _("Enter an amount in yuan."), "invalid") from None
    if not amount.is_finite():
        raise invalid(field, _("Enter an amount in yuan."), "invalid")
    if amount <= 0:
        raise invalid(field, _("The amount must be greater than zero."), "not_positive")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise invalid(field, _("Amounts have at most two decimal places."), "precision")
    if amount >= Decimal("1e12"):
        raise invalid(field, _("The amount is too large."), "too_large")
    return amount


def _net(qs: QuerySet) -> Decimal:
    return qs.aggregate(s=Sum("signed_amount"))["s"] or Decimal("0")


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def _require_original(entry) -> None:
    if entry.kind != EntryKind.NORMAL:
        raise ValidationError(_("A reversal entry cannot itself be used or reversed."), code="is_reversal")
    if type(entry).objects.filter(reverses=entry.pk).exists():
        raise ValidationError(_("This entry has already been reversed."), code="already_reversed")


@transaction.atomic
def allocation_create(
    *,
    user: User,
    source: str,
    county: Region,
    document_number: str,
    amount,
    date: dt.date,
    year: int | None = None,
    note: str = "",
) -> Allocation:
    """Record funds issued by a source to a county (§11)."""
    if county.level != Level.COUNTY:
        raise invalid("county", _("Funds are allocated to a county."))
    project_require_manager(user, county)
    if source not in FundSource.values:
        raise invalid("source", _("Choose a fund source."))
    if not (document_number or "").strip():
        raise invalid("document_number", _("Enter the document number."), "required")
    check_policy_dates(date=date, year=year or date.year)
    return Allocation.objects.create(
        source=source,
        county=county,
        document_number=document_number.strip(),
        amount=money(amount),
        date=date,
        year=year or date.year,
        note=note,
        created_by=user,
    )


@transaction.atomic
def allocation_reverse(*, user: User, allocation: Allocation, reason: str, date: dt.date | None = None) -> Allocation:
    """Reverse an allocation; only possible while nothing of it is arranged (arranged ≤ allocated)."""
    project_require_manager(user, allocation.county)
    original = _lock(Allocation, allocation.pk)
    _require_original(original)
    _require_reason(reason)
    if _net(Arrangement.objects.filter(allocation=original)) > 0:
        raise ValidationError(_("Reverse the arrangements made from this allocation first."), code="in_use")
    return Allocation.objects.create(
        kind=EntryKind.REVERSAL,
        reverses=original,
        source=original.source,
        county_id=original.county_id,
        document_number=original.document_number,
        amount=original.amount,
        date=date or timezone.localdate(),
        year=original.year,
        note=reason.strip(),
        created_by=user,
    )


@transaction.atomic
def arrangement_create(
    *,
    user: User,
    allocation: Allocation,
    project: Project,
    amount,
    date: dt.date,
    document_number: str = "",
    note: str = "",
) -> Arrangement:
    """Arrange allocated funds of a county to one of its projects; arranged ≤ allocated (§11)."""
    project_require_manager(user, allocation.county)
    amount = money(amount)
    check_policy_dates(date=date)
    parent = _lock(Allocation, allocation.pk)
    _require_original(parent)
    project = Project.objects.get(pk=project.pk)  # its current status, not the caller's copy
    if project.county_id != parent.county_id:
        raise invalid("project", _("The project must belong to the allocation's county."))
    if project.status not in FUNDABLE:
        raise invalid("project", _("Funds can be arranged only to approved projects."), "status")
    available = parent.amount - _net(Arrangement.objects.filter(allocation=parent))
    if amount > available:
        raise invalid(
            "amount",
            _("Only %(available)s yuan of this allocation is not yet arranged.") % {"available": available},
            "over_allocated",
        )
    return Arrangement.objects.create(
        allocation=parent,
        project=project,
        amount=amount,
        date=date,
        document_number=document_number,
        note=note,
        created_by=user,
    )


@transaction.atomic
def arrangement_reverse(
    *, user: User, arrangement: Arrangement, reason: str, date: dt.date | None = None
) -> Arrangement:
    """Reverse an arrangement; only possible while nothing of it is disbursed (disbursed ≤ arranged)."""
    project_require_manager(user, arrangement.allocation.county)
    _lock(Allocation, arrangement.allocation_id)  # same lock order as arrangement_create
    original = _lock(Arrangement, arrangement.pk)
    _require_original(original)
    _require_reason(reason)
    if _net(Disbursement.objects.filter(arrangement=original)) > 0:
        raise ValidationError(_("Reverse the disbursements made from this arrangement first."), code="in_use")
    return Arrangement.objects.create(
        kind=EntryKind.REVERSAL,
        reverses=original,
        allocation_id=original.allocation_id,
        project_id=original.project_id,
        amount=original.amount,
        date=date or timezone.localdate(),
        document_number=original.document_number,
        note=reason.strip(),
        created_by=user,
    )


def _check_household_payee(
    *,
    user: User,
    arrangement: Arrangement,
    household: Household | None,
    member: Member | None,
    override: bool,
    override_reason: str,
) -> list[str]:
    """§11: a household payee lives in the county; closed households and deceased members need an override."""
    if household is None:
        raise invalid("household", _("Choose the household to pay."), "required")
    # Re-read inside the transaction: a closure or a death recorded a moment ago must count.
    household = Household.objects.get(pk=household.pk)
    member = Member.objects.get(pk=member.pk) if member is not None else None
    if household.county_id != arrangement.allocation.county_id:
        raise invalid("household", _("The household must live in the county of the funds."))
    if member is not None and member.household_id != household.pk:
        raise invalid("member", _("The member must belong to the household."))
    flags = []
    if household.status == hc.Status.CLOSED:
        flags.append("closed_household")
    if member is not None and member.departure == hc.Departure.DECEASED:
        flags.append("deceased_member")
    if flags and not override:
        field = "household" if "closed_household" in flags else "member"
        raise invalid(
            field, _("Payment to a closed household or a deceased member needs an explicit override."), "needs_override"
        )
    if override and not (override_reason or "").strip():
        raise invalid("override_reason", _("Give the reason for the override."), "required")
    return flags


@transaction.atomic
def disbursement_create(
    *,
    user: User,
    arrangement: Arrangement,
    amount,
    date: dt.date,
    payee: str = Payee.UNIT,
    payee_unit: str = "",
    household: Household | None = None,
    member: Member | None = None,
    category: str = "",
    voucher: str = "",
    override: bool = False,
    override_reason: str = "",
    note: str = "",
    record_assistance: bool = False,
    assistance_content: str = "",
) -> Disbursement:
    """Pay from an arrangement to the implementing unit or to a household; disbursed ≤ arranged (§11).
    A household payment may also record the assistance the household received (§4)."""
    project_require_manager(user, arrangement.allocation.county)
    amount = money(amount)
    check_policy_dates(date=date)
    parent = _lock(Arrangement, arrangement.pk)
    _require_original(parent)
    flags: list[str] = []
    if payee == Payee.HOUSEHOLD:
        flags = _check_household_payee(
            user=user,
            arrangement=arrangement,
            household=household,
            member=member,
            override=override,
            override_reason=override_reason,
        )
    elif payee == Payee.UNIT:
        household = member = None
        if not (payee_unit or "").strip():
            payee_unit = parent.project.implementing_unit
    else:
        raise invalid("payee", _("Choose who is paid."))
    if category and category not in AssistanceCategory.values:
        raise invalid("category", _("Choose a category."))
    available = parent.amount - _net(Disbursement.objects.filter(arrangement=parent))
    if amount > available:
        raise invalid(
            "amount",
            _("Only %(available)s yuan of this arrangement is not yet disbursed.") % {"available": available},
            "over_arranged",
        )
    entry = Disbursement.objects.create(
        arrangement=parent,
        amount=amount,
        date=date,
        payee=payee,
        payee_unit=payee_unit.strip(),
        household=household,
        member=member,
        category=category,
        voucher=voucher,
        override=bool(override),
        override_reason=override_reason.strip() if override else "",
        note=note,
        created_by=user,
    )
    if override:
        audit_record(
            user=user,
            action="change",
            object_type="disbursement",
            object_id=entry.pk,
            override=True,
            reason=entry.override_reason,
            flags=flags,
            household=household.number if household else "",
            amount=str(amount),
        )
    if record_assistance and household is not None:
        project = parent.project
        AssistanceRecord.objects.create(
            household=household,
            member=member,
            category=category or (project.category if project.category in AssistanceCategory.values else ""),
            date=date,
            content=assistance_content or project.name,
            amount=amount,
            project=project,
            disbursement=entry,
            created_by=user,
        )
    return entry


@transaction.atomic
def disbursement_reverse(
    *, user: User, disbursement: Disbursement, reason: str, date: dt.date | None = None
) -> Disbursement:
    """Reverse a payment (returned or wrong): a reversal entry of the same amount (§11)."""
    project_require_manager(user, disbursement.arrangement.allocation.county)
    _lock(Arrangement, disbursement.arrangement_id)
    original = _lock(Disbursement, disbursement.pk)
    _require_original(original)
    _require_reason(reason)
    return Disbursement.objects.create(
        kind=EntryKind.REVERSAL,
        reverses=original,
        arrangement_id=original.arrangement_id,
        amount=original.amount,
        date=date or timezone.localdate(),
        payee=original.payee,
        payee_unit=original.payee_unit,
        household_id=original.household_id,
        member_id=original.member_id,
        category=original.category,
        voucher=original.voucher,
        note=reason.strip(),
        created_by=user,
        override=original.override,
        override_reason=original.override_reason,
    )


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise invalid("reason", _("Give the reason for the reversal."), "required")
