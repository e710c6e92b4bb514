"""Pages of the reports (§12): dashboards per scope, the standard tables with their exports, the
background export jobs and the annual targets. Thin: scope and parse, call a selector or service."""

import os
import tempfile
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import access
from accounts.access import regions_for, visible_ancestors
from accounts.models import AuditAction, User
from accounts.services import audit_record
from accounts.typing import AuthenticatedHttpRequest
from povertymgmt.dates import POLICY_FIRST_YEAR, policy_last_year
from povertymgmt.files import serve_file
from povertymgmt.pagination import COUNT_CAP, page_of
from villages.models import AnnualTarget, Level

from . import exporters, selectors, services
from .models import ExportFormat, ExportJob, ExportState
from .tables import (
    REGISTRY,
    display_rows,
    has_personal_columns,
    headers,
    row_count,
    rows_queryset,
    table_get,
    tables_for,
)

PAGE_SIZE = 50
# A table page counts its rows up to this many (200 pages); beyond, it says "more than" (issue 16).
PAGE_COUNT_CAP = COUNT_CAP


def _query(request: HttpRequest, drop: tuple[str, ...] = ("page",)) -> str:
    q = request.GET.copy()
    for key in drop:
        q.pop(key, None)
    return q.urlencode()


def _children(user, region):
    if not region.child_level:
        return []
    return list(regions_for(user).filter(parent=region).order_by("code").only("code", "name", "level"))


@login_required
def dashboard(request: AuthenticatedHttpRequest, code: str | None = None) -> HttpResponse:
    """§12 dashboard of the user's scope or of a region inside it (404 outside)."""
    region = selectors.report_region(request.user, code)
    dates = selectors.snapshot_dates()
    as_of, _explicit, error = selectors.resolve_as_of(request.GET.get("as_of"), dates)
    if error:
        messages.warning(request, error)
    year, year_error = selectors.resolve_year(request.GET.get("year"))
    if year_error:
        messages.warning(request, year_error)
    data = selectors.dashboard(request.user, region, as_of, year)
    return render(
        request,
        "reports/dashboard.html",
        {
            "region": region,
            "breadcrumb": visible_ancestors(request.user, region),
            "as_of": as_of,
            "dates": dates,
            "years": selectors.report_years(),
            "data": data,
            "chart_data": selectors.dashboard_json(data, region) | {"labels": _chart_labels()},
            "can_edit_targets": access.may_set_targets(request.user, region) and region.level != Level.VILLAGE,
            "map_level": region.level if region.level in (Level.PROVINCE, Level.CITY) else "",
            "tables": _table_groups(request.user),
            "causes_merged": not access.may_view_health_counts(request.user, region),  # §9, docs/reports.md
        },
    )


def _chart_labels() -> dict[str, str]:
    return {
        "households": _("households"),
        "people": _("people"),
        "incidence": _("Poverty incidence (%)"),
        "comprehensive": _("Comprehensive poverty incidence (%)"),
        "remaining": _("Remaining poor people"),
        "records": _("Records"),
        "amount": _("Amount (yuan)"),
        "nodata": _("No data"),
    }


def _table_groups(user: User) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for table in tables_for(user):
        groups.setdefault(str(table.group), []).append(table)
    return list(groups.items())


@login_required
def table_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = selectors.report_region(request.user, request.GET.get("region"))
    return render(request, "reports/table_index.html", {"region": region, "groups": _table_groups(request.user)})


@login_required
def table_page(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """One standard table with its filters and export buttons; the rows are the export's rows."""
    table = table_get(key, request.user)
    ctx, form, errors, dates = selectors.table_context(request.user, table, request.GET)
    ctx.paged = True
    for error in errors:
        messages.warning(request, error)
    qs = rows_queryset(table, ctx)
    counted = row_count(table, ctx, cap=PAGE_COUNT_CAP)
    page = page_of(request, qs, per_page=PAGE_SIZE, count=counted, cap=PAGE_COUNT_CAP)
    if has_personal_columns(table, ctx) and request.user.can_view_sensitive and page.object_list:
        audit_record(
            user=request.user,
            action="view_sensitive",
            object_type="report",
            object_id=table.key,
            entry_region=ctx.region,
            region=ctx.region.code,
            page=page.number,
        )
    return render(
        request,
        "reports/table.html",
        {
            "table": table,
            "ctx": ctx,
            "region": ctx.region,
            "breadcrumb": visible_ancestors(request.user, ctx.region),
            "children": _children(request.user, ctx.region),
            "form": form,
            "dates": dates,
            "headers": headers(table, ctx),
            "page": page,
            "rows": display_rows(table, ctx, page.object_list),
            "query": _query(request),
            "query_no_region": _query(request, ("page", "region")),
            "threshold": services.sync_max_rows(),
        },
    )


@login_required
@require_POST
def export_start(request: AuthenticatedHttpRequest, key: str) -> HttpResponseBase:
    """Small exports stream at once; large ones become a background job with a progress bar (§12)."""
    table = table_get(key, request.user)
    fmt = request.POST.get("format", "")
    if fmt not in ExportFormat.values:
        raise Http404
    params = {k: v for k, v in request.GET.dict().items() if k != "page"}
    ctx, _form, _errors, _dates = selectors.table_context(request.user, table, params)
    qs = rows_queryset(table, ctx)
    total = row_count(table, ctx)
    if total > services.sync_max_rows():
        job = services.export_job_create(user=request.user, table=table, fmt=fmt, params=params, rows_total=total)
        if job.state == ExportState.FAILED:  # not queued (broker down): say why; the user may start again
            messages.error(request, job.error)
        return redirect("reports:export_detail", pk=job.pk)
    filename = services.export_filename(table, ctx, fmt)
    head = headers(table, ctx)
    services.export_audit(user=request.user, table=table, ctx=ctx, fmt=fmt, params=params, rows=total)
    if fmt == ExportFormat.CSV:
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in exporters.csv_chunks(qs, head)), content_type="text/csv; charset=utf-8"
        )
    else:
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        services.xlsx_export_write(table=table, ctx=ctx, qs=qs, head=head, out_path=path)
        fh = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
        os.unlink(path)  # the open handle keeps the data until the response is sent
        response = FileResponse(fh, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _own_job(request: AuthenticatedHttpRequest, pk: int) -> ExportJob:
    """A user sees only their own export files (§9): anybody else's is 404."""
    return get_object_or_404(ExportJob, pk=pk, user=request.user)


@login_required
def export_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    jobs = ExportJob.objects.filter(user=request.user).order_by("-created_at")[:50]
    return render(
        request, "reports/export_list.html", {"jobs": jobs, "titles": {k: t.title for k, t in REGISTRY.items()}}
    )


@login_required
def export_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    table = REGISTRY.get(job.table)
    done = services.job_rows_done(job)
    percent = (
        100 if job.state == ExportState.DONE else (min(99, int(100 * done / job.rows_total)) if job.rows_total else 0)
    )
    context = {
        "job": job,
        "table": table,
        "rows_done": done,
        "percent": percent,
        "polling": job.state in (ExportState.PENDING, ExportState.RUNNING),
        "back": reverse("reports:table", args=[job.table]) + "?" + urlencode(job.params),
    }
    if request.headers.get("HX-Request"):
        return render(request, "reports/partials/export_progress.html", context)
    return render(request, "reports/export_detail.html", context)


@login_required
def export_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse | FileResponse:
    """A background export's file (§9, §12): only its owner's, each download (re-downloads too) audited."""
    job = _own_job(request, pk)
    if job.state != ExportState.DONE or not job.file:
        raise Http404
    audit_record(
        user=request.user,
        action=AuditAction.DOWNLOAD,
        object_type="export",
        object_id=job.pk,
        entry_region=services.export_region(job),  # where its export entry is placed (§1)
        table=job.table,
    )
    return serve_file(job.file, filename=job.filename or os.path.basename(job.file.name))


class TargetForm(forms.Form):
    people = forms.IntegerField(label=gettext_lazy("People to exit"), min_value=0)
    villages = forms.IntegerField(label=gettext_lazy("Villages to exit"), min_value=0)
    counties = forms.IntegerField(label=gettext_lazy("Counties to exit"), min_value=0)


@login_required
def target_edit(request: AuthenticatedHttpRequest, code: str, year: int) -> HttpResponse:
    """§2: province staff set the year's targets of a region; others get 404."""
    region = selectors.report_region(request.user, code)
    if not access.may_set_targets(request.user, region) or region.level == Level.VILLAGE:
        raise Http404
    if not POLICY_FIRST_YEAR <= year <= policy_last_year():
        raise Http404  # no policy year: nothing to set (povertymgmt.dates)
    current = AnnualTarget.objects.filter(region=region, year=year).first()
    initial = {"people": 0, "villages": 0, "counties": 0}
    if current:
        initial = {"people": current.people, "villages": current.villages, "counties": current.counties}
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.annual_target_save(user=request.user, region=region, year=year, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The annual targets have been saved."))
            return redirect("reports:region", code=region.code)
    return render(
        request,
        "reports/target_form.html",
        {"form": form, "region": region, "year": year, "breadcrumb": visible_ancestors(request.user, region)},
    )
