"""Pages of the fund ledger (§11) and its reports. Entries are posted and reversed, never edited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.typing import AuthenticatedHttpRequest
from households.selectors import household_list_for
from povertymgmt.errors import apply_errors, invalid
from povertymgmt.pagination import page_of
from projects.choices import AssistanceCategory
from projects.selectors import county_list_for, managed_counties, project_list_for

from . import selectors as sel
from . import services
from .choices import EntryKind, Payee
from .forms import AllocationForm, ArrangementForm, DisbursementForm, ReportFilterForm, ReverseForm
from .services import FUNDABLE


def _require_manager(user):
    counties = managed_counties(user)
    if not counties.exists():
        raise PermissionDenied
    return counties


@login_required
def ledger(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Allocations in scope with what is arranged from them (idle funds at a glance)."""
    counties = county_list_for(request.user)
    form = ReportFilterForm(request.GET or None, counties=counties)
    qs = sel.allocation_list_for(request.user)
    if form.is_valid():
        d = form.cleaned_data
        qs = sel.ledger_filter(qs, county=d["county"], source=d["source"], year=d["year"])
    qs = sel.with_allocation_totals(qs).select_related("county", "reverses")
    page = page_of(request, qs)
    return render(
        request,
        "funds/ledger.html",
        {"form": form, "page": page, "can_post": managed_counties(request.user).exists()},
    )


@login_required
def allocation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    counties = _require_manager(request.user)
    form = AllocationForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        try:
            a = services.allocation_create(user=request.user, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The allocation was posted."))
            return redirect("funds:allocation", pk=a.pk)
    return render(request, "funds/entry_form.html", {"form": form, "title": _("Post an allocation")})


@login_required
def allocation_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    a = sel.allocation_get_for(request.user, pk)
    arrangements = sel.with_arrangement_totals(a.arrangements.all()).select_related("project")
    return render(
        request,
        "funds/allocation_detail.html",
        {
            "entry": a,
            "arrangements": arrangements,
            "can_post": access.may_manage_county(request.user, a.county),
            "reverse_form": ReverseForm(),
        },
    )


@login_required
def arrangement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    counties = _require_manager(request.user)
    allocations = (
        sel.allocation_list_for(request.user)
        .filter(county__in=counties, kind=EntryKind.NORMAL, reversal__isnull=True)
        .select_related("county")
    )
    projects = project_list_for(request.user).filter(county__in=counties, status__in=FUNDABLE)
    initial = {}
    if request.GET.get("project"):
        initial["project"] = request.GET["project"]
    if request.GET.get("allocation"):
        initial["allocation"] = request.GET["allocation"]
    form = ArrangementForm(request.POST or None, allocations=allocations, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            arr = services.arrangement_create(user=request.user, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The arrangement was posted."))
            return redirect("funds:arrangement", pk=arr.pk)
    return render(request, "funds/entry_form.html", {"form": form, "title": _("Arrange funds to a project")})


@login_required
def arrangement_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    arr = sel.arrangement_get_for(request.user, pk)
    disbursements = arr.disbursements.select_related("household", "reversal").order_by("date", "id")
    return render(
        request,
        "funds/arrangement_detail.html",
        {
            "entry": arr,
            "disbursements": disbursements,
            "can_post": access.may_manage_county(request.user, arr.allocation.county),
            "reverse_form": ReverseForm(),
        },
    )


@login_required
def disbursement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    counties = _require_manager(request.user)
    arrangements = (
        sel.arrangement_list_for(request.user)
        .filter(allocation__county__in=counties, kind=EntryKind.NORMAL, reversal__isnull=True)
        .select_related("project")
    )
    initial = {"arrangement": request.GET.get("arrangement"), "payee": request.GET.get("payee", Payee.UNIT)}
    number = (request.POST.get("household_number") or request.GET.get("household") or "").strip()
    household = household_list_for(request.user).filter(number=number).first() if number else None
    initial["household_number"] = number
    members = household.members.all() if household else None
    form = DisbursementForm(request.POST or None, arrangements=arrangements, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d.pop("household_number")
        try:
            if d["payee"] == Payee.HOUSEHOLD and number and household is None:
                raise invalid("household_number", _("No household with this number in your area."), "unknown")
            entry = services.disbursement_create(user=request.user, household=household, **d)
        except ValidationError as e:
            if hasattr(e, "error_dict") and "household" in e.error_dict:
                e.error_dict["household_number"] = e.error_dict.pop("household")
            apply_errors(form, e)
        else:
            messages.success(request, _("The payment was posted."))
            return redirect("funds:arrangement", pk=entry.arrangement_id)
    return render(request, "funds/entry_form.html", {"form": form, "title": _("Post a payment")})


def _reverse(request, entry, county, do, redirect_to):
    if not access.may_manage_county(request.user, county):
        raise PermissionDenied
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the reversal."))
        return redirect_to
    try:
        do(user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The reversal was posted."))
    return redirect_to


@login_required
@require_POST
def allocation_reverse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    a = sel.allocation_get_for(request.user, pk)
    return _reverse(
        request,
        a,
        a.county,
        lambda **kw: services.allocation_reverse(allocation=a, **kw),
        redirect("funds:allocation", pk=a.pk),
    )


@login_required
@require_POST
def arrangement_reverse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    arr = sel.arrangement_get_for(request.user, pk)
    return _reverse(
        request,
        arr,
        arr.allocation.county,
        lambda **kw: services.arrangement_reverse(arrangement=arr, **kw),
        redirect("funds:arrangement", pk=arr.pk),
    )


@login_required
@require_POST
def disbursement_reverse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    d = sel.disbursement_get_for(request.user, pk)
    return _reverse(
        request,
        d,
        d.arrangement.allocation.county,
        lambda **kw: services.disbursement_reverse(disbursement=d, **kw),
        redirect("funds:arrangement", pk=d.arrangement_id),
    )


@login_required
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """§11 reports: progress by county, source and year; idle funds; payments per household; anomalies."""
    if not access.may_read_county_reports(request.user):
        raise Http404
    counties = county_list_for(request.user)
    form = ReportFilterForm(request.GET or None, counties=counties)
    filters = form.cleaned_data if form.is_valid() else {}
    year = filters.get("year")
    return render(
        request,
        "funds/reports.html",
        {
            "form": form,
            "progress": sel.fund_progress(
                request.user, year=year, county=filters.get("county", ""), source=filters.get("source", "")
            ),
            "idle_allocations": sel.idle_allocations(request.user)[:50],
            "idle_arrangements": sel.idle_arrangements(request.user)[:50],
            "household_payments": sel.household_payments(request.user, year=year)[:100],
            "double_payments": [
                {**row, "category_label": AssistanceCategory(row["category"]).label}
                for row in sel.anomaly_double_payments(request.user)[:100]
            ],
            "closed_payments": sel.anomaly_closed_households(request.user)[:100],
        },
    )
