"""Validation of staged households, a batch at a time, with set-based lookups (§3, §8.1, §13).

Every rule the registry's forms and services apply is checked here: cell formats and choices (columns),
ID numbers (households.idnumber.parse_id_number), non-negative numbers, months 0–12, other causes
unlike the main one, irrigated land within arable land, exactly one head and at most one spouse, one
person in one live household, and the village inside the user's scope. A batch costs a fixed number
of queries whatever its size."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from households import choices as c
from households.idnumber import parse_id_number
from households.models import Household, Member
from households.selectors import household_list_for
from villages.models import Level
from villages.selectors import region_list_for

from .columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET, CellError, read_cell
from .reader import column_letter
from .staging import Issue

H_INDEX = {col.field: i for i, col in enumerate(HOUSEHOLD_COLUMNS)}
M_INDEX = {col.field: i for i, col in enumerate(MEMBER_COLUMNS)}


@dataclass
class MemberPlan:
    row: int
    fields: dict
    target_id: int | None = None  # the current member this row updates


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


# Choices, yes/no and small numbers repeat on nearly every row: each distinct cell text is read once.
_MEMO_KINDS = {"bool", "choice", "int", "decimal", "date"}
_MEMO_LIMIT = 10_000
_memo: dict[tuple, dict] = {}


def _parse_row(sheet, columns, positions, row, values, key, issues, language) -> dict:
    plan = _memo.get((language, sheet, "plan"))
    if plan is None:
        plan = _memo[(language, sheet, "plan")] = [
            (i, col, {} if col.kind in _MEMO_KINDS else None) for i, col in enumerate(columns)
        ]
    out = {}
    for i, col, memo in plan:
        if positions[i] is None:
            continue
        raw = values[i]
        hit = memo.get(raw) if memo is not None else None
        if hit is None:
            try:
                hit = (True, read_cell(col, raw))
            except CellError as exc:
                hit = (False, str(exc))
            if memo is not None and len(memo) < _MEMO_LIMIT:
                memo[raw] = hit
        if hit[0]:
            out[col.field] = hit[1]
        else:
            issues.append(_issue(sheet, row, columns, positions, col.field, f"invalid_{col.kind}", hit[1], key, raw))
    return out


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


def _check_member(member: MemberPlan, plan: HouseholdPlan, layout: Layout, issues: list[Issue]) -> None:
    f = member.fields
    idn = (f.get("id_number") or "").upper()
    f["id_number"] = idn
    f["id_type"] = f.get("id_type") or c.IdType.RESIDENT_ID
    if f["id_type"] == c.IdType.RESIDENT_ID:
        if idn:
            try:
                info = parse_id_number(idn)
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


def parse_group(key, h_rows, m_rows, layout: Layout, issues: list[Issue]) -> HouseholdPlan:
    row, values = h_rows[0]
    language = translation.get_language()
    fields = _parse_row(HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS, layout.household, row, values, key, issues, language)
    members = []
    plan = HouseholdPlan(key=key, row=row, fields=fields, members=members)
    for m_row, m_values in m_rows:
        m_fields = _parse_row(MEMBER_SHEET, MEMBER_COLUMNS, layout.member, m_row, m_values, key, issues, language)
        m_fields.pop("household", None)
        members.append(MemberPlan(row=m_row, fields=m_fields))
    _check_household(plan, layout, issues)
    for member in members:
        _check_member(member, plan, layout, issues)
    return plan


def reset_for_recheck(plans: list[HouseholdPlan]) -> None:
    """Forget what the database said, so check_batch can ask again (the commit after a dry run)."""
    for plan in plans:
        plan.village_id = plan.county_id = plan.target_id = None
        plan.village_code = plan.number = ""
        for member in plan.members:
            member.target_id = None


def check_batch(*, user: User, plans: list[HouseholdPlan], layout: Layout, issues: list[Issue]) -> None:
    """The checks against the database for a batch of parsed households: five queries per batch."""
    scope_prefix = user.scope.prefix if user.scope else "-"
    codes = {p.fields.get("village") for p in plans if p.fields.get("village")}
    villages = {
        code: (pk, county)
        for code, pk, county in region_list_for(user)
        .filter(level=Level.VILLAGE, code__in=codes)
        .values_list("code", "pk", "parent__parent_id")
    }
    keys = [p.key for p in plans]
    in_scope = dict(household_list_for(user).filter(number__in=keys).values_list("number", "pk"))
    elsewhere = set(Household.objects.filter(number__in=set(keys) - set(in_scope)).values_list("number", flat=True))
    idns = {m.fields["id_number"] for p in plans for m in p.members if m.fields.get("id_number")}
    current = {}
    for idn, pk, hh, rel, number, vcode in Member.objects.filter(id_number__in=idns, departure="").values_list(
        "id_number", "pk", "household_id", "relationship", "household__number", "household__village__code"
    ):
        current[idn] = (pk, hh, rel, number, vcode.startswith(scope_prefix))

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
        if plan.key in in_scope:
            plan.target_id, plan.number = in_scope[plan.key], plan.key
        elif plan.key in elsewhere:
            issues.append(
                _hissue(
                    plan,
                    layout,
                    "number",
                    "household_not_in_scope",
                    _("This household number belongs to a household outside your area."),
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
            elif code and re.fullmatch(re.escape(code) + r"\d{4}", plan.key):
                plan.number = plan.key
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
    for pk, hh, rel in Member.objects.filter(household_id__in=targets, departure="").values_list(
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
