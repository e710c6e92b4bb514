"""The survey sheets of an import file (issue 13, §3.1, §13): 收入情况, one income record per household
and year, and 两不愁评估, a dated two no-worries assessment per household.

A row names its household by 户编号: a household of the file's 户信息, or a registered household inside
the user's scope; any other number gets the same answer whether it exists elsewhere or not (§1). The
rules are those of the household form and the API (households.services): an income year from the
identification year to the working year, a reason to change a closed year, amounts not negative; an
assessment not in the future. A batch of rows costs a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from households import choices as c
from households.income import INCOME_ITEMS
from households.models import Assessment, Household, Income
from households.selectors import household_list_for
from households.services import income_check_reason, income_check_year, income_years
from povertymgmt.dates import policy_date_validator

from .columns import ASSESSMENT_COLUMNS, ASSESSMENT_SHEET, INCOME_COLUMNS, INCOME_SHEET, Column
from .reader import column_letter
from .staging import Issue
from .validate import parse_rows

assert [col.field for col in INCOME_COLUMNS[2:-1]] == list(INCOME_ITEMS)  # the sheet's items are the model's

SHEETS: dict[str, tuple[str, list[Column]]] = {
    "i": (INCOME_SHEET, INCOME_COLUMNS),
    "a": (ASSESSMENT_SHEET, ASSESSMENT_COLUMNS),
}


@dataclass
class Target:
    """What a 户编号 of a survey row refers to: a registered household (id) or one of the file (None)."""

    household_id: int | None
    identification_year: int | None
    number: str
    closed: bool = False  # §3.1: a closed household (销户) takes no new income or assessment


@dataclass
class SurveyRow:
    table: str  # "i" (income) or "a" (assessment)
    row: int
    key: str
    fields: dict
    household_id: int | None = None
    target_id: int | None = None  # the stored record this row changes
    values: dict = field(default_factory=dict)  # what the record holds after the import
    changed: bool = True
    closed: bool = False  # an income of a closed year (its reason goes to the history and the audit log)


def parse_survey(table: str, groups: list[tuple[str, list]], positions: list[int | None], issues: list[Issue]):
    """The rows of staged survey groups (key, rows) with every cell read; bad cells are reported."""
    sheet, columns = SHEETS[table]
    flat = [(key, row, values) for key, rows in groups for row, values in rows]
    parsed = parse_rows(
        sheet,
        columns,
        positions,
        [values for _k, _r, values in flat],
        [row for _k, row, _v in flat],
        [key for key, _r, _v in flat],
        issues,
        translation.get_language(),
    )
    return [SurveyRow(table, row, key, fields) for (key, row, _v), fields in zip(flat, parsed, strict=True)]


def scope_targets(user, numbers) -> dict[str, Target]:
    """The registered households of these numbers inside the user's scope (one query)."""
    rows = (
        household_list_for(user)
        .filter(number__in=list(numbers))
        .values_list("number", "pk", "identification_year", "status")
    )
    return {number: Target(pk, year, number, status == c.Status.CLOSED) for number, pk, year, status in rows}


def _issue(row: SurveyRow, positions, name: str, code: str, message: str, raw="") -> Issue:
    sheet, columns = SHEETS[row.table]
    index = next(i for i, col in enumerate(columns) if col.field == name)
    # An optional column the file lacks (更正原因): the message goes to the row, under the column's name.
    letter = column_letter(positions[index]) if positions[index] is not None else ""
    return Issue(sheet, row.row, letter, columns[index].header, code, message, key=row.key, value=str(raw)[:100])


def _message(exc: ValidationError) -> str:
    return exc.messages[0]


def _resolve(rows: list[SurveyRow], targets: dict[str, Target], positions, issues: list[Issue]) -> list[SurveyRow]:
    """The rows whose household is known; the others are reported at their 户编号 (§1: not "elsewhere")."""
    known = []
    for row in rows:
        target = targets.get(row.key)
        if target is None:
            issues.append(
                _issue(
                    row,
                    positions,
                    "household",
                    "household_not_in_scope",
                    _("No household with this number in your area."),
                    row.key,
                )
            )
            continue
        if target.closed:
            issues.append(
                _issue(
                    row,
                    positions,
                    "household",
                    "household_closed",
                    _("This household is closed (销户): its record is kept and can no longer be changed."),
                    row.key,
                )
            )
            continue
        row.household_id = target.household_id
        known.append(row)
    return known


def check_incomes(rows: list[SurveyRow], targets: dict[str, Target], positions, issues: list[Issue], *, last: int):
    """§3.1 and issue 13 for income rows: the household, the year range, one row per household and year, the
    reason of a closed year's change. Sets each row's resulting values and the record it changes."""
    present = {col.field for col, pos in zip(INCOME_COLUMNS, positions, strict=True) if pos is not None}
    rows = [row for row in rows if "year" in row.fields]  # an unreadable year is reported already
    rows = _resolve(rows, targets, positions, issues)
    pairs = {(row.household_id, row.fields["year"]) for row in rows if row.household_id}
    stored: dict[tuple[int, int], dict] = {}
    if pairs:
        q = Q(household_id__in={h for h, _y in pairs}, year__in={y for _h, y in pairs})
        for record in Income.objects.filter(q).values("pk", "household_id", "year", *INCOME_ITEMS):
            stored[(record["household_id"], record["year"])] = record
    seen: set[tuple[str, int]] = set()
    years: dict[int, range] = {}  # the open years by identification year (households.services.income_years)
    good = []
    for row in rows:
        year, target = row.fields["year"], targets[row.key]
        if (row.key, year) in seen:
            issues.append(
                _issue(row, positions, "year", "duplicate_income", _("This household and year appear twice."), year)
            )
            continue
        seen.add((row.key, year))
        # An unreadable identification year (reported on 户信息) leaves only the policy's first year.
        first = target.identification_year or 0
        open_years = years.get(first)
        if open_years is None:  # a model instance per row cost more than the rest of the check
            open_years = years[first] = income_years(Household(identification_year=first), last=last)
        if year not in open_years:
            try:
                income_check_year(Household(number=target.number, identification_year=first), year, last=last)
            except ValidationError as exc:
                issues.append(_issue(row, positions, "year", "year_out_of_range", _message(exc), year))
                continue
        record = stored.get((row.household_id, year)) if row.household_id else None
        row.target_id = record["pk"] if record else None
        values = {}
        for name in INCOME_ITEMS:
            if name in present:
                values[name] = row.fields.get(name)
            else:
                values[name] = record[name] if record else None
        if any(name in present and name not in row.fields for name in INCOME_ITEMS):
            continue  # an unreadable amount is reported already
        row.values = {name: 0 if value is None else value for name, value in values.items()}
        row.changed = record is None or any(row.values[name] != record[name] for name in INCOME_ITEMS)
        row.closed = year < last
        reason = row.fields.get("reason") or ""
        if row.changed:
            try:
                income_check_reason(year, reason, last=last)
            except ValidationError as exc:
                issues.append(_issue(row, positions, "reason", "reason_required", _message(exc), reason))
                continue
        good.append(row)
    return good


def check_assessments(rows: list[SurveyRow], targets: dict[str, Target], positions, issues: list[Issue], *, today):
    """§3.1 for assessment rows: the household, a date neither in the future nor outside the policy years,
    one row per household and date. An assessment of a date already recorded is corrected, not repeated."""
    rows = [row for row in rows if "assessed_on" in row.fields]
    rows = _resolve(rows, targets, positions, issues)
    pairs = {(row.household_id, row.fields["assessed_on"]) for row in rows if row.household_id}
    stored: dict[tuple[int, dt.date], dict] = {}
    if pairs:
        q = Q(household_id__in={h for h, _d in pairs}, assessed_on__in={d for _h, d in pairs})
        fields = ("pk", "household_id", "assessed_on", "food_secure", "clothing_secure", "note")
        for record in Assessment.objects.filter(q).order_by("id").values(*fields):
            stored[(record["household_id"], record["assessed_on"])] = record  # the latest of the day
    seen: set[tuple[str, dt.date]] = set()
    good = []
    for row in rows:
        day = row.fields["assessed_on"]
        if (row.key, day) in seen:
            issues.append(
                _issue(
                    row,
                    positions,
                    "assessed_on",
                    "duplicate_assessment",
                    _("This household and date appear twice."),
                    day,
                )
            )
            continue
        seen.add((row.key, day))
        if day > today:
            issues.append(
                _issue(
                    row,
                    positions,
                    "assessed_on",
                    "future",
                    _("The assessment date cannot be in the future."),
                    day,
                )
            )
            continue
        try:
            policy_date_validator(day)
        except ValidationError as exc:
            issues.append(_issue(row, positions, "assessed_on", "policy_date", _message(exc), day))
            continue
        if "food_secure" not in row.fields or "clothing_secure" not in row.fields:
            continue  # reported already
        record = stored.get((row.household_id, day)) if row.household_id else None
        row.target_id = record["pk"] if record else None
        row.values = {
            "assessed_on": day,
            "food_secure": row.fields["food_secure"],
            "clothing_secure": row.fields["clothing_secure"],
            "note": row.fields.get("note") or "",
        }
        row.changed = record is None or any(row.values[name] != record[name] for name in row.values)
        good.append(row)
    return good
