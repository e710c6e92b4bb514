"""Writes of the reports app: export jobs and their files (§12), the export audit (§9) and the annual
targets that province staff set (§2)."""

import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import access
from accounts.audit import acting_as
from accounts.models import User
from accounts.services import audit_record
from povertymgmt.cache import cache_get, cache_set
from povertymgmt.dates import policy_year_validator
from povertymgmt.tasks import enqueue
from villages.models import AnnualTarget, Level, Region

from . import exporters
from .models import ExportFormat, ExportJob, ExportState
from .tables import Context, Table, headers, rows_queryset, table_get

# Exports larger than this run in the background with a progress bar (§12); settings may lower it.
SYNC_MAX_ROWS_DEFAULT = 5000


def sync_max_rows() -> int:
    return int(getattr(settings, "REPORTS_EXPORT_SYNC_MAX_ROWS", SYNC_MAX_ROWS_DEFAULT))


def export_period(ctx: Context) -> tuple[int, dt.date]:
    """(policy year, date) an export shows, as its page says them (issue 13): the table's year (?year=,
    the chosen snapshot's, else the working year) and the nightly snapshot's date (today for a table of
    the live registry before any run)."""
    return ctx.year, ctx.day


def export_filename(table: Table, ctx: Context, fmt: str) -> str:
    """`<table>-<region code>-<policy year>-as-of-<date>.<format>`: a downloaded file says in its name
    which year and date it shows (ASCII, so every browser keeps the name)."""
    year, day = export_period(ctx)
    return f"{table.key}-{ctx.region.code}-{year}-as-of-{day.isoformat()}.{fmt}"


def export_about(table: Table, ctx: Context) -> list[tuple[str, str]]:
    """What an XLSX export shows, on its second sheet (a CSV carries only the rows; its name says the
    same): the report, the region, the policy year and the date, and when it was written."""
    year, day = export_period(ctx)
    return [
        (_("Report"), str(table.title)),
        (_("Region"), f"{ctx.region.name} ({ctx.region.code})"),
        (_("Policy year"), str(year)),
        (_("As of"), day.isoformat()),
        (_("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]


def xlsx_export_write(*, table: Table, ctx: Context, qs, head: list[str], out_path: str, progress=None) -> int:
    """The XLSX of a table: its rows on the first sheet, `export_about` on the second."""
    return exporters.xlsx_write(
        qs,
        head,
        out_path,
        sheet=str(table.title),
        progress=progress,
        about=export_about(table, ctx),
        about_sheet=_("About this export"),
    )


def export_audit(*, user: User, table: Table, ctx: Context, fmt: str, params: Mapping, rows: int) -> None:
    """§9: who exported what, when, with which filter, how many rows."""
    audit_record(
        user=user,
        action="export",
        object_type="report",
        object_id=table.key,
        filter=dict(params),
        rows=rows,
        format=fmt,
        region=ctx.region.code,
        entry_region=ctx.region,
        as_of=ctx.as_of.isoformat() if ctx.as_of else None,
        masked=not user.can_view_sensitive,
    )


def export_region(job: ExportJob) -> Region | None:
    """The region an export job's file is of (its ?region=, else its author's scope): where the audit
    entries of its downloads are placed, like the entry of the export itself (§1, §9)."""
    code = (job.params or {}).get("region")
    region = Region.objects.filter(code=code).first() if code else None
    return region or access.scope_of(job.user)


def export_write(*, table: Table, ctx: Context, fmt: str, out_path: str, progress=None) -> int:
    """Write a whole export file to out_path (constant memory); returns the number of rows."""
    qs = rows_queryset(table, ctx)
    head = headers(table, ctx)
    if fmt == ExportFormat.XLSX:
        return xlsx_export_write(table=table, ctx=ctx, qs=qs, head=head, out_path=out_path, progress=progress)
    with open(out_path, "wb") as out:
        return exporters.csv_write(qs, head, out, progress=progress)


def progress_key(job_id: int) -> str:
    return f"reports:export:{job_id}:rows"


def export_job_create(*, user: User, table: Table, fmt: str, params: Mapping, rows_total: int) -> ExportJob:
    """Record a background export; the task starts after the transaction commits."""
    from .tasks import export_run_task

    job = ExportJob.objects.create(
        user=user,
        table=table.key,
        format=ExportFormat(fmt),
        params=dict(params),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        rows_total=rows_total,
    )

    def not_queued(message: str) -> None:  # the user starts the export again from the table
        job.state, job.error, job.finished_at = ExportState.FAILED, message, timezone.now()
        ExportJob.objects.filter(pk=job.pk).update(state=job.state, error=job.error, finished_at=job.finished_at)

    enqueue(export_run_task, job.pk, on_failure=not_queued)
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the job's file into storage, with its progress in the cache; audit when written (§9, §12)."""
    from .selectors import table_context

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.state == ExportState.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING)
    table = table_get(job.table, job.user)
    fd, tmp = tempfile.mkstemp(suffix=f".{job.format}")
    os.close(fd)
    try:
        with translation.override(job.language):
            ctx, _form, _errors, _dates = table_context(job.user, table, job.params)
            rows = export_write(
                table=table,
                ctx=ctx,
                fmt=job.format,
                out_path=tmp,
                progress=lambda n: cache_set(progress_key(job.pk), n, 3600),
            )
            job.filename = export_filename(table, ctx, job.format)
        with open(tmp, "rb") as fh:
            job.file.save(f"{job.user_id}/{uuid.uuid4().hex}.{job.format}", File(fh), save=False)
        job.state, job.rows_done, job.finished_at = ExportState.DONE, rows, timezone.now()
        job.save(update_fields=["state", "rows_done", "file", "filename", "finished_at"])
        export_audit(user=job.user, table=table, ctx=ctx, fmt=job.format, params=job.params, rows=rows)
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(state=ExportState.FAILED, error=str(exc)[:2000])
        raise
    finally:
        os.unlink(tmp)
    return job


def exports_expire(*, now=None) -> int:
    """Delete the files of background exports written more than EXPORT_KEEP_DAYS ago (a province's
    exports of a million rows would fill the disk in a few years); the job stays as the record of who
    exported what (§9), its download link says it expired. Returns the number of files deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    expired = ExportJob.objects.filter(state=ExportState.DONE, finished_at__lt=cutoff).exclude(file="")
    deleted = 0
    for job in expired.only("pk", "file").iterator():
        job.file.delete(save=False)  # storage first: a crash leaves a job pointing at no file, never the reverse
        ExportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted


def job_rows_done(job: ExportJob) -> int:
    if job.state == ExportState.DONE:
        return job.rows_done
    return int(cache_get(progress_key(job.pk)) or job.rows_done)  # the cache only speeds progress up


def annual_target_save(
    *, user: User, region: Region, year: int, people: int, villages: int, counties: int
) -> AnnualTarget:
    """§2: province staff set a region's poverty-reduction targets of a year; the change is audited."""
    if not access.may_set_targets(user, region):
        raise ValidationError(_("Only province staff may set annual targets."), code="forbidden")
    if region.level == Level.VILLAGE:
        raise ValidationError(_("Targets are set for the province, cities, counties and townships."), code="level")
    policy_year_validator(year)  # 2013 to next year (povertymgmt.dates): next year's targets are set ahead
    with transaction.atomic(), acting_as(user):
        target = AnnualTarget.objects.select_for_update().filter(region=region, year=year).first()
        if target is None:
            target = AnnualTarget(region=region, year=year, created_by=user)
        target.people, target.villages, target.counties = people, villages, counties
        target.save()  # audited, old → new, by accounts.audit (accounts/apps.py)
    return target
