"""Region pages (§2): attributes, yearly figures, child regions with their household counts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import (
    helper_q,
    may_edit_region_flags,
    may_record_region_figures,
    region_for,
    scope_of,
    visible_ancestors,
)
from accounts.models import User
from accounts.typing import AuthenticatedHttpRequest
from povertymgmt.dates import POLICY_FIRST_YEAR, policy_last_year
from villages.flags import LEVEL_FLAGS, flags_for, region_flags_save, year_flags
from villages.models import Level, Region, RegionYear
from villages.working_year import working_year

from .. import choices as c
from ..selectors import households_for_aggregates, households_in_region, tallies_for, with_head_and_size
from .forms import INDICATORS, RegionFlagsForm, RegionYearForm
from .history import region_year_history

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
    tallies = tallies_for(user, region)
    if tallies is not None:  # the per-village tallies (issue 16): a few rows per village, no registry count
        counts: dict[int, dict] = {}
        for row in tallies.values(key, "status").annotate(n=Sum("households"), people=Sum("people")):
            _add_tally(counts.setdefault(row[key], empty_counts()), row)
        return counts
    households = households_in_region(households_for_aggregates(user), region).order_by().values(key, "status")
    counts = {}
    for row in households.annotate(n=Count("id")):
        _add(counts.setdefault(row[key], empty_counts()), row["status"], row["n"])
    for row in households.annotate(n=Count("members", filter=Q(members__departure=""))):
        if row["status"] not in c.UNIDENTIFIED_STATUSES:
            counts.setdefault(row[key], empty_counts())["people"] += row["n"]
    return counts


def _add(counts: dict, status: str, n: int) -> None:
    """Households and people are the registered (identified) ones; applicants and not-poor households are
    counted in their own columns only, and in `listed` (the household list's count) (§3.1, §5.3)."""
    counts[status] = n
    counts["listed"] += n
    if status not in c.UNIDENTIFIED_STATUSES:
        counts["total"] += n


def _add_tally(counts: dict, row: dict) -> None:
    """A tally row (status, households `n`, `people`) into `counts`: people of registered households only."""
    _add(counts, row["status"], row["n"])
    if row["status"] not in c.UNIDENTIFIED_STATUSES:
        counts["people"] += row["people"]


def own_counts(user: User, region: Region) -> dict:
    """A village's own households by status and its people: the totals of a region without children."""
    tallies = tallies_for(user, region)
    if tallies is not None:
        counts = empty_counts()
        for row in tallies.values("status").annotate(n=Sum("households"), people=Sum("people")):
            _add_tally(counts, row)
        return counts
    households = households_in_region(households_for_aggregates(user), region).order_by()
    counts = empty_counts()
    for row in households.values("status").annotate(n=Count("id")):
        _add(counts, row["status"], row["n"])
    registered = households.exclude(status__in=c.UNIDENTIFIED_STATUSES)
    counts["people"] = registered.aggregate(n=Count("members", filter=Q(members__departure="")))["n"] or 0
    return counts


def empty_counts() -> dict:
    return {"total": 0, "people": 0, "listed": 0, **{s.value: 0 for s in c.Status}}


# The columns of the registered households' statuses; applicants and not-poor households come after people.
REGISTERED_STATUSES = [(v, label) for v, label in c.Status.choices if v not in c.UNIDENTIFIED_STATUSES]


@login_required
def region_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    region = region_for(user, code)
    counts = child_counts(user, region)
    this_year = working_year()  # the figures and flags shown are the working year's (§5.3)
    children = list(region.children.annotate(**year_flags(this_year, fields=("is_poverty_village",))).order_by("code"))
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
        "statuses": REGISTERED_STATUSES,
        "households": households,
        "can_edit": may_record_region_figures(user, region) or may_edit_region_flags(user, region),
        "flags": flags_for(region, this_year),
        "sees_helpers": helper_q(user) is not None,  # the helper list of the county (issue 14)
        "this_year": this_year,
        "breadcrumb": visible_ancestors(user, region),
    }
    return render(request, "regions/region_detail.html", context)


def _year_page(request: AuthenticatedHttpRequest, region: Region, year: int) -> tuple[bool, bool]:
    """(may record the figures, may set the flags) of the region's year page; 404 when neither (§1) or
    outside the policy's years."""
    figures = may_record_region_figures(request.user, region)
    flags = may_edit_region_flags(request.user, region)
    if not (figures or flags) or not POLICY_FIRST_YEAR <= year <= policy_last_year():
        raise Http404
    return figures, flags


def _render_year_page(request, region: Region, year: int, *, figures_form=None, flags_form=None, status=200):
    user = request.user
    instance = RegionYear.objects.filter(region=region, year=year).first()
    flags = flags_for(region, year)
    if figures_form is None and may_record_region_figures(user, region):
        figures_form = RegionYearForm(instance=instance or RegionYear(region=region, year=year))
    if flags_form is None and may_edit_region_flags(user, region):
        flags_form = RegionFlagsForm(level=region.level, flags=flags)
    context = {
        "region": region,
        "year": year,
        "form": figures_form,
        "flags_form": flags_form,
        "flags": flags,
        "has_flags": bool(LEVEL_FLAGS.get(Level(region.level))),
        "history": region_year_history(instance),
        "breadcrumb": visible_ancestors(user, region),
        "breadcrumb_link_last": True,
    }
    return render(request, "regions/regionyear_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def region_year_edit(request: AuthenticatedHttpRequest, code: str, year: int) -> HttpResponse:
    """A region's year (§2): county officials record its figures; county officials (their villages) and
    province staff set its flags (issue 14); both see the year's change history. Anyone else gets 404 (§1)."""
    region = region_for(request.user, code)
    may_figures, _may_flags = _year_page(request, region, year)
    if request.method == "GET":
        return _render_year_page(request, region, year)
    if not may_figures:
        raise Http404
    instance = RegionYear.objects.filter(region=region, year=year).first() or RegionYear(region=region, year=year)
    form = RegionYearForm(request.POST, instance=instance)
    if form.is_valid():
        figures = form.save(commit=False)
        figures.created_by = figures.created_by or request.user
        figures.save()  # plain CRUD of one row: no service needed (style.md)
        messages.success(request, _("The figures of %(year)s were saved.") % {"year": year})
        return redirect("regions:detail", code=region.code)
    return _render_year_page(request, region, year, figures_form=form)


@login_required
@require_http_methods(["POST"])
def region_flags_edit(request: AuthenticatedHttpRequest, code: str, year: int) -> HttpResponse:
    """Set a region's flags of a year (§2, issue 14); bad input shows the page again and changes nothing."""
    region = region_for(request.user, code)
    _may_figures, may_flags = _year_page(request, region, year)
    if not may_flags:
        raise Http404
    form = RegionFlagsForm(request.POST, level=region.level)
    if not form.is_valid():
        messages.error(request, _("The flags were not saved: correct the fields marked below."))
        return _render_year_page(request, region, year, flags_form=form)
    region_flags_save(
        region=region, year=year, flags=form.flags(), reason=form.cleaned_data["reason"], user=request.user
    )
    messages.success(request, _("The flags of %(year)s were saved.") % {"year": year})
    return redirect("regions:year_edit", code=region.code, year=year)
