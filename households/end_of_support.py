"""The end of policy support (§3.1, issue 14): the county official sets exited households of their county
(已脱贫（享受政策）, `exited`) to "exited, no longer under policy" (已脱贫（不再享受政策）, `exited_no_policy`)
with a reason (docs/lifecycle-closing.md).

All the chosen households change in one transaction and set-based: one UPDATE of the households with
their history rows (django-simple-history), one INSERT of their status events, one INSERT of their audit
entries. Bulk writes send no signals, so accounts.audit writes nothing by itself: the entries are written
here, one per household in the tracked form (status old → new, the reason), so the household page's
change history and the auditors read them as any other change (§9). The exit year stays: this is no new
exit (households.services.household_status_change treats the change the same way).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts import access
from accounts.models import AuditAction, AuditLog, User
from povertymgmt.errors import invalid
from villages.models import Region
from villages.working_year import working_year

from . import choices as c
from .models import Household, Member, StatusEvent
from .selectors import households_in_region
from .tallies import tally_refresh

REASON_MAX = 500  # StatusEvent.reason
HISTORY_REASON_MAX = 100  # django-simple-history's change reason


def exited_in_county(
    county: Region, *, region: Region | None = None, exit_year: int | None = None
) -> QuerySet[Household]:
    """The county's households exited and still under policy; `region`: a township or village of it."""
    qs = Household.objects.filter(county=county, status=c.Status.EXITED)
    if region is not None:
        qs = households_in_region(qs, region)
    if exit_year is not None:
        qs = qs.filter(exit_year=exit_year)
    return qs


@transaction.atomic
def end_support(
    *, user: User, county: Region, household_ids: list[int], reason: str, date: dt.date | None = None
) -> int:
    """Set the chosen exited households of `county` to exited_no_policy; return how many. All or nothing:
    a household that is not (or no longer) exited and under policy in the county refuses the whole set."""
    if not access.may_end_support(user, county):
        raise PermissionDenied(_("Only the county official ends the policy support of the county's households."))
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("Give the reason why the support ends."), "required")
    if len(reason) > REASON_MAX:
        raise invalid("reason", _("Say the reason in at most %(n)d characters.") % {"n": REASON_MAX}, "too_long")
    ids = sorted(set(household_ids))
    if not ids:
        raise invalid("households", _("Choose at least one household."), "required")
    households = list(Household.objects.select_for_update().filter(pk__in=ids, county=county).order_by("id"))
    not_fitting = [h.number for h in households if h.status != c.Status.EXITED]
    if len(households) != len(ids) or not_fitting:
        raise ValidationError(
            _(
                "Only households exited and still under policy in the county can end their support; "
                "%(numbers)s is not. Nothing was changed."
            )
            % {"numbers": "、".join(not_fitting) or _("one of the chosen households")},
            code="status",
        )
    date = date or timezone.localdate()
    year = working_year()
    people = dict(
        Member.objects.filter(household_id__in=ids, departure="")
        .order_by()
        .values_list("household_id")
        .annotate(n=Count("id"))
    )
    now = timezone.now()
    for h in households:  # the new values in memory; written below in one statement
        h.status, h.updated_at = c.Status.EXITED_NO_POLICY, now
    bulk_update_with_history(
        households,
        Household,
        ["status", "updated_at"],
        default_user=user,
        default_change_reason=reason[:HISTORY_REASON_MAX],
    )
    StatusEvent.objects.bulk_create(
        StatusEvent(
            household=h,
            from_status=c.Status.EXITED,
            to_status=c.Status.EXITED_NO_POLICY,
            date=date,
            reason=reason,
            year=year,
            people=people.get(h.pk, 0),
            created_by=user,
        )
        for h in households
    )
    tally_refresh({h.village_id for h in households})  # the bulk update sends no signal
    AuditLog.objects.bulk_create(
        AuditLog(
            user=user,
            action=AuditAction.CHANGE,
            object_type="household",
            object_id=str(h.pk),
            object_repr=h.number,
            region_id=h.village_id,
            detail={"changes": {"status": [c.Status.EXITED.value, c.Status.EXITED_NO_POLICY.value]}, "reason": reason},
        )
        for h in households
    )
    return len(households)
