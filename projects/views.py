"""Pages of the project library (§10) and the public notices (§12)."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.typing import AuthenticatedHttpRequest
from povertymgmt.errors import apply_errors
from povertymgmt.pagination import page_of
from povertymgmt.spreadsheet import guard
from villages.models import Level, Region

from .forms import ProjectFilterForm, ProjectForm, TargetFormSet, TransitionForm
from .models import PerformanceTarget, Project
from .selectors import (
    PUBLIC_STATUSES,
    county_list_for,
    managed_counties,
    project_detail,
    project_filter,
    project_get_for,
    project_list_for,
    public_projects,
    with_totals,
)
from .services import project_save, project_transition


@login_required
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    counties = county_list_for(request.user)
    form = ProjectFilterForm(request.GET or None, counties=counties)
    qs = project_list_for(request.user)
    if form.is_valid():
        qs = project_filter(qs, **{k: v for k, v in form.cleaned_data.items() if v})
    qs = with_totals(qs.select_related("county"))
    page = page_of(request, qs)
    return render(
        request,
        "projects/project_list.html",
        {"form": form, "page": page, "can_create": managed_counties(request.user).exists()},
    )


@login_required
def project_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = project_detail(request.user, pk)
    can_manage = access.may_manage_county(request.user, project.county)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "can_manage": can_manage,
            "transition_form": TransitionForm(project=project) if can_manage else None,
            "beneficiary_count": project.beneficiary_households.count(),
        },
    )


def _edit(request: AuthenticatedHttpRequest, project: Project) -> HttpResponse:
    counties = managed_counties(request.user)
    if not counties.exists():
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=project, counties=counties)
    targets = TargetFormSet(request.POST or None, instance=project, prefix="targets")
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        try:
            with transaction.atomic():
                saved = form.save(commit=False)
                rows = [t for t in targets.save(commit=False)]
                existing = list(project.targets.all()) if project.pk else []
                kept = [t for t in existing if t not in rows] + rows
                saved = project_save(
                    user=request.user,
                    project=saved,
                    villages=form.cleaned_data["villages"],
                    budgets=form.budgets(),
                    beneficiaries=form.beneficiaries,
                    targets=[_copy_target(t) for t in kept],
                )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("projects:detail", pk=saved.pk)
    return render(request, "projects/project_form.html", {"form": form, "targets": targets, "project": project})


def _copy_target(t: PerformanceTarget) -> PerformanceTarget:
    # Targets are rewritten as a whole: fresh rows, so an edit never half-updates them.
    return PerformanceTarget(indicator=t.indicator, unit=t.unit, planned=t.planned, achieved=t.achieved)


@login_required
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _edit(request, Project())


@login_required
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = project_get_for(request.user, pk)
    if not access.may_manage_county(request.user, project.county):
        raise PermissionDenied
    return _edit(request, project)


@login_required
@require_POST
def project_transition_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = project_get_for(request.user, pk)
    if not access.may_manage_county(request.user, project.county):
        raise PermissionDenied
    form = TransitionForm(request.POST, project=project)
    if form.is_valid():
        try:
            project_transition(
                user=request.user,
                project=project,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("The project status was changed."))
    else:
        messages.error(request, _("Choose an allowed status and give the reason."))
    return redirect("projects:detail", pk=project.pk)


# --- Public disclosure (§12): no login, no personal identifiers. ---


def public_index(request: HttpRequest) -> HttpResponse:
    counties = (
        Region.objects.filter(level=Level.COUNTY, projects__status__in=PUBLIC_STATUSES).distinct().order_by("code")
    )
    return render(request, "public/project_index.html", {"counties": counties})


def public_county(request: HttpRequest, code: str) -> HttpResponse:
    county = get_object_or_404(Region, code=code, level=Level.COUNTY)
    projects = public_projects(county).order_by("-year", "id")
    return render(
        request,
        "public/project_county.html",
        {"county": county, "projects": projects},
    )


def public_county_csv(request: HttpRequest, code: str) -> HttpResponse:
    """§12: the public project list of a county as CSV, with no personal identifiers."""
    county = get_object_or_404(Region, code=code, level=Level.COUNTY)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="projects-{county.code}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese text correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Project"),
            _("Year"),
            _("Category"),
            _("Implementing unit"),
            _("Status"),
            _("Beneficiary people"),
            _("Budget"),
            _("Arranged"),
            _("Disbursed"),
        ]
    )
    for p in public_projects(county).order_by("-year", "id"):
        writer.writerow(
            [
                guard(v)  # §12: never a spreadsheet formula
                for v in (
                    p.name,
                    p.year,
                    p.get_category_display(),
                    p.implementing_unit,
                    p.get_status_display(),
                    p.beneficiary_people,
                    p.budget_total,
                    p.arranged_total,
                    p.disbursed_total,
                )
            ]
        )
    return response
