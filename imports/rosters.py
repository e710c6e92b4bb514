"""Department rosters (§13): a list of ID numbers with a status for one member field, matched against the
current members in the roster's scope (its author's at upload), previewed, then applied with the roster as
the source of the change. A roster of a health fact is only for roles that may view health data (§9).

The upload is stored (under a random name, §9) and read by a task, like a household file: the page shows
the rows read, then the preview; applying is a task too, as a roster may change a county's members."""

import csv
import io
import logging
import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from accounts import access
from accounts.audit import acting_as
from accounts.models import AuditAction, User
from accounts.services import audit_record
from households import choices as c
from households.idnumber import normalise, parse_id_number
from households.models import Member
from households.selectors import member_list_for
from povertymgmt.tasks import enqueue

from .models import Roster, RosterField, RosterState
from .xlsx.columns import CellError, Column, read_cell
from .xlsx.labels import norm
from .xlsx.reader import Limits, Workbook, XlsxError, XlsxLimitError

log = logging.getLogger(__name__)

LIST_LIMIT = 200  # names shown in a report; the counts are always complete
MATCH_CHUNK = 5000  # ID numbers looked up per query
ID_HEADERS = {norm(h) for h in ("证件号码", "身份证号", "身份证号码", "公民身份号码", "id_number")}
STATUS_HEADERS = {norm(h) for h in ("状态", "status", "在校生状况", "是否参保", "是否享受")}
CERT_HEADERS = {norm(h) for h in ("残疾证号", "disability_certificate")}
BOOL_COLUMN = Column("状态", "status", "bool")
SCHOOL_COLUMN = Column("状态", "status", "choice", choices=c.SchoolStatus)

Progress = Callable[[int], None]

# §9: said by the upload form, roster_create and roster_apply to a role that may not view health data.
HEALTH_REFUSED = gettext_lazy("This roster holds health data (disability), which your role may not see or use.")


def _not_readable() -> ValidationError:
    return ValidationError(_("Upload the roster as an .xlsx or .csv file."))


def _csv_rows(path: str) -> Iterator[list[str | None]]:
    with open(path, "rb") as fh:  # at most the upload limit (forms.MAX_UPLOAD_BYTES)
        raw = fh.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("This CSV file is neither UTF-8 nor GBK text."))
    del raw
    try:
        for row in csv.reader(io.StringIO(text)):
            yield [cell.strip() or None for cell in row]
    except csv.Error as exc:  # a NUL byte, a field over csv's size limit
        raise ValidationError(_("This CSV file cannot be read: save it again from Excel or WPS.")) from exc


def _xlsx_rows(path: str) -> Iterator[list[str | None]]:
    """The first sheet's rows, streamed: the reader's limits (IMPORT_MAX_*, IMPORT_READ_SECONDS) refuse a
    crafted workbook within seconds and with flat memory (issue 12)."""
    try:
        book = Workbook(path, limits=Limits.from_settings())
    except XlsxError as exc:
        raise _not_readable() from exc
    try:
        first = next(iter(book.sheets), None)
        if first is None:
            raise _not_readable()
        for _n, values, _f in book.rows(first, width=20):
            yield values
    except XlsxLimitError as exc:  # a crafted file: say which limit refused it
        raise ValidationError(str(exc)) from exc
    except XlsxError as exc:
        raise _not_readable() from exc
    finally:
        book.close()


def _rows(path: str) -> Iterator[list[str | None]]:
    return _csv_rows(path) if path.lower().endswith(".csv") else _xlsx_rows(path)


def roster_read(*, path: str, field: str, progress: Progress | None = None) -> tuple[list[list], list[dict], int]:
    """The roster's entries [id, value, certificate], the first LIST_LIMIT lines that could not be read and
    how many could not. `progress(rows)` is told the rows read so far."""
    rows = _rows(path)
    first = next(rows, None)
    if first is None:
        raise ValidationError(_("The roster is empty."))
    headers = [norm(str(h or "")) for h in first]
    id_col = next((i for i, h in enumerate(headers) if h in ID_HEADERS), None)
    if id_col is None:
        raise ValidationError(_("The roster needs a column 证件号码 (ID number)."))
    status_col = next((i for i, h in enumerate(headers) if h in STATUS_HEADERS), None)
    cert_col = next((i for i, h in enumerate(headers) if h in CERT_HEADERS), None)
    if field == RosterField.SCHOOL and status_col is None:
        raise ValidationError(_("A school roster needs a column 状态 with the school stage."))
    column = SCHOOL_COLUMN if field == RosterField.SCHOOL else BOOL_COLUMN
    entries: list[list] = []
    errors: list[dict] = []
    error_count = 0
    seen: set[str] = set()

    def error(line: int, message: str) -> None:
        nonlocal error_count
        error_count += 1
        if len(errors) < LIST_LIMIT:  # a file of bad lines keeps memory flat: the count is complete
            errors.append({"row": line, "message": message})

    line = 1
    for line, row in enumerate(rows, start=2):
        if progress is not None:
            progress(line)

        def cell(i, row=row):
            return row[i] if i is not None and i < len(row) else None

        idn = normalise(cell(id_col) or "")
        if not idn:
            continue
        try:
            parse_id_number(idn)
            value = True if status_col is None and column is BOOL_COLUMN else read_cell(column, cell(status_col))
            if value is None:
                raise CellError(_("The status is missing."))
        except ValidationError as exc:
            error(line, exc.messages[0])
            continue
        except CellError as exc:
            error(line, str(exc))
            continue
        if idn in seen:
            error(line, _("This ID number is listed twice."))
            continue
        seen.add(idn)
        cert = normalise(cell(cert_col) or "")
        if cert and (len(cert) != 20 or cert[:18] != idn or cert[18] not in "1234567" or cert[19] not in "1234"):
            error(line, _("The disability certificate number does not match the ID number."))
            cert = ""
        entries.append([idn, value, cert])
    if progress is not None:
        progress(line)
    return entries, errors, error_count


def _match(
    user: User, roster: Roster, progress: Progress | None = None
) -> tuple[list[Member], dict[int, object], list[str], list[list], int]:
    """Members to change with their values before (by member id), roster lines not registered in the scope,
    scoped members missing from the roster (the first LIST_LIMIT of them) and how many are missing.
    `progress(entries)` is told the roster lines looked up so far.

    The scope is the roster's (its author's at upload) intersected with `user`'s: the author's when read,
    the applier's when applied (access.may_apply_roster: a scope that holds the roster's), so the
    application changes only members its preview could list (§1)."""
    wanted = {e[0]: e for e in roster.entries}
    in_roster_scope = access.region_q(roster.scope, "household__village", county="household__county")
    members = member_list_for(user).filter(in_roster_scope, departure="").select_related("household")
    found: set[str] = set()
    changes: list[Member] = []
    before_of: dict[int, object] = {}
    ids = list(wanted)
    for start in range(0, len(ids), MATCH_CHUNK):
        if progress is not None:
            progress(start)
        for member in members.filter(id_number__in=ids[start : start + MATCH_CHUNK]):
            found.add(member.id_number)
            _idn, value, cert = wanted[member.id_number]
            before = getattr(member, roster.field)
            changed = before != value
            setattr(member, roster.field, value)
            if roster.field == RosterField.DISABLED and cert and value:
                changed |= member.disability_certificate != cert
                member.disability_certificate = cert
                member.disability_category, member.disability_grade = cert[18], cert[19]
            if changed:
                before_of[member.pk] = before
                changes.append(member)
    if progress is not None:
        progress(len(ids))
    not_registered = [idn for idn in ids if idn not in found]
    missing: list[list] = []
    missing_count = 0
    for idn, name, number in (
        members.order_by().values_list("id_number", "name", "household__number").iterator(chunk_size=5000)
    ):
        if idn not in wanted:
            missing_count += 1
            if len(missing) < LIST_LIMIT:
                missing.append([idn, name, number])
    return changes, before_of, not_registered, missing, missing_count


def _report(
    roster: Roster, changes, before_of, not_registered, missing, missing_count, errors=None, error_count=None
) -> dict:
    return {
        "entries": len(roster.entries),
        "matched": len(roster.entries) - len(not_registered),
        "changes": len(changes),
        "change_list": [
            [m.id_number, m.name, m.household.number, _text(before_of[m.pk]), _text(getattr(m, roster.field))]
            for m in changes[:LIST_LIMIT]
        ],
        "not_registered_count": len(not_registered),
        "not_registered": not_registered[:LIST_LIMIT],
        "missing_count": missing_count,
        "missing": missing,
        "errors": (errors if errors is not None else roster.report.get("errors", []))[:LIST_LIMIT],
        "error_count": error_count if error_count is not None else roster.report.get("error_count", 0),
    }


def _text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value in c.SchoolStatus.values:
        return str(c.SchoolStatus(value).label)
    return str(value)


def roster_create(*, user: User, upload: UploadedFile, field: str, department: str = "") -> Roster:
    """Store a roster and queue its reading (§13); nothing in the registry changes. If the task queue is
    down, the roster is recorded failed with the reason at once: the user uploads it again."""
    from .tasks import roster_read as read_task

    if user.scope is None:  # may_import, checked by the pages, requires a scope: the roster is kept for it
        raise PermissionDenied
    if not access.may_use_roster_field(user, field):  # the form offers no such field to this role (§9)
        raise PermissionDenied(HEALTH_REFUSED)
    name = os.path.basename(upload.name or "")
    roster = Roster(
        created_by=user,
        scope=user.scope,
        field=field,
        department=department[:100],
        original_name=name[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        state=RosterState.PENDING,
    )
    extension = ".csv" if name.lower().endswith(".csv") else ".xlsx"  # the form accepts only these two
    roster.file.save(f"roster_{user.pk}{extension}", upload, save=False)
    roster.save()

    def not_queued(message: str) -> None:
        roster.state, roster.message = RosterState.FAILED, message[:500]
        Roster.objects.filter(pk=roster.pk).update(state=roster.state, message=roster.message)

    enqueue(read_task, roster.pk, on_failure=not_queued)
    return roster


def _save(roster: Roster, state: str | None = None, **fields) -> None:
    """Record the roster's progress at once (outside any transaction, so the page sees it)."""
    for name, value in fields.items():
        setattr(roster, name, value)
    if state:
        roster.state = state
    Roster.objects.filter(pk=roster.pk).update(state=roster.state, updated_at=timezone.now(), **fields)


def _every_second(roster: Roster) -> Progress:
    """A progress callback that writes at most once a second: each write is a durable commit of its own."""
    last = -1.0

    def report(done: int) -> None:
        nonlocal last
        if time.monotonic() - last >= 1.0:
            last = time.monotonic()
            _save(roster, rows_done=done)

    return report


def roster_run_read(*, roster_id: int) -> None:
    """Read a stored roster and match it with the members in its author's scope (§13); the report is the
    preview. Called by the task imports.tasks.roster_read. A file that cannot be read, crafted ones
    included, ends the roster as failed with the reason."""
    roster = Roster.objects.select_related("created_by", "scope").get(pk=roster_id)
    if roster.state not in (RosterState.PENDING, RosterState.READING, RosterState.MATCHING):
        return  # a redelivered task of a roster that has moved on
    with translation.override(roster.language), acting_as(roster.created_by):  # tracked saves name the author
        try:
            _read(roster)
        except ValidationError as exc:
            _save(roster, RosterState.FAILED, message=exc.messages[0][:500], entries=[])
        except Exception:
            log.exception("roster %s failed", roster_id)
            message = _("The roster could not be read because of an internal error; the administrator has been told.")
            _save(roster, RosterState.FAILED, message=message, entries=[])
            raise


def _read(roster: Roster) -> None:
    user = roster.created_by
    if user is None:  # roster_create sets it and PROTECT keeps it: the preview is of the author's scope
        raise ValueError(f"roster {roster.pk} has no author")
    _save(roster, RosterState.READING, rows_done=0, rows_total=0, message="")
    entries, errors, error_count = roster_read(
        path=roster.file.path, field=roster.field, progress=_every_second(roster)
    )
    roster.entries = entries
    _save(roster, RosterState.MATCHING, rows_done=0, rows_total=len(entries))
    report = _report(roster, *_match(user, roster, _every_second(roster)), errors=errors, error_count=error_count)
    _save(roster, RosterState.PREVIEW, entries=entries, report=report, rows_done=len(entries))


def roster_apply(*, user: User, roster: Roster) -> Roster:
    """Queue the application of a previewed roster (§13), in the name of `user`, who must be an importer
    whose scope holds the roster's (§1) and who may see its field (§9). If the task queue is down, the
    roster stays a preview with the reason: the user may press apply again."""
    from .tasks import roster_apply as apply_task

    if not access.may_use_roster_field(user, roster.field):
        raise PermissionDenied(HEALTH_REFUSED)
    if not access.may_apply_roster(user, roster.scope):
        raise PermissionDenied(
            _("Only an importer whose area includes the roster's area (%(region)s) may apply it.")
            % {"region": roster.scope.name}
        )
    with transaction.atomic():
        roster = Roster.objects.select_for_update().get(pk=roster.pk)
        if roster.state == RosterState.APPLIED:
            raise ValidationError(_("This roster has already been applied."))
        if roster.state == RosterState.APPLYING:
            raise ValidationError(_("This roster is being applied."))
        if roster.state != RosterState.PREVIEW:
            raise ValidationError(_("This roster cannot be applied: it has not been read."))
        roster.state, roster.applied_by, roster.rows_done, roster.message = RosterState.APPLYING, user, 0, ""
        roster.save(update_fields=["state", "applied_by", "rows_done", "message", "updated_at"])

    def not_queued(message: str) -> None:
        roster.state, roster.applied_by, roster.message = RosterState.PREVIEW, None, message[:500]
        Roster.objects.filter(pk=roster.pk).update(state=roster.state, applied_by=None, message=roster.message)

    enqueue(apply_task, roster.pk, on_failure=not_queued)
    return roster


def roster_run_apply(*, roster_id: int) -> None:
    """Apply a roster queued by roster_apply. Called by the task imports.tasks.roster_apply. One
    transaction: on an error nothing is written and the roster is a preview again, with the reason."""
    roster = Roster.objects.defer("entries", "report").select_related("applied_by").get(pk=roster_id)
    if roster.state != RosterState.APPLYING:
        return  # a redelivered task of a roster already applied
    # The tracked saves (accounts.audit) name who pressed apply, as the roster's own entry does.
    with translation.override(roster.language), acting_as(roster.applied_by):
        try:
            _apply(roster_id)
        except Exception:
            log.exception("roster %s could not be applied", roster_id)
            message = _(
                "The roster could not be applied because of an internal error; nothing was changed. "
                "The administrator has been told."
            )
            _save(roster, RosterState.PREVIEW, message=message, applied_by=None)
            raise


@transaction.atomic
def _apply(roster_id: int) -> None:
    """Bulk update with a historical record naming the roster (§13, §9), in the name of who pressed apply;
    the members matched are those of the roster's scope that the applier sees (_match)."""
    roster = Roster.objects.select_for_update(of=("self",)).select_related("applied_by").get(pk=roster_id)
    user = roster.applied_by
    if roster.state != RosterState.APPLYING or user is None:
        return
    changes, before_of, not_registered, missing, missing_count = _match(user, roster)
    fields = [roster.field, "updated_at"]
    if roster.field == RosterField.DISABLED:
        fields += ["disability_certificate", "disability_category", "disability_grade"]
    now = timezone.now()
    for member in changes:
        member.updated_at = now
    reason = _("Department roster #%(id)s (%(field)s)") % {"id": roster.pk, "field": roster.get_field_display()}
    bulk_update_with_history(changes, Member, fields, batch_size=2000, default_user=user, default_change_reason=reason)
    roster.report = _report(roster, changes, before_of, not_registered, missing, missing_count)
    roster.state, roster.applied_at, roster.rows_done = RosterState.APPLIED, now, len(roster.entries)
    roster.save(update_fields=["report", "state", "applied_at", "rows_done", "updated_at"])
    audit_record(
        user=user,
        action=AuditAction.CHANGE,
        object_type="roster",
        object_id=roster.pk,
        entry_region=roster.scope_id,
        field=roster.field,
        changed=len(changes),
        entries=len(roster.entries),
    )
