"""Pages of assistance (§4): a household's assistance, new records, loans and visits, follow-up list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.access import may_pair_households, region_for, visible_ancestors
from accounts.models import AuditAction
from accounts.services import audit_record
from accounts.typing import AuthenticatedHttpRequest
from households.selectors import household_get_for
from povertymgmt.errors import apply_errors
from povertymgmt.files import serve_file
from povertymgmt.pagination import in_order, page_of, with_rows
from projects.selectors import project_list_for
from villages.models import Level

from .forms import AssistanceRecordForm, FollowupForm, SmallLoanForm, VisitForm
from .models import AssistanceRecord, Visit, VisitPhoto, visit_overdue_days
from .selectors import assistance_list_for, followup_list, newest_first, visit_list_for
from .services import assistance_record_create, can_record_assistance, small_loan_save, visit_create


@login_required
def assistance_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs = newest_first(assistance_list_for(request.user), request.user, "date")
    # Counted up to the cap, as the standard tables: a province holds millions of records (310 ms a page).
    # Paged through ids, then the page's rows read with their household and project: joined before the
    # sort, a township's 1,800 records were all joined to be sorted (as the latest visits below).
    page = page_of(request, qs.values_list("pk", flat=True), capped=qs)
    with_rows(page, AssistanceRecord.objects.select_related("household", "project"))
    latest = newest_first(visit_list_for(request.user), request.user, "visited_on").values_list("pk", flat=True)[:10]
    visits = in_order(latest, Visit.objects.select_related("household"))
    return render(request, "assistance/assistance_list.html", {"page": page, "visits": visits})


@login_required
def household_assistance(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    household = household_get_for(request.user, number)
    # The block's tag ({% household_assistance %}) asks whether the user may record, as on the household page.
    return render(request, "assistance/household_assistance.html", {"household": household})


def _writable_household(request, number):
    household = household_get_for(request.user, number)  # 404 outside the scope
    if not can_record_assistance(request.user, household):
        raise PermissionDenied
    return household


@login_required
def record_create(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    household = _writable_household(request, number)
    projects = project_list_for(request.user).filter(county_id=household.county_id)
    form = AssistanceRecordForm(request.POST or None, household=household, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            assistance_record_create(user=request.user, record=form.save(commit=False))
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The assistance was recorded."))
            return redirect("assistance:household", number=household.number)
    return _form(request, form, household, _("Record assistance"))


@login_required
def loan_create(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    household = _writable_household(request, number)
    form = SmallLoanForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            small_loan_save(user=request.user, loan=form.save(commit=False))
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The loan was recorded."))
            return redirect("assistance:household", number=household.number)
    return _form(request, form, household, _("Record a small poverty loan"))


@login_required
def visit_new(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    household = _writable_household(request, number)
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit_create(
                user=request.user,
                household=household,
                visited_on=d["visited_on"],
                findings=d["findings"],
                photos=[d["photo"]] if d.get("photo") else [],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The visit was recorded."))
            return redirect("assistance:household", number=household.number)
    return _form(request, form, household, _("Record a visit"), multipart=True)


def _form(request, form, household, title, multipart=False):
    return render(
        request,
        "assistance/entry_form.html",
        {"form": form, "household": household, "title": title, "multipart": multipart},
    )


@login_required
def followup(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """§4: households of a village without a helper, or without a visit for N days (default 90)."""
    village = region_for(request.user, code)
    form = FollowupForm(request.GET or None)
    days = form.cleaned_data.get("days") if form.is_valid() else None
    days = days or visit_overdue_days()
    if village.level != Level.VILLAGE:
        households = []
    else:
        households = list(followup_list(request.user, village.pk, days=days))
    return render(
        request,
        "assistance/followup.html",
        {
            "village": village,
            "households": households,
            "days": days,
            "form": form,
            "can_pair": may_pair_households(request.user),  # "no helper" links to the pairing page
            "breadcrumb": visible_ancestors(request.user, village),
        },
    )


@login_required
def visit_photo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse | FileResponse:
    """A visit's photo (§4, §9): only through a visit of a household the user sees (404 outside), audited."""
    photos = VisitPhoto.objects.filter(visit__in=visit_list_for(request.user)).select_related("visit__household")
    photo = get_object_or_404(photos, pk=pk)
    audit_record(
        user=request.user,
        action=AuditAction.DOWNLOAD,
        object_type="visit_photo",
        object_id=photo.pk,
        entry_region=photo.visit.household.village_id,  # read by the auditors of its county and above (§1)
        visit=photo.visit_id,
    )
    return serve_file(photo.file, filename=f"visit_{photo.visit_id}_{photo.pk}{photo.extension}", as_attachment=False)
