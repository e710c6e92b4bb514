"""Writes of assistance (§4): records, small loans and visits of households in the user's scope."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from households.models import Household, Member
from households.selectors import household_list_for
from povertymgmt.dates import check_policy_dates
from povertymgmt.errors import invalid

from .models import AssistanceRecord, SmallLoan, Visit, VisitPhoto


def can_record_assistance(user: User, household: Household, *, scoped: bool = False) -> bool:
    """Clerks, helpers, township and county officials record for households in their scope (§1, §4).
    `scoped`: the caller read `household` through the user's scope (households.selectors.household_get_for),
    so only the role is left to ask."""
    if not access.may_record_assistance(user):
        return False
    return scoped or household_list_for(user).filter(pk=household.pk).exists()


def _require(user: User, household: Household, member: Member | None) -> None:
    if not can_record_assistance(user, household):
        raise PermissionDenied(_("You cannot record assistance for this household."))
    if member is not None and member.household_id != household.pk:
        raise invalid("member", _("The member must belong to the household."))


@transaction.atomic
def assistance_record_create(*, user: User, record: AssistanceRecord) -> AssistanceRecord:
    """§4: one measure a household received."""
    _require(user, record.household, record.member)
    record.created_by = user
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def small_loan_save(*, user: User, loan: SmallLoan) -> SmallLoan:
    """§4: a small poverty loan; its status follows from the dates."""
    _require(user, loan.household, loan.member)
    if loan.pk is None:
        loan.created_by = user
    loan.full_clean()
    if loan.due_on <= loan.issued_on:
        raise invalid("due_on", _("The due date must be after the issue date."))
    if loan.extended_to is not None and loan.extended_to <= loan.due_on:
        raise invalid("extended_to", _("An extension must end after the due date."))
    loan.save()
    return loan


@transaction.atomic
def visit_create(
    *, user: User, household: Household, visited_on: dt.date, findings: str, photos: Iterable = ()
) -> Visit:
    """§4: a home visit; a helper's own visits are linked to their helper record."""
    _require(user, household, None)
    if visited_on > timezone.localdate():
        raise invalid("visited_on", _("A visit cannot be in the future."))
    check_policy_dates(visited_on=visited_on)
    if not (findings or "").strip():
        raise invalid("findings", _("Write down what you found."), "required")
    helper = getattr(user, "helper_profile", None)
    visit = Visit.objects.create(
        household=household,
        helper=helper,
        visitor=user,
        visited_on=visited_on,
        findings=findings.strip(),
        created_by=user,
    )
    for f in photos:
        photo = VisitPhoto(visit=visit, file=f)
        photo.full_clean()
        photo.save()
    return visit
