"""The auditor's page of the audit log (§9) and its export: who did what, when, where, old → new.

Auditors and administrators only (404 for everyone else, like every page a role may not open); each reads
the entries of their scope (access.audit_log_for, docs/audit.md). Reading the export is itself audited.
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from povertymgmt.forms import styled
from povertymgmt.pagination import page_of
from povertymgmt.spreadsheet import guard

from . import access
from .audit import detail_lines, object_type_label
from .filters import AuditLogFilter
from .models import AuditAction, AuditLog
from .services import audit_record
from .typing import AuthenticatedHttpRequest

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"  # Excel opens a UTF-8 CSV with Chinese text correctly only with a byte-order mark


@dataclass(frozen=True)
class Row:
    at: dt.datetime  # local time (Asia/Shanghai)
    user: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    region: str
    lines: list[str]

    def cells(self) -> list[str]:
        return [
            f"{self.at:%Y-%m-%d %H:%M:%S}",
            self.user,
            self.action,
            self.object_type,
            self.object_id,
            self.object_repr,
            self.region,
            "\n".join(self.lines),
        ]


def headers() -> list[str]:
    return [_("Time"), _("User"), _("Action"), _("Object type"), _("Object ID"), _("Object"), _("Region"), _("Detail")]


def row_of(entry: AuditLog, *, masked: bool) -> Row:
    return Row(
        at=timezone.localtime(entry.at),
        user=entry.user.username if entry.user else "",
        action=str(entry.get_action_display()),
        object_type=object_type_label(entry.object_type),
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        region=entry.region.name if entry.region else "",
        lines=detail_lines(entry, masked=masked),
    )


def _filtered(request: AuthenticatedHttpRequest) -> tuple[AuditLogFilter, QuerySet[AuditLog]]:
    if not access.may_read_audit_log(request.user):
        raise Http404
    qs = access.audit_log_for(request.user).select_related("user", "region").order_by("-at", "-id")
    filterset = AuditLogFilter(request.GET or None, queryset=qs, request=request)
    styled(filterset.form)
    return filterset, filterset.qs  # an invalid filter value narrows nothing; the form shows why


@login_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset, qs = _filtered(request)
    # Counted up to the cap: every household page read unmasked writes an entry, and a COUNT(*) of a
    # province's years of entries costs ≈ 60 ms per million rows on every page (filters narrow the rest).
    page = page_of(request, qs, per_page=PAGE_SIZE, capped=qs)
    masked = not access.may_view_sensitive(request.user)
    rows = [row_of(entry, masked=masked) for entry in page]
    return render(request, "accounts/audit_log.html", {"filter": filterset, "page": page, "rows": rows})


@login_required
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The filtered entries as CSV (UTF-8 with BOM) or XLSX, streamed; the export is audited with its filter
    and row count (§9)."""
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _filterset, qs = _filtered(request)
    count = qs.count()
    entry = audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="audit_log",
        entry_region=access.scope_of(request.user),
        filter={k: v for k, v in request.GET.items() if k not in ("format", "page") and v},
        rows=count,
        format=fmt,
    )
    masked = not access.may_view_sensitive(request.user)
    rows = (row_of(e, masked=masked) for e in qs.exclude(pk=entry.pk).iterator(chunk_size=2000))
    filename = f"audit-log-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        return FileResponse(_xlsx(rows), as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response = StreamingHttpResponse(_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(rows: Iterable[Row]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(headers())
    for row in rows:
        yield writer.writerow([guard(cell) for cell in row.cells()])


def _xlsx(rows: Iterable[Row]) -> IO[bytes]:
    """Written row by row in xlsxwriter's constant-memory mode to a temporary file, which the response then
    streams and closes (and so deletes)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    book = xlsxwriter.Workbook(out, {**options, "strings_to_urls": False})
    sheet = book.add_worksheet(_("Audit log")[:31])
    sheet.write_row(0, 0, headers(), book.add_format({"bold": True}))
    for number, row in enumerate(rows, start=1):
        for column, cell in enumerate(row.cells()):
            sheet.write_string(number, column, guard(cell))
    book.close()
    out.seek(0)
    return out
