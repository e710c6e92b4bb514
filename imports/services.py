"""Writes of the imports app (§13): upload, dry run, commit of household files (with their survey sheets
of incomes and assessments, issue 13: imports/survey.py); department rosters."""

import datetime as dt
import json
import logging
import os
import pickle
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import access
from accounts.audit import acting_as
from accounts.models import AuditAction, User
from accounts.services import audit_record
from households.tallies import tally_refresh_in
from povertymgmt.tasks import enqueue

from . import parallel
from .models import RUNNING_STATES, ImportIssue, ImportJob, JobState
from .overlap import BatchWriter, can_overlap
from .rosters import roster_apply, roster_create  # noqa: F401 - the roster services live beside
from .survey import SURVEY_COUNTS, survey_commit, survey_validate
from .writer import Numbering, prepare_batch, prerender, reason_for, write_batch
from .xlsx import staging
from .xlsx.reader import XlsxError
from .xlsx.validate import Layout, check_batch, database_state, parse_batch, reset_for_recheck

log = logging.getLogger(__name__)

BATCH = int(getattr(settings, "IMPORT_BATCH_SIZE", 1000))
MAX_ISSUES_STORED = 100_000  # the report keeps this many; the count is always complete


def stage_path_folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports" / "staging"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage_path(job: ImportJob) -> Path:
    return stage_path_folder() / f"job_{job.pk}.sqlite"


def import_job_create(*, user: User, upload: UploadedFile, as_identified: bool = False) -> ImportJob:
    """Store the upload and queue its dry run (§13). `as_identified`: province staff's migration of an
    existing registry, whose new households are poor; anyone else's import registers applicants (§6.2)."""
    from .tasks import import_validate

    if as_identified and not access.may_import_as_identified(user):
        raise PermissionDenied(_("Only province staff import households as already identified."))
    job = ImportJob(
        as_identified=as_identified,
        created_by=user,
        scope=user.scope,
        original_name=os.path.basename(upload.name or "")[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    job.file.save(f"import_{user.pk}.xlsx", upload, save=False)
    job.save()

    def not_queued(message: str) -> None:  # the user uploads the file again to retry
        job.state, job.message = JobState.FAILED, message[:500]
        ImportJob.objects.filter(pk=job.pk).update(state=job.state, message=job.message)

    enqueue(import_validate, job.pk, on_failure=not_queued)
    return job


def import_job_commit(*, user: User, job: ImportJob, valid_only: bool) -> ImportJob:
    """Queue the import of a checked file; a file with errors needs `valid_only` (§13)."""
    from .tasks import import_commit

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != JobState.VALIDATED:
            raise ValidationError(_("This file cannot be imported now (it is not checked, or already imported)."))
        if job.error_count and not valid_only:
            raise ValidationError(
                _("This file has errors: correct them and upload it again, or import only the valid households.")
            )
        if job.households_valid == 0:
            raise ValidationError(_("No household of this file is valid."))
        job.state, job.valid_only, job.rows_done, job.message = JobState.COMMITTING, valid_only, 0, ""
        job.save(update_fields=["state", "valid_only", "rows_done", "message", "updated_at"])

    def not_queued(message: str) -> None:
        # Back to checked, with the reason: nothing was written, the user may press import again.
        job.state, job.message = JobState.VALIDATED, message[:500]
        ImportJob.objects.filter(pk=job.pk).update(state=job.state, message=job.message)

    enqueue(import_commit, job.pk, on_failure=not_queued)
    return job


def _progress(job: ImportJob, state: str | None = None, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    if state:
        job.state = state
    ImportJob.objects.filter(pk=job.pk).update(state=job.state, **fields)


def _every_second(job: ImportJob):
    """A progress callback that writes at most once a second: each write is a durable commit of its own."""
    last = -1.0

    def report(done: int) -> None:
        nonlocal last
        if time.monotonic() - last >= 1.0:
            last = time.monotonic()
            _progress(job, rows_done=done)

    return report


def _fail(job: ImportJob, message: str) -> None:
    _progress(job, JobState.FAILED, message=message[:500])
    # The staging database holds every member row of the file unmasked: it goes as soon as the job ends.
    stage_path(job).unlink(missing_ok=True)


STAGING_KEEP = dt.timedelta(days=1)


def import_staging_clean(*, now: dt.datetime | None = None) -> int:
    """The daily clean-up (§9, §13): delete the staging databases left a day after their job last moved
    (checked and never imported, or orphaned by a crash), and any staging file without a job. A running
    job keeps its file. The uploaded workbook stays (the annotated copy is built from it, and a commit
    re-stages from it). Returns the number of files deleted."""
    cutoff = (now or timezone.now()) - STAGING_KEEP
    folder = stage_path_folder()
    running = set(ImportJob.objects.filter(state__in=RUNNING_STATES).values_list("pk", flat=True))
    deleted = 0
    for path in folder.glob("job_*.sqlite*"):
        job_id = path.name.removeprefix("job_").split(".", 1)[0]
        if job_id.isdigit() and int(job_id) in running:
            continue
        if dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC) >= cutoff:
            continue
        path.unlink(missing_ok=True)
        deleted += 1
    return deleted


def _layout(db) -> Layout:
    row = db.execute("SELECT v FROM meta WHERE k = 'layout'").fetchone()
    household, member = json.loads(row[0])
    return Layout(household, member)


def import_job_validate(*, job_id: int) -> None:
    """The dry run (§13): stage the file, check every row, store the report. Called by the task."""
    job = ImportJob.objects.select_related("created_by__scope").get(pk=job_id)
    if job.state not in (JobState.PENDING, JobState.READING, JobState.VALIDATING):
        return  # a redelivered task of a job that has moved on
    with translation.override(job.language), acting_as(job.created_by):  # tracked saves name the uploader
        try:
            _validate(job)
        except XlsxError as exc:
            _fail(job, str(exc))
        except Exception:
            log.exception("import %s failed", job_id)
            _fail(
                job, _("The file could not be checked because of an internal error; the administrator has been told.")
            )
            raise


def _validate(job: ImportJob) -> None:
    _progress(job, JobState.READING, rows_done=0, rows_total=0)
    db, issues, _unused = staging.stage_file(
        path=job.file.path, stage_path=str(stage_path(job)), progress=_every_second(job)
    )
    try:
        h_total, m_total = staging.counts(db)
        # The survey sheets' rows, and the households they name that 户信息 does not (a survey-only file).
        i_total, a_total, named_only = staging.survey_counts(db)
        rows_total = h_total + m_total + i_total + a_total
        _progress(
            job,
            JobState.VALIDATING,
            rows_done=0,
            rows_total=rows_total,
            households_total=h_total + named_only,
            members_total=m_total,
        )
        issues += staging.file_level_issues(db)
        layout = _layout(db)
        db.execute("CREATE TABLE IF NOT EXISTS plans (n INTEGER PRIMARY KEY, data BLOB)")
        db.execute("DELETE FROM plans")
        db.commit()  # no lock held: a worker process reads this file meanwhile
        ImportIssue.objects.filter(job=job).delete()
        bad_keys: set[str] = {i.key for i in issues}  # the whole-file checks (repeated numbers, persons)
        stored = total = 0
        # The later households are checked by a worker process while this one checks the first ones and
        # the survey sheets (imports/parallel.py); each writes its plans to a file of its own.
        before = _database_state(job.created_by, db)
        starts = staging.batch_starts(db, BATCH)
        split = _split(starts, h_total + m_total, i_total + a_total)
        here, there = str(stage_path(job)) + ".v0", str(stage_path(job)) + ".v1"
        worker = None
        if split < len(starts) and parallel.may_fork(database=True):
            worker = parallel.Forked(_check_part_alone, job, there, layout, starts[split], None, split, set(bad_keys))
            stop = starts[split]
        else:
            stop = None
        try:
            for batch_issues in _check_part(job, here, layout, "", stop, 0, bad_keys, issues=issues):
                bad_keys.update(i.key for i in batch_issues)
                stored += _store_issues(job, batch_issues[: max(MAX_ISSUES_STORED - stored, 0)])
                total += len(batch_issues)
            issues.clear()
            report = _every_second(job)
            creator = job.created_by
            assert creator is not None  # import_job_create sets it and PROTECT keeps it
            survey = survey_validate(
                user=creator, db=db, issues=issues, progress=lambda n: report(h_total + m_total + n)
            )
            for _batch in survey:
                bad_keys.update(i.key for i in issues)
                stored += _store_issues(job, issues[: max(MAX_ISSUES_STORED - stored, 0)])
                total += len(issues)
                issues.clear()
            if worker is not None:  # its households' issues, in their order
                worker.result()
                worker = None
                side = staging.open_stage(there)
                for (data,) in side.execute("SELECT data FROM issues ORDER BY n"):
                    batch_issues = pickle.loads(data)  # noqa: S301 - written by this job's own worker
                    bad_keys.update(i.key for i in batch_issues)
                    stored += _store_issues(job, batch_issues[: max(MAX_ISSUES_STORED - stored, 0)])
                    total += len(batch_issues)
                side.close()
            for path in (here, there) if stop is not None else (here,):
                db.execute("ATTACH DATABASE ? AS side", (path,))
                db.execute("INSERT INTO plans SELECT n, data FROM side.plans")
                db.commit()
                db.execute("DETACH DATABASE side")
            # The database did not change while the households were checked: the commit may trust the
            # plans while it stays so (_commit).
            if before is not None and before == _database_state(job.created_by, db):
                db.execute("INSERT OR REPLACE INTO meta VALUES ('checked_state', ?)", (before,))
                db.commit()
        finally:
            if worker is not None:
                worker.cancel()
            for path in (here, there):
                Path(path).unlink(missing_ok=True)
        known = {row[0] for row in db.execute("SELECT DISTINCT key FROM h")} if bad_keys else set()
        known |= staging.survey_keys(db) if bad_keys else set()
        _progress(
            job,
            JobState.VALIDATED,
            error_count=total,
            households_invalid=len(bad_keys & known),
            rows_done=rows_total,
            result={"incomes_total": i_total, "assessments_total": a_total},
        )
    finally:
        db.close()


def _store_issues(job: ImportJob, issues: list) -> int:
    ImportIssue.objects.bulk_create(
        (
            ImportIssue(
                job=job,
                sheet=i.sheet,
                row=i.row,
                column=i.column,
                header=i.header[:40],
                household_key=i.key[:40],
                code=i.code,
                message=i.message[:300],
                value=i.value[:100],
                sensitive=i.sensitive,
            )
            for i in issues
        ),
        batch_size=2000,
    )
    return len(issues)


def _split(starts: list[str], household_rows: int, survey_rows: int) -> int:
    """The first batch the worker process checks: it takes the later households, this process the
    earlier ones and the survey rows, so that both end at about the same time (a survey row costs about
    half a household sheet row: measured with bench/import.py)."""
    if len(starts) < 2:
        return len(starts)
    mine = max(0.0, 0.5 - 0.25 * survey_rows / max(household_rows, 1))
    return min(max(1, round(len(starts) * mine)), len(starts) - 1)


def _check_part(job, side_path, layout, start, stop, first, bad_keys, issues=None):
    """Parse and check the staged households from key `start` to `stop` (None: the end), batches numbered
    from `first`, writing their plans to the SQLite file `side_path`. With `issues` (this process) it
    yields each batch's issues; without (the worker process) it keeps them in that file too."""
    side = staging.open_stage(side_path)
    side.execute("CREATE TABLE IF NOT EXISTS plans (n INTEGER PRIMARY KEY, data BLOB)")
    side.execute("CREATE TABLE IF NOT EXISTS issues (n INTEGER PRIMARY KEY, data BLOB)")
    db = staging.open_stage(str(stage_path(job)))  # its own connection: the worker may not share one
    here = issues is not None
    batch_issues = issues if here else []
    try:
        for n, (plans, _rows) in enumerate(_batches(job, db, layout, batch_issues, start, stop, report=here), first):
            keys = bad_keys | {i.key for i in batch_issues}
            for plan in plans:
                plan.valid = plan.key not in keys
            # Kept for the commit, which then re-runs only the checks against the database.
            side.execute("INSERT INTO plans VALUES (?, ?)", (n, pickle.dumps(plans, pickle.HIGHEST_PROTOCOL)))
            if here:
                yield list(batch_issues)
            elif batch_issues:
                side.execute("INSERT INTO issues VALUES (?, ?)", (n, pickle.dumps(batch_issues)))
            batch_issues.clear()
        side.commit()
    finally:
        side.close()
        db.close()


def _check_part_alone(*args) -> None:
    """The worker process's share: run _check_part to its end."""
    for _batch in _check_part(*args):
        pass


def _batches(job, db, layout, issues, start="", stop=None, *, report=True):
    """Parse and check the staged households a batch at a time, yielding the plans of each batch."""
    user = job.created_by
    groups, rows = [], 0
    done = 0
    progress = _every_second(job) if report else (lambda done: None)
    for group in staging.households(db, start, stop):
        groups.append(group)
        rows += len(group[1]) + len(group[2])
        if len(groups) >= BATCH:
            plans = parse_batch(groups, layout, issues)
            check_batch(user=user, plans=plans, layout=layout, issues=issues)
            yield plans, rows
            done += rows
            progress(done)
            groups, rows = [], 0
    if groups:
        plans = parse_batch(groups, layout, issues)
        check_batch(user=user, plans=plans, layout=layout, issues=issues)
        yield plans, rows
        done += rows
        progress(done)


def _database_state(user, db) -> str | None:
    """The digest of what the checks of this file read from the database (validate.database_state)."""
    keys = [key for (key,) in db.execute("SELECT DISTINCT key FROM h")]
    codes = {staging.unpack(vals)[1].strip() for (vals,) in db.execute("SELECT vals FROM h")}
    id_numbers = [idn for (idn,) in db.execute("SELECT DISTINCT idn FROM m WHERE idn != ''")]
    return database_state(user=user, codes=codes, keys=keys, id_numbers=id_numbers)


def _unchanged_since_checked(user, db) -> bool:
    row = db.execute("SELECT v FROM meta WHERE k = 'checked_state'").fetchone()
    return row is not None and row[0] == _database_state(user, db)


def _stored_batches(job, db, layout, issues, *, recheck=True):
    """The batches the dry run parsed, re-checked against the database as it is now (`recheck`), or as
    the dry run checked them when the database has not changed since (_unchanged_since_checked)."""
    done = 0
    report = _every_second(job)
    for (data,) in db.execute("SELECT data FROM plans ORDER BY n"):
        plans = pickle.loads(data)  # noqa: S301 - written by _validate into this job's own staging file
        if recheck:
            reset_for_recheck(plans)
            check_batch(user=job.created_by, plans=plans, layout=layout, issues=issues)
        rows = sum(1 + len(p.members) for p in plans)
        yield plans, rows
        done += rows
        report(done)


def _has_plans(db) -> bool:
    found = db.execute("SELECT name FROM sqlite_master WHERE name = 'plans'").fetchone()
    return bool(found) and db.execute("SELECT COUNT(*) FROM plans").fetchone()[0] > 0


def import_job_run_commit(*, job_id: int) -> None:
    """The import itself (§13): re-check each batch against the database and write its valid households."""
    job = ImportJob.objects.select_related("created_by__scope").get(pk=job_id)
    if job.state != JobState.COMMITTING:
        return  # a redelivered task of a job already done
    # Written in the name of its creator (_commit): the tracked saves (accounts.audit) name them too.
    with translation.override(job.language), acting_as(job.created_by):
        try:
            _commit(job)
        except XlsxError as exc:
            _fail(job, str(exc))
        except Exception:
            log.exception("import %s failed", job_id)
            _fail(job, _("The import stopped because of an internal error; the administrator has been told."))
            raise


def _commit(job: ImportJob) -> None:
    user = job.created_by
    if user is None:  # import_job_create sets it and PROTECT keeps it: the import is written in its name
        raise ValueError(f"import job {job.pk} has no creator")
    path = stage_path(job)
    if path.exists():
        db = staging.open_stage(str(path))
    else:
        db, _i, _u = staging.stage_file(path=job.file.path, stage_path=str(path))
    try:
        issues = staging.file_level_issues(db)
        # Households the dry run refused stay refused (formula cells are found only while reading).
        bad_keys = {i.key for i in issues} | set(job.issues.values_list("household_key", flat=True).distinct())
        layout = _layout(db)
        numbering = Numbering(_file_max_numbers(db))
        reason = reason_for(job.pk)
        status = job.new_status  # §6.2: applicants, or poor in province staff's migration
        result: dict[str, Any] = {
            "new_status": status,
            "created": 0,
            "updated": 0,
            "members_created": 0,
            "members_updated": 0,
            "clashes": [],
            "skipped": 0,
            "numbers": {},
            **{name: job.result.get(name, 0) for name in ("incomes_total", "assessments_total")},
        }
        batches: Callable
        if _has_plans(db):
            batches = partial(_stored_batches, recheck=not _unchanged_since_checked(user, db))
        else:
            batches = _batches
        survey_layout = staging.survey_layout(db)
        has_survey = any(positions is not None for positions in survey_layout.values())
        # The numbers of the households written, for the survey rows that name them by their key in the file.
        db.execute("CREATE TABLE IF NOT EXISTS written (key TEXT PRIMARY KEY, number TEXT)")

        def tally(good, counts):
            for name in ("created", "updated", "members_created", "members_updated"):
                result[name] += counts[name]
            result["clashes"] += counts["clashes"][: 1000 - len(result["clashes"])]
            result["skipped"] += len(counts["clashes"])
            if len(result["numbers"]) < 1000:
                result["numbers"].update({p.key: p.number for p in good if p.key not in counts["clashes"]})
            if has_survey:
                db.executemany(
                    "INSERT OR REPLACE INTO written VALUES (?, ?)",
                    [(p.key, p.number) for p in good if p.key not in counts["clashes"]],
                )

        # Batches n and n + 1 are written (in threads of their own on PostgreSQL) while batch n + 2 is
        # checked and its rows are built, so the writers are left with nothing but COPYs.
        overlap = can_overlap()
        with BatchWriter(overlap=overlap) as writer:
            for plans, _rows in batches(job, db, layout, issues):
                bad_keys.update(i.key for i in issues)
                issues.clear()
                good = [p for p in plans if p.valid and p.key not in bad_keys and p.village_id]
                result["skipped"] += len(plans) - len(good)
                write = None
                if overlap:
                    prerender(good)
                    write = prepare_batch(
                        user=user, plans=good, layout=layout, reason=reason, numbering=numbering, status=status
                    )
                alone = write is None  # write_batch locks villages and reads rows: not beside another
                writer.submit(
                    write
                    or partial(
                        write_batch,
                        user=user,
                        plans=good,
                        layout=layout,
                        reason=reason,
                        numbering=numbering,
                        status=status,
                    ),
                    partial(tally, good),
                    alone=alone,
                )
        if has_survey:  # after the households, so that rows may name the file's new households
            report = _every_second(job)
            done = job.households_total + job.members_total
            result.update(
                survey_commit(
                    user=user,
                    job_id=job.pk,
                    region_id=job.scope_id,
                    db=db,
                    bad_keys=bad_keys,
                    reason=reason,
                    progress=lambda n: report(done + n),
                )
            )
        else:
            result.update(dict.fromkeys(SURVEY_COUNTS, 0))
        tally_refresh_in(job.scope)  # the households went in by COPY, unseen by the tallies' signals
        _progress(job, JobState.DONE, result=result)
        # The households and members went in bulk, unseen by the change tracking: one entry for the job
        # with its counts (§9, docs/audit.md).
        counts = {name: result[name] for name in ("created", "updated", "members_created", "members_updated")}
        counts.update({name: result[name] for name in SURVEY_COUNTS if result.get(name)})  # incomes, assessments
        audit_record(
            user=user,
            action=AuditAction.CHANGE,
            object_type="import",
            object_id=job.pk,
            object_repr=str(job),
            entry_region=job.scope_id,
            skipped=result["skipped"],
            as_identified=job.as_identified,
            **counts,
        )
    finally:
        db.close()
    path.unlink(missing_ok=True)


def _file_max_numbers(db) -> dict[str, int]:
    """The highest village code + 4-digit number each village has in the file, so assigned ones go above."""
    out: dict[str, int] = {}
    for key, vals in db.execute("SELECT key, vals FROM h WHERE length(key) = 16"):
        village = staging.unpack(vals)[1] or ""
        if key.isdigit() and key.startswith(village) and len(village) == 12:
            out[village] = max(out.get(village, 0), int(key[12:]))
    return out
