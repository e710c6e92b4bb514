"""Pages of the imports app (§13): template download, upload, dry-run report, import; rosters."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.masking import mask_id_number
from accounts.models import AuditAction
from accounts.services import audit_record
from accounts.typing import AuthenticatedHttpRequest

from . import selectors, services
from .forms import CommitForm, ImportUploadForm, RosterUploadForm
from .models import JobState
from .rosters import roster_apply, roster_create
from .xlsx.annotate import annotated_copy
from .xlsx.template import build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_ROWS = 500


def _importer(request: AuthenticatedHttpRequest) -> None:
    if not access.may_import(request.user):
        raise Http404


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_create(user=request.user, upload=form.cleaned_data["file"])
        if job.state == JobState.FAILED:  # not queued: the job page shows the reason
            messages.error(request, job.message)
        return redirect("imports:job", pk=job.pk)
    jobs = selectors.import_job_list_for(request.user)[:20]
    return render(request, "imports/job_list.html", {"form": form, "jobs": jobs}, status=400 if form.errors else 200)


@login_required
def template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    _importer(request)
    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response


def _issue_rows(request, job):
    rows = list(selectors.import_issues(job)[:REPORT_ROWS])
    if not request.user.can_view_sensitive:
        for issue in rows:
            if issue.sensitive and issue.value:
                issue.value = mask_id_number(issue.value)
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
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster = roster_create(
                user=request.user,
                upload=form.cleaned_data["file"],
                field=form.cleaned_data["field"],
                department=form.cleaned_data["department"],
            )
            return redirect("imports:roster", pk=roster.pk)
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
    rosters = selectors.roster_list_for(request.user)[:20]
    return render(
        request, "imports/roster_list.html", {"form": form, "rosters": rosters}, status=400 if form.errors else 200
    )


@login_required
def roster_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roster = selectors.roster_get_for(request.user, pk)
    report = roster.report
    mask = (lambda v: v) if request.user.can_view_sensitive else mask_id_number
    context = {
        "roster": roster,
        "report": report,
        "changes": [[mask(r[0]), *r[1:]] for r in report.get("change_list", [])],
        "not_registered": [mask(v) for v in report.get("not_registered", [])],
        "missing": [[mask(r[0]), *r[1:]] for r in report.get("missing", [])],
    }
    return render(request, "imports/roster_detail.html", context)


@login_required
@require_POST
def roster_apply_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roster = selectors.roster_get_for(request.user, pk)
    _importer(request)
    try:
        roster_apply(user=request.user, roster=roster)
        messages.success(request, _("The roster has been applied."))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("imports:roster", pk=roster.pk)
