"""Validation of staged households, a batch at a time, with set-based lookups (§3, §8.1, §13).

Every rule the registry's forms and services apply is checked here: cell formats and choices (columns),
ID numbers (households.idnumber.parse_id_number), non-negative numbers, months 0–12, other causes
unlike the main one, irrigated land within arable land, exactly one head and at most one spouse, one
person in one live household, and the village inside the user's scope. A batch costs a fixed number
of queries whatever its size."""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Lookup, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import access
from accounts.access import regions_for
from accounts.models import User
from households import choices as c
from households.idnumber import parse_id_number
from households.models import Household, Member
from households.selectors import household_list_for
from villages.models import Level

from .columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET, CellError, read_cell
from .reader import column_letter
from .staging import Issue

# The form of a registry household number: a 12-digit village code and a 4-digit sequence (§3.1).
HOUSEHOLD_NUMBER = re.compile(r"\d{16}")


@dataclass
class MemberPlan:
    row: int
    fields: dict
    target_id: int | None = None  # the current member this row updates
    csv: str = ""  # its new row's columns from the file as COPY text (writer.prerender)


@dataclass
class HouseholdPlan:
    key: str
    row: int
    fields: dict
    members: list[MemberPlan]
    village_id: int | None = None
    county_id: int | None = None
    village_code: str = ""
    target_id: int | None = None  # the household this row updates
    number: str = ""  # kept for a new household when it is village code + 4 digits
    valid: bool = True
    csv: str = ""  # as MemberPlan.csv


@dataclass
class Layout:
    """Where each template column sits in the uploaded sheets (None: the column is absent)."""

    household: list[int | None]
    member: list[int | None]
    h_present: set = field(default_factory=set)
    m_present: set = field(default_factory=set)

    def __post_init__(self):
        self.h_present = {col.field for col, p in zip(HOUSEHOLD_COLUMNS, self.household, strict=True) if p is not None}
        self.m_present = {col.field for col, p in zip(MEMBER_COLUMNS, self.member, strict=True) if p is not None}


def _issue(sheet, row, columns, positions, fld, code, message, key, raw=None) -> Issue:
    index = {col.field: i for i, col in enumerate(columns)}.get(fld) if fld else None
    col = columns[index] if index is not None else None
    pos = positions[index] if index is not None else None
    return Issue(
        sheet,
        row,
        column_letter(pos) if pos is not None else "",
        col.header if col else "",
        code,
        message,
        key=key,
        value=(raw or "")[:100],
        sensitive=bool(col and col.sensitive),
    )


# Choices, yes/no and small numbers repeat on nearly every row: each distinct cell text is read once,
# and a batch is read a column at a time, so a cell read before costs one C-level dictionary look-up.
_MEMO_KINDS = {"bool", "choice", "int", "decimal", "date"}
_MEMO_LIMIT = 10_000
_memo: dict[tuple, list] = {}


class _Bad(str):
    """What to type instead, for a cell that cannot be read (a memoised CellError)."""


def _read(col, raw):
    try:
        return read_cell(col, raw)
    except CellError as exc:
        return _Bad(exc)


def _parse_rows(sheet, columns, positions, rows, numbers, keys, issues, language) -> list[dict]:
    """The fields of many rows of one sheet; a cell that cannot be read is left out and reported."""
    memos = _memo.get((language, sheet))
    if memos is None:
        memos = _memo[(language, sheet)] = [({}, set()) if col.kind in _MEMO_KINDS else None for col in columns]
    names, values_by_column, bad = [], [], []
    for i, col in enumerate(columns):
        if positions[i] is None:
            continue
        names.append(col.field)
        raws = [values[i] for values in rows]
        if memos[i] is None:
            got = [_read(col, raw) for raw in raws]
            if any(type(v) is _Bad for v in got):
                bad.append((i, col, raws, got))
        else:
            memo, bad_raws = memos[i]
            new = set(raws).difference(memo)  # texts not read before: usually none
            fresh_bad = False
            if not new:
                got = list(map(memo.get, raws))
            else:
                read = {raw: _read(col, raw) for raw in new}
                fresh_bad = any(type(value) is _Bad for value in read.values())
                if len(memo) + len(read) <= _MEMO_LIMIT:
                    memo.update(read)
                    bad_raws.update(raw for raw, value in read.items() if type(value) is _Bad)
                    got = list(map(memo.get, raws))
                else:  # a column of all-different numbers or dates: read, not remembered
                    got = [read[raw] if raw in read else memo[raw] for raw in raws]
            if fresh_bad or (bad_raws and not bad_raws.isdisjoint(raws)):
                bad.append((i, col, raws, got))
        values_by_column.append(got)
    out = [dict(zip(names, values, strict=True)) for values in zip(*values_by_column, strict=True)]
    errors = []
    for i, col, raws, got in bad:
        for n, value in enumerate(got):
            if type(value) is _Bad:
                del out[n][col.field]
                issue = _issue(
                    sheet,
                    numbers[n],
                    columns,
                    positions,
                    col.field,
                    f"invalid_{col.kind}",
                    str(value),
                    keys[n],
                    raws[n],
                )
                errors.append((n, i, issue))
    errors.sort(key=lambda e: e[:2])  # row by row, column by column, as a reader of the file goes
    issues.extend(e[2] for e in errors)
    return out


# The survey sheets (imports/xlsx/survey.py) read their cells the same way.
parse_rows = _parse_rows


def _check_household(plan: HouseholdPlan, layout: Layout, issues: list[Issue]) -> None:
    f = plan.fields
    main = f.get("main_cause")
    seen = []
    for name in ("other_cause_1", "other_cause_2"):
        other = f.get(name)
        if other and (other == main or other in seen):
            issues.append(
                _hissue(
                    plan,
                    layout,
                    name,
                    "cause_repeated",
                    _("An other cause must differ from the main cause and from each other."),
                )
            )
        seen.append(other)
    arable, irrigated = f.get("arable_land"), f.get("irrigated_land")
    if arable is not None and irrigated is not None and irrigated > arable:
        issues.append(
            _hissue(
                plan,
                layout,
                "irrigated_land",
                "irrigated_exceeds_arable",
                _("Irrigated land cannot exceed arable land."),
            )
        )


def _hissue(plan, layout, fld, code, message, raw=None):
    return _issue(HOUSEHOLD_SHEET, plan.row, HOUSEHOLD_COLUMNS, layout.household, fld, code, message, plan.key, raw)


def _missue(member, plan, layout, fld, code, message, raw=None):
    return _issue(MEMBER_SHEET, member.row, MEMBER_COLUMNS, layout.member, fld, code, message, plan.key, raw)


def _check_member(
    member: MemberPlan, plan: HouseholdPlan, layout: Layout, issues: list[Issue], today: dt.date | None = None
) -> None:
    f = member.fields
    idn = (f.get("id_number") or "").upper()
    f["id_number"] = idn
    f["id_type"] = f.get("id_type") or c.IdType.RESIDENT_ID
    if f["id_type"] == c.IdType.RESIDENT_ID:
        if idn:
            try:
                info = parse_id_number(idn, today=today)
            except ValidationError as exc:
                issues.append(_missue(member, plan, layout, "id_number", f"id_{exc.code}", exc.messages[0], idn))
            else:
                f["birth_date"], f["sex"] = info.birth_date, info.sex
    else:
        for name in ("birth_date", "sex"):
            if not f.get(name):
                issues.append(
                    _missue(
                        member,
                        plan,
                        layout,
                        name,
                        "required_for_other_id",
                        _("Fill this in for a person without a resident ID card."),
                    )
                )
    cert = f.get("disability_certificate") or ""
    if cert and (len(cert) != 20 or cert[:18].upper() != idn or cert[18] not in "1234567" or cert[19] not in "1234"):
        issues.append(
            _missue(
                member,
                plan,
                layout,
                "disability_certificate",
                "certificate_format",
                _(
                    "A disability certificate number is the ID number followed by the category (1–7) "
                    "and the grade (1–4)."
                ),
                cert,
            )
        )


def parse_batch(groups: list[tuple[str, list, list]], layout: Layout, issues: list[Issue]) -> list[HouseholdPlan]:
    """The plans of staged households (key, household rows, member rows), with every cell and row checked."""
    language = translation.get_language()
    keys = [key for key, _h, _m in groups]
    h_numbers = [h_rows[0][0] for _k, h_rows, _m in groups]
    h_fields = _parse_rows(
        HOUSEHOLD_SHEET,
        HOUSEHOLD_COLUMNS,
        layout.household,
        [h_rows[0][1] for _k, h_rows, _m in groups],
        h_numbers,
        keys,
        issues,
        language,
    )
    members = [(key, row, values) for key, _h, m_rows in groups for row, values in m_rows]
    m_fields = iter(
        _parse_rows(
            MEMBER_SHEET,
            MEMBER_COLUMNS,
            layout.member,
            [values for _k, _r, values in members],
            [row for _k, row, _v in members],
            [key for key, _r, _v in members],
            issues,
            language,
        )
    )
    plans = []
    for (key, _h, m_rows), row, fields in zip(groups, h_numbers, h_fields, strict=True):
        plan = HouseholdPlan(key=key, row=row, fields=fields, members=[])
        for m_row, _values in m_rows:
            m = next(m_fields)
            m.pop("household", None)
            plan.members.append(MemberPlan(row=m_row, fields=m))
        plans.append(plan)
    today = timezone.localdate()  # once a batch: asking for it costs more than checking an ID number
    for plan in plans:
        _check_household(plan, layout, issues)
        for member in plan.members:
            _check_member(member, plan, layout, issues, today)
    return plans


def reset_for_recheck(plans: list[HouseholdPlan]) -> None:
    """Forget what the database said, so check_batch can ask again (the commit after a dry run)."""
    for plan in plans:
        plan.village_id = plan.county_id = plan.target_id = None
        plan.village_code = plan.number = ""
        for member in plan.members:
            member.target_id = None


class _AnyOf(Lookup):
    """`field = ANY(%s)` with the values as one array parameter (PostgreSQL): a batch asks for thousands
    of ID numbers, and building an IN list of that many parameters took longer than running it."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, self.rhs]


def _one_of(name: str, values) -> Q | _AnyOf:
    values = list(values)
    if connection.vendor == "postgresql":
        return _AnyOf(F(name), values)
    return Q(**{f"{name}__in": values})


# What the checks read of a current member with a file's ID number (check_batch, and the digest of it).
CURRENT_MEMBER = (
    "id_number",
    "pk",
    "household_id",
    "relationship",
    "household__number",
    "household__village__code",
    "household__status",
)


def check_batch(*, user: User, plans: list[HouseholdPlan], layout: Layout, issues: list[Issue]) -> None:
    """The checks against the database for a batch of parsed households: five queries per batch."""
    scope = access.scope_of(user)
    codes = {p.fields.get("village") for p in plans if p.fields.get("village")}
    villages = {
        code: (pk, county)
        for code, pk, county in regions_for(user)
        .filter(level=Level.VILLAGE, code__in=codes)
        .values_list("code", "pk", "parent__parent_id")
    }
    keys = [p.key for p in plans]
    in_scope: dict[str, int] = {}
    closed: set[int] = set()  # §3.1: a closed household (销户) is kept and read, never changed again
    for number, pk, status in (
        household_list_for(user).filter(_one_of("number", keys)).values_list("number", "pk", "status")
    ):
        in_scope[number] = pk
        if status == c.Status.CLOSED:
            closed.add(pk)
    others = set(keys) - set(in_scope)
    elsewhere = set(Household.objects.filter(_one_of("number", others)).values_list("number", flat=True))
    idns = {m.fields["id_number"] for p in plans for m in p.members if m.fields.get("id_number")}
    # id number -> (member, household, relationship, household number, in scope); looked up with a row's
    # id number, which is None when the cell is empty.
    current: dict[str | None, tuple[int, int, str, str, bool]] = {}
    for idn, pk, hh, rel, number, vcode, status in Member.objects.filter(
        _one_of("id_number", idns), departure=""
    ).values_list(*CURRENT_MEMBER):
        if status == c.Status.CLOSED:
            closed.add(hh)
        current[idn] = (pk, hh, rel, number, scope is not None and access.code_in(scope, vcode))

    for plan in plans:
        code = plan.fields.get("village")
        if code:
            found = villages.get(code)
            if found is None:
                issues.append(
                    _hissue(
                        plan,
                        layout,
                        "village",
                        "village_not_in_scope",
                        _("No village with this code in your area."),
                        code,
                    )
                )
            else:
                plan.village_id, plan.county_id, plan.village_code = found[0], found[1], code
        own_number = bool(code) and re.fullmatch(re.escape(str(code)) + r"\d{4}", plan.key) is not None
        if plan.key in in_scope:
            plan.target_id, plan.number = in_scope[plan.key], plan.key
        elif plan.key in elsewhere or (not own_number and HOUSEHOLD_NUMBER.fullmatch(plan.key)):
            # A registry number that is not the user's: the same answer whether it exists in another
            # county or nowhere, so the check cannot be used to learn what is registered elsewhere (§1).
            issues.append(
                _hissue(
                    plan,
                    layout,
                    "number",
                    "household_not_in_scope",
                    _("No household with this number in your area."),
                    plan.key,
                )
            )
        else:
            head = next((m for m in plan.members if m.fields.get("relationship") == c.Relationship.HEAD), None)
            hit = current.get(head.fields.get("id_number")) if head else None
            if hit and hit[2] == c.Relationship.HEAD and hit[4]:
                plan.target_id, plan.number = (
                    hit[1],
                    hit[3],
                )  # re-import of a household numbered by the system: keyed by the head
            elif own_number:
                plan.number = plan.key
        if plan.target_id in closed:
            issues.append(
                _hissue(
                    plan,
                    layout,
                    "number",
                    "household_closed",
                    _("This household is closed (销户): its record is kept and can no longer be changed."),
                    plan.number,
                )
            )
        for member in plan.members:
            hit = current.get(member.fields.get("id_number"))
            if hit is None:
                continue
            if plan.target_id is not None and hit[1] == plan.target_id:
                member.target_id = hit[0]
            elif hit[4]:
                issues.append(
                    _missue(
                        member,
                        plan,
                        layout,
                        "id_number",
                        "duplicate_person",
                        _("This person is already a current member of household %(number)s.") % {"number": hit[3]},
                        member.fields["id_number"],
                    )
                )
            else:
                issues.append(
                    _missue(
                        member,
                        plan,
                        layout,
                        "id_number",
                        "duplicate_person",
                        _("This person is already a current member of another household."),
                        member.fields["id_number"],
                    )
                )
    _check_composition(plans, layout, issues)


def _check_composition(plans, layout, issues) -> None:
    """Exactly one head and at most one spouse among the current members after the import (§3.2, DQ03)."""
    targets = [p.target_id for p in plans if p.target_id]
    others: dict[int, list[tuple[int, str]]] = {}
    for pk, hh, rel in Member.objects.filter(_one_of("household_id", targets), departure="").values_list(
        "pk", "household_id", "relationship"
    ):
        others.setdefault(hh, []).append((pk, rel))
    for plan in plans:
        updated = {m.target_id for m in plan.members if m.target_id}
        rels = [m.fields.get("relationship") for m in plan.members]
        rels += [rel for pk, rel in others.get(plan.target_id, []) if pk not in updated]
        heads = rels.count(c.Relationship.HEAD)
        if heads != 1:
            issues.append(
                _hissue(
                    plan,
                    layout,
                    "number",
                    "head_count",
                    _("A household needs exactly one head of household (户主); this one has %(n)d.") % {"n": heads},
                )
            )
        if rels.count(c.Relationship.SPOUSE) > 1:
            issues.append(
                _hissue(plan, layout, "number", "two_spouses", _("A household cannot have two spouses of the head."))
            )


def database_state(*, user: User, codes: set[str], keys: list[str], id_numbers: list[str]) -> str | None:
    """A digest of everything check_batch reads from the database for these villages, household numbers
    and ID numbers (PostgreSQL; None elsewhere): the user's scope, the villages, the households of those
    numbers, the current members of those ID numbers and every current member of their households.

    Taken before and after the dry run's checks and again before the commit: when it has not changed,
    the commit writes the plans the dry run checked without asking the database the same questions
    again. Whatever changes meanwhile, the database still refuses a second live household for a person
    or a repeated household number (its unique constraints), and the clash is reported."""
    if connection.vendor != "postgresql":
        return None
    scope = access.scope_of(user)
    villages = sorted(
        regions_for(user)
        .filter(level=Level.VILLAGE, code__in=codes)
        .values_list("code", "pk", "parent__parent_id", "parent__parent__parent_id")
    )
    households = sorted(
        Household.objects.filter(_one_of("number", keys)).values_list(
            "number", "pk", "village_id", "village__code", "status"
        )
    )
    members = sorted(Member.objects.filter(_one_of("id_number", id_numbers), departure="").values_list(*CURRENT_MEMBER))
    in_scope = sorted(household_list_for(user).filter(_one_of("number", keys)).values_list("number", "pk"))
    homes = {pk for _n, pk, _v, _c, _s in households} | {m[2] for m in members}
    composition = sorted(
        Member.objects.filter(_one_of("household_id", homes), departure="").values_list(
            "pk", "household_id", "relationship"
        )
    )
    state = (user.pk, user.is_active, scope.pk if scope else None, scope.code if scope else None, user.role)
    text = repr((state, villages, households, in_scope, members, composition))
    return hashlib.sha256(text.encode()).hexdigest()
