"""Region pages (§2): attributes, yearly figures, child regions with their household counts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import helper_q, may_record_region_figures, region_for, scope_of, visible_ancestors
from accounts.models import User
from accounts.typing import AuthenticatedHttpRequest
from povertymgmt.dates import POLICY_FIRST_YEAR, policy_last_year
from villages.models import Level, Region, RegionYear
from villages.working_year import working_year

from .. import choices as c
from ..selectors import households_for_aggregates, households_in_region, with_head_and_size
from .forms import INDICATORS, RegionYearForm

# The household column that names each child of a region, so one GROUP BY counts every child (§2).
CHILD_KEY = {
    Level.PROVINCE: "county__parent_id",  # cities
    Level.CITY: "county_id",  # counties
    Level.COUNTY: "village__parent_id",  # townships
    Level.TOWNSHIP: "village_id",  # villages
}
VILLAGE_PREVIEW = 20


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if scope is None:
        raise Http404
    return redirect("regions:detail", code=scope.code)


def child_counts(user, region: Region) -> dict[int, dict]:
    """Households by status and current members for each child region (§1 scope), in two aggregate
    queries: households from the household table alone, people through the members.

    One query with COUNT(DISTINCT household) over the join sorts every group: the province page took
    3.2–3.8 s at 1,000,000 households. Without DISTINCT PostgreSQL hashes: at 200,000 households the
    province's counts took 0.28 s instead of 0.58–0.73 s, with the same figures (measured)."""
    key = CHILD_KEY.get(Level(region.level))
    if key is None:
        return {}
    households = households_in_region(households_for_aggregates(user), region).order_by().values(key, "status")
    counts: dict[int, dict] = {}
    for row in households.annotate(n=Count("id")):
        child = counts.setdefault(row[key], empty_counts())
        child[row["status"]] = row["n"]
        child["total"] += row["n"]
    for row in households.annotate(n=Count("members", filter=Q(members__departure=""))):
        counts.setdefault(row[key], empty_counts())["people"] += row["n"]
    return counts


def own_counts(user: User, region: Region) -> dict:
    """A village's own households by status and its people: the totals of a region without children."""
    households = households_in_region(households_for_aggregates(user), region).order_by()
    counts = empty_counts()
    for row in households.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
        counts["total"] += row["n"]
    counts["people"] = households.aggregate(n=Count("members", filter=Q(members__departure="")))["n"] or 0
    return counts


def empty_counts() -> dict:
    return {"total": 0, "people": 0, **{s.value: 0 for s in c.Status}}


@login_required
def region_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    region = region_for(user, code)
    counts = child_counts(user, region)
    children = list(region.children.order_by("code"))
    empty = empty_counts()
    rows = [(child, counts.get(child.pk, empty)) for child in children]
    totals = {k: sum(r[k] for _child, r in rows) for k in empty} if children else own_counts(user, region)
    years = list(region.years.order_by("-year")[:10])
    households = None
    if region.level == Level.VILLAGE:
        households = with_head_and_size(households_in_region(households_for_aggregates(user), region).order_by("id"))[
            :VILLAGE_PREVIEW
        ]
    context = {
        "region": region,
        "latest": years[0] if years else None,
        "years": years,
        "indicators": INDICATORS,
        "rows": rows,
        "totals": totals,
        "statuses": c.Status.choices,
        "households": households,
        "can_edit": may_record_region_figures(user, region),
        "sees_helpers": helper_q(user) is not None,  # the helper list of the county (issue 14)
        "this_year": working_year(),  # the figures province staff need now are the working year's (§5.3)
        "breadcrumb": visible_ancestors(user, region),
    }
    return render(request, "regions/region_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def region_year_edit(request: AuthenticatedHttpRequest, code: str, year: int) -> HttpResponse:
    """County officials record a region's yearly figures (§2); anyone else gets 404 (§1)."""
    region = region_for(request.user, code)
    if not may_record_region_figures(request.user, region) or not POLICY_FIRST_YEAR <= year <= policy_last_year():
        raise Http404
    instance = RegionYear.objects.filter(region=region, year=year).first() or RegionYear(region=region, year=year)
    form = RegionYearForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        figures = form.save(commit=False)
        figures.created_by = figures.created_by or request.user
        figures.save()  # plain CRUD of one row: no service needed (style.md)
        messages.success(request, _("The figures of %(year)s were saved.") % {"year": year})
        return redirect("regions:detail", code=region.code)
    context = {
        "region": region,
        "year": year,
        "form": form,
        "breadcrumb": visible_ancestors(request.user, region),
        "breadcrumb_link_last": True,
    }
    return render(request, "regions/regionyear_form.html", context)
