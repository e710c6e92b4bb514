"""Scoped reads of cases (§1, §6): the list and detail of the UI and the API, and the inbox."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts import access
from accounts.models import User
from eligibility.models import HouseholdCheck, held_on
from households import choices as hc
from households.models import Household
from households.selectors import household_list_for
from monitoring.models import AlertState
from monitoring.selectors import alert_list_for
from villages.models import Level, Region, RegionIndicator
from villages.working_year import current_policy_date

from . import definitions as d
from .models import Case


def case_list_for(user: User) -> QuerySet[Case]:
    """Household cases of the households the user sees; region cases of the regions in the scope; a
    helper's, the cases of their paired households.

    A household case's region is its household's village, kept so when the household moves
    (workflows/case_region_sql.py), so for every role but the helper both kinds are the cases whose
    region lies in the scope: one index range (the inbox badge of a province with 500,000 cases,
    100 s → ms; tests/workflows/test_case_scope.py holds it equal to the households' scope)."""
    scope = access.scope_of(user)
    if scope is None:
        return Case.objects.none()
    if access.is_helper(user):
        return Case.objects.filter(household__in=household_list_for(user))
    return Case.objects.filter(access.region_q(scope, "region"))


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
    level = access.user_level(user)
    if level is None:
        return None
    pairs = d.waiting_pairs(user.role, level)
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
    if access.may_dismiss_alert(user):
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


def proposable_households(user: User, *, limit: int = 50) -> QuerySet:
    """§6.1 step 1 for the clerk: households of the scope that the nightly test of the working year, as
    of its policy date, marks eligible and that have no running exit case (one query; the check comes
    from the (household, since) index)."""
    if not d.HOUSEHOLD_EXIT.may_open(user):
        return Household.objects.none()
    year, day = current_policy_date()
    checks = HouseholdCheck.objects.filter(held_on(day), household=OuterRef("pk"), policy_year=year)
    latest = checks.order_by("-since")
    running = Case.objects.filter(household=OuterRef("pk"), case_type=d.CaseType.HOUSEHOLD_EXIT, closed_at__isnull=True)
    return (
        household_list_for(user)
        .filter(status__in=hc.POOR_STATUSES)
        .annotate(
            eligible_now=Subquery(latest.values("eligible")[:1]), eligible_since=Subquery(latest.values("since")[:1])
        )
        .filter(eligible_now=True)
        .exclude(Exists(running))
        .order_by("id")[:limit]
    )


def proposable_regions(user: User, *, limit: int = 50) -> list[tuple[str, Region]]:
    """§6.3: villages (for the township) or the county (for the county official) whose indicator snapshot
    of the working year (the latest up to its policy date, as `snapshots.region_snapshot` reads it)
    says eligible to exit and that have no running exit case."""
    if d.WORKFLOWS[d.CaseType.VILLAGE_EXIT].may_open(user):
        case_type, level = d.CaseType.VILLAGE_EXIT, Level.VILLAGE
    elif d.WORKFLOWS[d.CaseType.COUNTY_EXIT].may_open(user):
        case_type, level = d.CaseType.COUNTY_EXIT, Level.COUNTY
    else:
        return []
    year, day = current_policy_date()
    latest = RegionIndicator.objects.filter(region=OuterRef("pk"), year=year, as_of__lte=day).order_by("-as_of")
    done = Case.objects.filter(region=OuterRef("pk"), case_type=case_type).exclude(state=d.State.WITHDRAWN)
    regions = (
        access.regions_for(user)
        .filter(level=level, exit_year__isnull=True)  # an announced exit is final (§6.3)
        .annotate(eligible_now=Subquery(latest.values("exit_eligible")[:1]))
        .filter(eligible_now=True)
        .exclude(Exists(done))
        .order_by("code")[:limit]
    )
    return [(case_type, r) for r in regions]


# §7 monitoring objects: "current" (monitored, risk not removed since), "removed", or both.
MONITORING_OBJECT_STATUSES = ("current", "removed", "all")


def monitoring_objects_for(user: User, *, category: str = "", status: str = "current") -> QuerySet[Case]:
    """The monitoring cases that reached "monitored" in the user's scope (§7), each with the date its risk
    was removed (None while monitored): one row per monitoring, so a household monitored again after a
    removal shows both, and a removed one stays in the records."""
    removed = (
        Case.objects.filter(
            household=OuterRef("household"),
            case_type=d.CaseType.RISK_REMOVAL,
            state=d.State.REMOVED,
            closed_at__gte=OuterRef("closed_at"),
        )
        .order_by("closed_at")
        .values("closed_at")[:1]
    )
    qs = (
        case_list_for(user)
        .filter(case_type=d.CaseType.MONITORING, state=d.State.MONITORED)
        .annotate(removed_at=Subquery(removed))
    )
    if category:
        qs = qs.filter(category=category)
    if status == "current":
        qs = qs.filter(removed_at__isnull=True)
    elif status == "removed":
        qs = qs.filter(removed_at__isnull=False)
    return qs
