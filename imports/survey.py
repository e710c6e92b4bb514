"""The survey sheets of an import (issue 13, §13): their dry run and their commit, a batch at a time.

收入情况 writes one income record per household and year, 两不愁评估 a dated two no-worries assessment.
The dry run reads every row (imports/xlsx/survey.py) and reports each bad cell; the commit, after the
households of the same file are written, checks the rows again against the database and writes a batch
set-based, as imports/writer.py does: new records in one COPY (bulk_create off PostgreSQL) with their
historical records, changed ones in one UPDATE with theirs, unchanged ones not at all. A closed year's
correction keeps its reason in the history and in one audit entry per batch."""

import sqlite3
from collections.abc import Callable, Iterator

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.models import AuditAction, User
from accounts.services import audit_record
from households.income import INCOME_ITEMS
from households.models import Assessment, Income
from households.services import INCOME_REASON_MAX
from villages.working_year import working_year

from . import copy
from .xlsx import staging
from .xlsx.columns import HOUSEHOLD_COLUMNS, CellError, read_cell
from .xlsx.staging import Issue
from .xlsx.survey import SurveyRow, Target, check_assessments, check_incomes, parse_survey, scope_targets

BATCH = 1000  # households a batch, as the household sheets
# The figures of a commit (ImportJob.result): rows written, rows equal to what is stored, rows skipped
# (their household has errors, was not written, or the re-check against the database refused them).
SURVEY_COUNTS = (
    "incomes_created",
    "incomes_updated",
    "assessments_created",
    "assessments_updated",
    "survey_unchanged",
    "survey_skipped",
)
UPDATE_BATCH = 100  # as imports.writer: bulk_update is quadratic in its batch
_YEAR = next(i for i, col in enumerate(HOUSEHOLD_COLUMNS) if col.field == "identification_year")


def _batches(db: sqlite3.Connection, table: str) -> Iterator[list[tuple[str, list]]]:
    """The staged groups (key, rows) of a survey sheet, BATCH households at a time."""
    groups: list[tuple[str, list]] = []
    for group in staging.survey_groups(db, table):
        groups.append(group)
        if len(groups) >= BATCH:
            yield groups
            groups = []
    if groups:
        yield groups


def _in(keys) -> str:
    return ", ".join("?" * len(keys))


def _file_targets(db: sqlite3.Connection, user: User, keys: list[str]) -> dict[str, Target]:
    """At the dry run: the households of the file's 户信息 (registered in scope or new) and the registered
    households in scope that the rows name."""
    targets = scope_targets(user, keys)
    sql = f"SELECT key, vals FROM h WHERE key IN ({_in(keys)})"  # noqa: S608 - placeholders only
    for key, vals in db.execute(sql, keys):
        try:
            year = read_cell(HOUSEHOLD_COLUMNS[_YEAR], staging.unpack(vals)[_YEAR])
        except CellError:
            year = None  # reported on 户信息 already
        registered = targets.get(key)
        targets[key] = Target(
            registered.household_id if registered else None,
            year if year is not None else (registered.identification_year if registered else None),
            key,
            registered.closed if registered else False,
        )
    return targets


def _written_targets(db: sqlite3.Connection, user: User, keys: list[str]) -> dict[str, Target]:
    """At the commit: a key of the file's 户信息 means the household just written under its number (none
    when it was not written); any other key a registered household in scope."""
    in_file = {key for (key,) in db.execute(f"SELECT DISTINCT key FROM h WHERE key IN ({_in(keys)})", keys)}  # noqa: S608
    numbers = dict(db.execute(f"SELECT key, number FROM written WHERE key IN ({_in(keys)})", keys))  # noqa: S608
    wanted = {numbers[k] for k in in_file if k in numbers} | {k for k in keys if k not in in_file}
    by_number = scope_targets(user, wanted)
    targets = {}
    for key in keys:
        number = numbers.get(key) if key in in_file else key
        if number is not None and number in by_number:
            targets[key] = by_number[number]
    return targets


def _check(table: str, rows: list[SurveyRow], targets, positions, issues: list[Issue], *, last, today):
    if table == "i":
        return check_incomes(rows, targets, positions, issues, last=last)
    return check_assessments(rows, targets, positions, issues, today=today)


def survey_validate(*, user: User, db: sqlite3.Connection, issues: list[Issue], progress: Callable[[int], None]):
    """The dry run of the survey sheets: yields after each batch, its issues appended to `issues`."""
    layout = staging.survey_layout(db)
    last, today = working_year(), timezone.localdate()
    done = 0
    for table in ("i", "a"):
        positions = layout.get(table)
        if positions is None:
            continue
        for groups in _batches(db, table):
            rows = parse_survey(table, groups, positions, issues)
            targets = _file_targets(db, user, [key for key, _rows in groups])
            _check(table, rows, targets, positions, issues, last=last, today=today)
            done += len(rows)
            progress(done)
            yield


def survey_commit(
    *,
    user: User,
    job_id: int,
    region_id: int | None,
    db: sqlite3.Connection,
    bad_keys: set[str],
    reason: str,
    progress: Callable[[int], None],
) -> dict:
    """Write the survey rows of households without errors, each batch in one transaction (after the
    households of the file are written and their numbers kept in the staging table `written`)."""
    layout = staging.survey_layout(db)
    last, today = working_year(), timezone.localdate()
    counts = dict.fromkeys(SURVEY_COUNTS, 0)
    done = 0
    for table in ("i", "a"):
        positions = layout.get(table)
        if positions is None:
            continue
        for groups in _batches(db, table):
            wanted = [(key, rows) for key, rows in groups if key not in bad_keys]
            rows = parse_survey(table, wanted, positions, []) if wanted else []
            audit = {"import_job": job_id, "entry_region": region_id}
            written = _commit_batch(user, audit, db, table, rows, positions, reason, last=last, today=today)
            size = sum(len(r) for _key, r in groups)
            for name, n in written.items():
                counts[name] += n
            counts["survey_skipped"] += size - sum(written.values())
            done += size
            progress(done)
    return counts


def _commit_batch(user, audit, db, table, rows, positions, reason, *, last, today) -> dict:
    """Re-check a batch against the database and write it; a clash with a concurrent writer (the same
    household and year just written by someone else) is checked and written once more."""
    for attempt in (1, 2):
        if not rows:
            return {}
        targets = _written_targets(db, user, sorted({row.key for row in rows}))
        for row in rows:
            row.household_id, row.target_id, row.changed = None, None, True
        good = _check(table, rows, targets, positions, [], last=last, today=today)
        try:
            with transaction.atomic():
                if table == "i":
                    return _write_incomes(user, audit, good, targets, reason)
                return _write_assessments(user, good)
        except IntegrityError:
            if attempt == 2:
                return {}
    return {}


def _history_reason(reason: str, row: SurveyRow) -> str:
    """The import's reason, and for a closed year's correction the row's own (the history keeps 100)."""
    own = (row.fields.get("reason") or "").strip() if row.closed else ""
    return f"{reason}: {own}"[:INCOME_REASON_MAX] if own else reason[:INCOME_REASON_MAX]


def _write_incomes(user: User, audit: dict, rows: list[SurveyRow], targets, reason: str) -> dict:
    now = timezone.now()
    when = now.isoformat()
    changed = [row for row in rows if row.changed]
    new = [row for row in changed if row.target_id is None]
    old = [row for row in changed if row.target_id is not None]
    base = copy.defaults(Income)
    stamp = {"created_by_id": user.pk, "created_at": when, "updated_at": when}
    created = [
        {**base, **row.values, "household_id": row.household_id, "year": row.fields["year"], **stamp} for row in new
    ]
    ids = copy.insert(Income, created)
    if created:
        history = copy.history_rows(Income, created, ids, user_id=user.pk, reason=reason, when=when)
        for record, row in zip(history, new, strict=True):
            record["history_change_reason"] = _history_reason(reason, row)
        copy.insert(Income.history.model, history, with_ids=False)
    if old:
        instances = Income.objects.in_bulk([row.target_id for row in old])
        for row in old:
            record = instances[row.target_id]
            for name in INCOME_ITEMS:
                setattr(record, name, row.values[name])
            record.updated_at = now
            record._change_reason = _history_reason(reason, row)  # type: ignore[attr-defined]
        _update(user, Income, list(instances.values()), [*INCOME_ITEMS, "updated_at"], reason, when)
    corrections = [
        {"number": targets[row.key].number, "year": row.fields["year"], "reason": row.fields.get("reason") or ""}
        for row in changed
        if row.closed
    ]
    if corrections:  # §9, issue 13: a closed year's income changed by a file
        audit_record(
            user=user,
            action=AuditAction.CHANGE,
            object_type="income",
            object_id="",
            corrections=corrections,
            **audit,  # the import job, and its scope as the entry's region
        )
    return {"incomes_created": len(new), "incomes_updated": len(old), "survey_unchanged": len(rows) - len(changed)}


def _update(user: User, model, objs: list, fields: list[str], reason: str, when: str) -> None:
    """Changed rows and their "~" historical records (as imports.writer), each with its own reason."""
    if connection.vendor != "postgresql":
        bulk_update_with_history(
            objs, model, fields, batch_size=UPDATE_BATCH, default_user=user, default_change_reason=reason
        )
        return
    rows = [copy.row_of(obj) for obj in objs]
    copy.update(model, rows, [model._meta.get_field(name).attname for name in fields])
    history = copy.history_rows(
        model, rows, [r["id"] for r in rows], user_id=user.pk, reason=reason, when=when, kind="~"
    )
    for record, obj in zip(history, objs, strict=True):
        record["history_change_reason"] = getattr(obj, "_change_reason", reason)
    copy.insert(model.history.model, history, with_ids=False)


def _write_assessments(user: User, rows: list[SurveyRow]) -> dict:
    now = timezone.now()
    when = now.isoformat()
    changed = [row for row in rows if row.changed]
    new = [row for row in changed if row.target_id is None]
    old = [row for row in changed if row.target_id is not None]
    base = copy.defaults(Assessment)
    stamp = {"created_by_id": user.pk, "created_at": when, "updated_at": when}
    copy.insert(
        Assessment, [{**base, **row.values, "household_id": row.household_id, **stamp} for row in new], with_ids=False
    )
    if old:  # an assessment of a date already recorded is corrected (a re-import repeats nothing)
        instances = Assessment.objects.in_bulk([row.target_id for row in old])
        for row in old:
            record = instances[row.target_id]
            for name, value in row.values.items():
                setattr(record, name, value)
            record.updated_at = now
        fields = ["food_secure", "clothing_secure", "note", "updated_at"]
        if connection.vendor == "postgresql":
            copy.update(Assessment, [copy.row_of(obj) for obj in instances.values()], fields)
        else:
            Assessment.objects.bulk_update(list(instances.values()), fields, batch_size=UPDATE_BATCH)
    return {
        "assessments_created": len(new),
        "assessments_updated": len(old),
        "survey_unchanged": len(rows) - len(changed),
    }
