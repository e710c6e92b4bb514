"""Scoped reads of cases (§1, §6): the list and detail of the UI and the API, and the inbox."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from households.selectors import household_list_for
from monitoring.models import AlertState
from monitoring.selectors import alert_list_for
from monitoring.services import DISMISSING_ROLES
from villages.selectors import region_list_for, scope_region

from . import definitions as d
from .models import Case


def case_list_for(user: User) -> QuerySet[Case]:
    """Household cases of the households the user sees; region cases of the regions in the scope."""
    if scope_region(user) is None:
        return Case.objects.none()
    q = Q(household__in=household_list_for(user))
    if user.role != Role.HELPER:
        q |= Q(household__isnull=True, region__in=region_list_for(user))
    return Case.objects.filter(q)


def case_get_for(user: User, pk: int) -> Case:
    try:
        return (
            case_list_for(user)
            .select_related("household__village__parent", "household__county", "region", "opened_by")
            .get(pk=pk)
        )
    except Case.DoesNotExist:
        raise Http404 from None


def case_rows(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("household", "region", "opened_by")


def inbox_q(user: User) -> Q | None:
    """The cases waiting for this user's role at this scope level (§1 inbox 待我处理), and for clerks
    the cases sent back to them."""
    scope = scope_region(user)
    if scope is None:
        return None
    pairs = d.waiting_pairs(user.role, scope.level)
    if not pairs:
        return None
    q = Q()
    for case_type in {t for t, _ in pairs}:
        q |= Q(case_type=case_type, state__in=[s for t, s in pairs if t == case_type])
    return q


def inbox_for(user: User) -> QuerySet[Case]:
    """Oldest first: what has waited longest comes first."""
    q = inbox_q(user)
    if q is None:
        return Case.objects.none()
    return case_list_for(user).filter(q).order_by("state_since", "id")


def inbox_counts(user: User) -> dict[str, int]:
    """Counts per case type (one query) plus the open monitoring alerts a clerk or township decides."""
    counts = dict(inbox_for(user).order_by().values_list("case_type").annotate(n=Count("id")))
    if user.role in DISMISSING_ROLES:
        counts["alerts"] = alert_list_for(user, state=AlertState.OPEN).count()
    return counts


def inbox_total(user: User) -> int:
    return sum(inbox_counts(user).values())


def announced_cases() -> QuerySet[Case]:
    """Public disclosure (§12): announced exits, for pages without login."""
    return Case.objects.filter(
        case_type__in=(d.CaseType.HOUSEHOLD_EXIT, d.CaseType.VILLAGE_EXIT, d.CaseType.COUNTY_EXIT),
        state=d.State.ANNOUNCED,
    )
