"""Scoped reads of the project library (§1, §10): a record is visible when its county lies in the user's scope."""

from django.db.models import DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.access import regions_for, scope_of
from accounts.models import Role, User
from villages.models import Level, Region

from .choices import ProjectStatus
from .models import Project, ProjectBudget

# Statuses shown on the public notice pages (§12): a reserve project is not yet public.
PUBLIC_STATUSES = [
    ProjectStatus.APPROVED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
    ProjectStatus.ACCEPTED,
]


def county_scope_q(user: User, field: str = "county") -> Q | None:
    """Records whose county (through `field`) lies inside the user's scope; None means nothing."""
    scope = scope_of(user)
    if scope is None or user.role == Role.HELPER:
        return None
    return Q(**{f"{field}__code__startswith": scope.prefix})


def county_list_for(user: User) -> QuerySet[Region]:
    """Counties whose projects and funds the user sees."""
    return regions_for(user).filter(level=Level.COUNTY)


def can_manage_county(user: User, county: Region) -> bool:
    """§10, §11: county officials run their county's project library and fund ledger; others read only."""
    scope = scope_of(user)
    return (
        scope is not None
        and user.role == Role.COUNTY_OFFICIAL
        and county.level == Level.COUNTY
        and scope.contains(county)
    )


def project_list_for(user: User) -> QuerySet[Project]:
    q = county_scope_q(user)
    if q is None:
        return Project.objects.none()
    return Project.objects.filter(q)


def project_get_for(user: User, pk: int) -> Project:
    try:
        return project_list_for(user).select_related("county").get(pk=pk)
    except (Project.DoesNotExist, ValueError):
        raise Http404 from None


def project_filter(qs: QuerySet[Project], *, county: str = "", category: str = "", status: str = "", year=None):
    if county:
        qs = qs.filter(county__code=county)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    return qs


def with_budget_and_funds(qs: QuerySet[Project]) -> QuerySet[Project]:
    """Budget total, arranged and disbursed amounts per project, as aggregate subqueries (no N+1)."""
    from funds.selectors import arranged_subquery, disbursed_subquery

    budget = (
        ProjectBudget.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    zero = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))
    return qs.annotate(
        budget_total=Coalesce(Subquery(budget), zero),
        arranged_total=Coalesce(arranged_subquery(), zero),
        disbursed_total=Coalesce(disbursed_subquery(), zero),
    )


def project_detail(user: User, pk: int) -> Project:
    qs = (
        project_list_for(user)
        .select_related("county")
        .prefetch_related(
            "villages",
            Prefetch("budgets"),
            "targets",
            "status_changes__by",
            "notices",
        )
    )
    try:
        return with_budget_and_funds(qs).get(pk=pk)
    except (Project.DoesNotExist, ValueError):
        raise Http404 from None


def public_projects(county: Region) -> QuerySet[Project]:
    """§12: the projects of a county that are public; no personal data is selected."""
    return with_budget_and_funds(
        Project.objects.filter(county=county, status__in=PUBLIC_STATUSES).prefetch_related("villages", "notices")
    )


def managed_counties(user: User) -> QuerySet[Region]:
    """The counties whose projects and funds the user may change (a county official's own county)."""
    if user.role != Role.COUNTY_OFFICIAL:
        return Region.objects.none()
    return county_list_for(user)
