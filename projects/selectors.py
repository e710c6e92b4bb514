"""Scoped reads of the project library (§1, §10): a record is visible when its county lies in the user's scope."""

from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts import access
from accounts.models import User
from villages.models import Level, Region

from .choices import ProjectStatus
from .figures import with_registered_figures
from .models import Project, ProjectBudget

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a development dependency: for mypy only


class ProjectTotals(TypedDict):
    """The totals with_totals annotates on each project (§10, §11)."""

    budget_total: Decimal
    arranged_total: Decimal  # registered by funds through projects.figures
    disbursed_total: Decimal  # likewise


# Statuses shown on the public notice pages (§12): a reserve project is not yet public.
PUBLIC_STATUSES = [
    ProjectStatus.APPROVED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
    ProjectStatus.ACCEPTED,
]


def county_list_for(user: User) -> QuerySet[Region]:
    """Counties whose projects and funds the user sees."""
    return access.regions_for(user).filter(level=Level.COUNTY)


def project_list_for(user: User) -> QuerySet[Project]:
    return access.scoped(Project.objects.all(), user, "county")


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


def with_totals(qs: QuerySet[Project]) -> QuerySet[Project]:
    """Each project's budget total and the figures the apps above add (projects.figures: funds adds the
    arranged and disbursed totals, §11), as aggregate subqueries (no N+1)."""
    budget = (
        ProjectBudget.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    zero = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))
    return with_registered_figures(qs.annotate(budget_total=Coalesce(Subquery(budget), zero)))


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
        return with_totals(qs).get(pk=pk)
    except (Project.DoesNotExist, ValueError):
        raise Http404 from None


def public_projects(county: Region) -> "QuerySet[WithAnnotations[Project, ProjectTotals]]":
    """§12: the projects of a county that are public, with their totals; no personal data is selected."""
    qs = with_totals(
        Project.objects.filter(county=county, status__in=PUBLIC_STATUSES).prefetch_related("villages", "notices")
    )
    # The arranged and disbursed totals come from the figures funds registers (projects.figures) at start-up,
    # which mypy cannot follow.
    return cast("QuerySet[WithAnnotations[Project, ProjectTotals]]", qs)


def managed_counties(user: User) -> QuerySet[Region]:
    """The counties whose projects and funds the user may change: the county of their scope, when
    access.may_manage_county lets them run it (§10, §11)."""
    scope = access.scope_of(user)
    if scope is None or not access.may_manage_county(user, scope):
        return Region.objects.none()
    return county_list_for(user)
