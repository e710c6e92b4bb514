"""Pages of the imports app (§13): template download, upload, dry-run report, import; rosters."""

import io
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.masking import mask_id_number
from accounts.models import AuditAction
from accounts.services import audit_record
from accounts.typing import AuthenticatedHttpRequest
from povertymgmt.files import serve_file

from . import selectors, services
from .forms import CommitForm, ImportUploadForm, RosterUploadForm
from .models import JobState, Roster, RosterState
from .rosters import roster_apply, roster_create
from .xlsx.annotate import annotated_copy
from .xlsx.template import build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_ROWS = 500


def _importer(request: AuthenticatedHttpRequest) -> None:
    if not access.may_import(request.user):
        raise Http404


def _household_importer(request: AuthenticatedHttpRequest) -> None:
    if not access.may_import_households(request.user):
        raise Http404


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _household_importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_create(
            user=request.user, upload=form.cleaned_data["file"], as_identified=form.cleaned_data["as_identified"]
        )
        if job.state == JobState.FAILED:  # not queued: the job page shows the reason
            messages.error(request, job.message)
        return redirect("imports:job", pk=job.pk)
    jobs = selectors.import_job_list_for(request.user)[:20]
    context = {
        "form": form,
        "jobs": jobs,
        "may_import_as_identified": access.may_import_as_identified(request.user),
        "may_use_rosters": access.may_import(request.user),
    }
    return render(request, "imports/job_list.html", context, status=400 if form.errors else 200)


@login_required
def template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    _household_importer(request)
    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response


def _issue_rows(request, job):
    rows = list(selectors.import_issues(job)[:REPORT_ROWS])
    sensitive = sum(1 for issue in rows if issue.sensitive and issue.value)
    if not request.user.can_view_sensitive:
        for issue in rows:
            if issue.sensitive and issue.value:
                issue.value = mask_id_number(issue.value)
    elif sensitive:  # §9: the rejected rows' identifiers are shown unmasked
        audit_record(
            user=request.user,
            action=AuditAction.VIEW_SENSITIVE,
            object_type="import_job",
            object_id=job.pk,
            entry_region=job.scope_id,
            rows=len(rows),
            unmasked=sensitive,
        )
    return rows


@login_required
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for(request.user, pk)
    context = {"job": job, "issues": _issue_rows(request, job) if not job.is_running else [], "limit": REPORT_ROWS}
    return render(request, "imports/job_detail.html", context)


@login_required
def job_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for(request.user, pk)
    response = render(request, "imports/partials/progress.html", {"job": job})
    if not job.is_running:
        response["HX-Refresh"] = "true"  # the run ended: show the report
    return response


@login_required
@require_POST
def job_commit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for(request.user, pk)
    if job.created_by_id != request.user.pk:
        raise Http404
    form = CommitForm(request.POST)
    form.is_valid()
    try:
        job = services.import_job_commit(
            user=request.user, job=job, valid_only=form.cleaned_data.get("valid_only", False)
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if job.state == JobState.VALIDATED and job.message:  # not queued: nothing written, press again
            messages.error(request, job.message)
    return redirect("imports:job", pk=job.pk)


@login_required
def job_annotated(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    job = selectors.import_job_get_for(request.user, pk)
    if job.created_by_id != request.user.pk and not request.user.can_view_sensitive:
        raise Http404  # the copy holds the file's personal data unmasked (§9)
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="import_job",
        object_id=job.pk,
        entry_region=job.scope_id,
        what="annotated import file",
        rows=job.households_total + job.members_total,
    )
    buffer = io.BytesIO()
    annotated_copy(source=job.file.path, target=buffer, issues=selectors.import_issues(job).iterator())
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"errors_{job.pk}.xlsx", content_type=XLSX)


@login_required
def roster_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _importer(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        roster = roster_create(
            user=request.user,
            upload=form.cleaned_data["file"],
            field=form.cleaned_data["field"],
            department=form.cleaned_data["department"],
        )
        if roster.state == RosterState.FAILED:  # not queued (the broker is down): the page says why too
            messages.error(request, roster.message)
        return redirect("imports:roster", pk=roster.pk)
    rosters = selectors.roster_list_for(request.user)[:20]
    return render(
        request, "imports/roster_list.html", {"form": form, "rosters": rosters}, status=400 if form.errors else 200
    )


@login_required
def roster_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roster = selectors.roster_get_for(request.user, pk)
    report = roster.report if not roster.is_running or roster.state == RosterState.APPLYING else {}
    unmasked = request.user.can_view_sensitive
    mask = (lambda v: v) if unmasked else mask_id_number
    changes = [[mask(r[0]), *r[1:]] for r in report.get("change_list", [])]
    not_registered = [mask(v) for v in report.get("not_registered", [])]
    missing = [[mask(r[0]), *r[1:]] for r in report.get("missing", [])]
    context = {
        "roster": roster,
        "report": report,
        "changes": changes,
        "not_registered": not_registered,
        "missing": missing,
        "may_download": _may_download(request, roster),
    }
    shown = len(changes) + len(not_registered) + len(missing)
    if unmasked and shown:  # §9: full ID numbers on the page
        audit_record(
            user=request.user,
            action=AuditAction.VIEW_SENSITIVE,
            object_type="roster",
            object_id=roster.pk,
            entry_region=roster.scope_id,
            rows=shown,
        )
    return render(request, "imports/roster_detail.html", context)


@login_required
def roster_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roster = selectors.roster_get_for(request.user, pk)
    response = render(request, "imports/partials/roster_progress.html", {"roster": roster})
    if not roster.is_running:
        response["HX-Refresh"] = "true"  # read or applied: show the report
    return response


def _may_download(request: AuthenticatedHttpRequest, roster: Roster) -> bool:
    """The uploaded roster holds the department's ID numbers unmasked (§9): its author's, or for a role
    that sees ID numbers."""
    return bool(roster.file) and (roster.created_by_id == request.user.pk or request.user.can_view_sensitive)


@login_required
def roster_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The uploaded roster (§9), to whom _may_download allows; each download audited."""
    roster = selectors.roster_get_for(request.user, pk)
    if not _may_download(request, roster):
        raise Http404
    audit_record(
        user=request.user,
        action=AuditAction.DOWNLOAD,
        object_type="roster",
        object_id=roster.pk,
        entry_region=roster.scope_id,
        rows=roster.report.get("entries", 0),
    )
    return serve_file(roster.file, filename=roster.original_name or os.path.basename(roster.file.name))


@login_required
@require_POST
def roster_apply_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roster = selectors.roster_get_for(request.user, pk)
    _importer(request)
    try:
        roster = roster_apply(user=request.user, roster=roster)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("imports:roster", pk=roster.pk)
    except PermissionDenied as exc:  # an author whose scope no longer holds the roster's (§1): nothing queued
        messages.error(request, str(exc))
        return redirect("imports:roster", pk=roster.pk)
    roster.refresh_from_db(fields=["state", "message"])
    if roster.state == RosterState.APPLIED:  # the task ran in-process
        messages.success(request, _("The roster has been applied."))
    elif roster.state == RosterState.PREVIEW and roster.message:  # not queued: nothing changed, press again
        messages.error(request, roster.message)
    return redirect("imports:roster", pk=roster.pk)
