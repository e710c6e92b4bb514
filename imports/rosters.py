"""Department rosters (§13): a list of ID numbers with a status for one member field, matched against the
current members in the user's scope, previewed, then applied with the roster as the source of the change."""

import csv
import io
import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import AuditAction, User
from accounts.services import audit_record
from households import choices as c
from households.idnumber import normalise, parse_id_number
from households.models import Member
from households.selectors import member_list_for

from .models import Roster, RosterField, RosterState
from .xlsx.columns import CellError, Column, read_cell
from .xlsx.labels import norm
from .xlsx.reader import Limits, Workbook, XlsxError, XlsxLimitError

LIST_LIMIT = 200  # names shown in a report; the counts are always complete
ID_HEADERS = {norm(h) for h in ("证件号码", "身份证号", "身份证号码", "公民身份号码", "id_number")}
STATUS_HEADERS = {norm(h) for h in ("状态", "status", "在校生状况", "是否参保", "是否享受")}
CERT_HEADERS = {norm(h) for h in ("残疾证号", "disability_certificate")}
BOOL_COLUMN = Column("状态", "status", "bool")
SCHOOL_COLUMN = Column("状态", "status", "choice", choices=c.SchoolStatus)
# A roster is read inside the web request: its reader's time budget is that of a page, not of a task.
# A roster has a few columns: 80,000 rows of the 36-column template read in about 4 s here.
ROSTER_READ_SECONDS = 20.0


def _rows(upload: UploadedFile) -> list[list[str | None]]:
    name = (upload.name or "").lower()
    if name.endswith(".csv"):
        raw = upload.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("This CSV file is neither UTF-8 nor GBK text."))
        return [[cell.strip() or None for cell in row] for row in csv.reader(io.StringIO(text))]
    seconds = getattr(settings, "IMPORT_ROSTER_READ_SECONDS", ROSTER_READ_SECONDS)
    try:
        book = Workbook(upload, limits=Limits.from_settings(seconds=seconds))
        try:
            first = next(iter(book.sheets))
            return [values for _n, values, _f in book.rows(first, width=20)]
        finally:
            book.close()
    except XlsxLimitError as exc:  # a crafted file: say which limit refused it
        raise ValidationError(str(exc)) from exc
    except (XlsxError, StopIteration) as exc:
        raise ValidationError(_("Upload the roster as an .xlsx or .csv file.")) from exc


def roster_read(*, upload: UploadedFile, field: str) -> tuple[list[list], list[dict]]:
    """The roster's entries [id, value, certificate] and the lines that could not be read."""
    rows = _rows(upload)
    if not rows:
        raise ValidationError(_("The roster is empty."))
    headers = [norm(str(h or "")) for h in rows[0]]
    id_col = next((i for i, h in enumerate(headers) if h in ID_HEADERS), None)
    if id_col is None:
        raise ValidationError(_("The roster needs a column 证件号码 (ID number)."))
    status_col = next((i for i, h in enumerate(headers) if h in STATUS_HEADERS), None)
    cert_col = next((i for i, h in enumerate(headers) if h in CERT_HEADERS), None)
    if field == RosterField.SCHOOL and status_col is None:
        raise ValidationError(_("A school roster needs a column 状态 with the school stage."))
    column = SCHOOL_COLUMN if field == RosterField.SCHOOL else BOOL_COLUMN
    entries, errors, seen = [], [], set()
    for line, row in enumerate(rows[1:], start=2):

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
            errors.append({"row": line, "message": exc.messages[0]})
            continue
        except CellError as exc:
            errors.append({"row": line, "message": str(exc)})
            continue
        if idn in seen:
            errors.append({"row": line, "message": _("This ID number is listed twice.")})
            continue
        seen.add(idn)
        cert = normalise(cell(cert_col) or "")
        if cert and (len(cert) != 20 or cert[:18] != idn or cert[18] not in "1234567" or cert[19] not in "1234"):
            errors.append(
                {"row": line, "message": _("The disability certificate number does not match the ID number.")}
            )
            cert = ""
        entries.append([idn, value, cert])
    return entries, errors


def _match(user: User, roster: Roster) -> tuple[list[Member], dict[int, object], list[str], list[list], int]:
    """Members to change with their values before (by member id), roster lines not registered in the scope,
    scoped members missing from the roster (the first LIST_LIMIT of them) and how many are missing."""
    wanted = {e[0]: e for e in roster.entries}
    members = member_list_for(user).filter(departure="").select_related("household")
    found: set[str] = set()
    changes: list[Member] = []
    before_of: dict[int, object] = {}
    ids = list(wanted)
    for start in range(0, len(ids), 5000):
        for member in members.filter(id_number__in=ids[start : start + 5000]):
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


def _report(roster: Roster, changes, before_of, not_registered, missing, missing_count, errors=None) -> dict:
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
        "error_count": len(errors) if errors is not None else roster.report.get("error_count", 0),
    }


def _text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value in c.SchoolStatus.values:
        return str(c.SchoolStatus(value).label)
    return str(value)


def roster_create(*, user: User, upload: UploadedFile, field: str, department: str = "") -> Roster:
    """Read a roster and store it with its preview (§13); nothing in the registry changes yet."""
    if user.scope is None:  # may_import, checked by the pages, requires a scope: the roster is kept for it
        raise PermissionDenied
    entries, errors = roster_read(upload=upload, field=field)
    roster = Roster.objects.create(
        created_by=user,
        scope=user.scope,
        field=field,
        department=department[:100],
        original_name=os.path.basename(upload.name or "")[:200],
        entries=entries,
    )
    roster.report = _report(roster, *_match(user, roster), errors=errors)
    roster.save(update_fields=["report"])
    return roster


@transaction.atomic
def roster_apply(*, user: User, roster: Roster) -> Roster:
    """Apply a previewed roster: bulk update with a historical record naming the roster (§13, §9)."""
    roster = Roster.objects.select_for_update().get(pk=roster.pk)
    if roster.state != RosterState.PREVIEW:
        raise ValidationError(_("This roster has already been applied."))
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
    roster.state, roster.applied_at, roster.applied_by = RosterState.APPLIED, now, user
    roster.save(update_fields=["report", "state", "applied_at", "applied_by", "updated_at"])
    audit_record(
        user=user,
        action=AuditAction.CHANGE,
        object_type="roster",
        object_id=roster.pk,
        field=roster.field,
        changed=len(changes),
        entries=len(roster.entries),
    )
    return roster
