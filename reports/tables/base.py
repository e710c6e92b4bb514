"""The declarative standard tables of §12: one definition serves the page, the CSV and the XLSX export.

A table is a queryset builder (always starting from a scoped selector), filters, and columns. Every
column becomes one SQL expression: choice labels, yes/no, masking of personal data (§9) and the
neutralising of spreadsheet formulas (§12) all happen in the database, so the page, the streamed CSV,
PostgreSQL's COPY and the XLSX writer read the very same values_list() and cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any, cast

from django import forms
from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Col, Combinable
from django.db.models.functions import Cast, Concat, ExtractYear, Left, Length, NullIf, Repeat, Replace, Right
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from accounts.masking import MASKED
from accounts.models import User
from povertymgmt.dates import POLICY_FIRST_YEAR, policy_last_year
from povertymgmt.spreadsheet import guard_expr
from povertymgmt.widgets import Select
from villages.models import Region
from villages.working_year import working_year

TEXT, NUMBER, DATE, CHOICE, BOOL = "text", "number", "date", "choice", "bool"
AGE = "age"  # whole years on the report date, computed from a birth date: shown to masked roles instead


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise | str
    path: str
    kind: str = TEXT
    choices: Sequence[tuple[Any, Any]] = ()
    # "", "id" (ID and certificate numbers), "phone", "bank", "sensitive" (health and disability details),
    # "birth" (a birth date: with the masked ID number it rebuilds the whole number, so masked roles see the
    # age in years instead).
    mask: str = ""
    # Choice values that are (or are merged with) a health fact: shown as health_label to roles that may not
    # see health data, while the column's other values show as they are. A cause of poverty: illness,
    # disability and other, all as "Other (incl. undisclosed)" (households.causes), so that the label shown
    # is no health fact.
    health_values: frozenset[str] = frozenset()
    health_label: Promise | str = MASKED
    # How the page shows a NUMBER (display_value): "" a count or an amount (grouped, two decimals when not
    # whole), YEAR a year (never grouped). Exports keep the raw number.
    fmt: str = ""


YEAR = "year"


@dataclass(frozen=True)
class Filter:
    name: str
    field: Callable[[], forms.Field]
    apply: Callable[[QuerySet, Any], QuerySet]
    # As Column.mask: a filter on a hidden value would reveal it (?grade=2), so it is ignored and not offered.
    mask: str = ""
    # As Column.health_values: these choices are neither offered to nor applied for roles that may not see
    # health data (the filter's other choices work for everyone).
    health_values: frozenset[str] = frozenset()


@dataclass
class Context:
    """What a table is asked for: by whom, for which region, as of which nightly snapshot, filtered how."""

    user: User
    region: Region
    as_of: dt.date | None  # the chosen snapshot date; None when no run has finished yet
    explicit_as_of: bool = False  # ?as_of= given: live registry tables show the snapshot's status
    filters: dict[str, Any] = field(default_factory=dict)
    # A page reads 50 rows and a count: per-row subqueries then beat whole-table joins (see households.py).
    paged: bool = False
    # Only the rows' number is asked (row_count): columns shown but never filtered on may be left out.
    counting: bool = False
    _working_year: int | None = field(default=None, repr=False)

    @property
    def day(self) -> dt.date:
        return self.as_of or timezone.localdate()

    @property
    def year(self) -> int:
        """The report's policy year: the ?year= filter, else the year of the snapshot chosen with ?as_of=,
        else the working year (issue 13), never the calendar year."""
        if self.filters.get("year"):
            return self.filters["year"]
        if self.explicit_as_of and self.as_of:
            return self.as_of.year
        if self._working_year is None:
            self._working_year = working_year()
        return self._working_year


@dataclass(frozen=True)
class Table:
    key: str
    title: Promise | str
    build: Callable[[Context], QuerySet]
    columns: Sequence[Column] | Callable[[Context], Sequence[Column]]
    order_by: Sequence[str]
    filters: Sequence[Filter] = ()
    description: Promise | str = ""
    group: Promise | str = ""
    # A table whose very rows are a health or disability fact (the disabled people's ledger): only for roles
    # that may see health data; to others it does not exist (§9).
    health: bool = False

    def columns_for(self, ctx: Context) -> Sequence[Column]:
        columns = self.columns(ctx) if callable(self.columns) else self.columns
        if access.may_view_birth_date(ctx.user):
            return columns
        return [
            replace(c, key="age", header=AGE_HEADER, kind=AGE, mask="") if c.mask == "birth" else c for c in columns
        ]

    def visible_to(self, user: User) -> bool:
        return not self.health or access.may_view_health(user)


AGE_HEADER = gettext_lazy("Age")


REGISTRY: dict[str, Table] = {}


def register(table: Table) -> Table:
    REGISTRY[table.key] = table
    return table


# --- Scope helpers: every table starts from the user's scope (§1), narrowed to the chosen region. ---


def region_q(region: Region, prefix: str = "") -> Q:
    """Rows carrying `county` and `village` columns (after `prefix`) inside a region's subtree."""
    return access.region_q(region, f"{prefix}village", county=f"{prefix}county")


def scoped(qs: QuerySet, ctx: Context, *, prefix: str = "", household: str = "pk") -> QuerySet:
    """Limit rows to the region, which the view has checked lies inside the user's scope. A helper's scope
    is their paired households rather than a region, so their rows also go through the registry's selector."""
    from households.selectors import household_list_for

    qs = qs.filter(region_q(ctx.region, prefix))
    if access.is_helper(ctx.user):
        qs = qs.filter(**{f"{household}__in": household_list_for(ctx.user).values("pk")})
    return qs


# --- Column expressions. ---


def _text(expr: Combinable) -> Expression:
    return NullIf(expr, Value(""))


def mask_id_expr(expr: Combinable) -> Expression:
    """2112**********123X, as accounts.masking.mask_id_number."""
    n = Length(expr)
    return Case(
        When(LessThanOrEqual(n, 8), then=Repeat(Value("*"), n)),
        default=Concat(Left(expr, 4), Repeat(Value("*"), n - 8), Right(expr, 4), output_field=CharField()),
        output_field=CharField(),
    )


def mask_phone_expr(expr: Combinable) -> Expression:
    """138****5678, as accounts.masking.mask_phone."""
    n = Length(expr)
    return Case(
        When(LessThan(n, 8), then=Repeat(Value("*"), n)),
        default=Concat(Left(expr, 3), Repeat(Value("*"), n - 7), Right(expr, 4), output_field=CharField()),
        output_field=CharField(),
    )


def mask_bank_expr(expr: Combinable) -> Expression:
    """Only the last four digits, as accounts.masking.mask_bank_account."""
    digits = Replace(expr, Value(" "), Value(""))
    return Concat(Repeat(Value("*"), Length(digits) - 4), Right(digits, 4), output_field=CharField())


def yes_no(path: str) -> Expression:
    return labels(path, [(True, _("Yes")), (False, _("No"))])


class Labelled(Func):
    """The label of the stored value: CASE x WHEN value THEN label … END (and WHEN x IS NULL for a None
    choice). The column is compiled once: a When per choice resolved the column's path once per choice,
    which was most of a table page's time (issue 16)."""

    output_field = CharField()

    def __init__(self, expression: Combinable, choices: Sequence[tuple[Any, str]]):
        super().__init__(expression)
        self.choices = list(choices)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        pairs = [(value, label) for value, label in self.choices if value is not None]
        out = f"CASE {sql}{' WHEN %s THEN %s' * len(pairs)} ELSE NULL END"
        out_params: tuple = (*params, *(item for pair in pairs for item in pair))
        null_label = next((label for value, label in self.choices if value is None), None)
        if null_label is not None:
            out = f"CASE WHEN {sql} IS NULL THEN %s ELSE {out} END"
            out_params = (*params, null_label, *out_params)
        return out, out_params


def _plain(value: Any) -> Any:
    """A choice's value as the database compares it (a TextChoices member is a str of its own class)."""
    return value.value if isinstance(value, Enum) else value


def labels(path: str, choices: Sequence[tuple[Any, Any]]) -> Expression:
    shown = [(_plain(value), str(label)) for value, label in choices if value != ""]
    if not shown:
        return _text(F(path))
    return Labelled(F(path), shown)


def age_expr(path: str, day: dt.date) -> Expression:
    """Whole years from the date at `path` to `day` (households.idnumber.age_on, in SQL)."""
    not_yet = Q(**{f"{path}__month__gt": day.month}) | Q(**{f"{path}__month": day.month, f"{path}__day__gt": day.day})
    # Cast: PostgreSQL's EXTRACT gives a numeric, and an age is a whole number in every format.
    return Cast(
        Value(day.year) - ExtractYear(path) - Case(When(not_yet, then=Value(1)), default=Value(0)), IntegerField()
    )


def column_expression(col: Column, *, sensitive_ok: bool, health_ok: bool | None = None) -> Combinable:
    health_ok = sensitive_ok if health_ok is None else health_ok
    if col.mask == "sensitive" and not sensitive_ok:
        return Value(MASKED, output_field=CharField())
    if col.kind == BOOL:
        return yes_no(col.path)
    if col.kind == CHOICE:
        if col.health_values and not health_ok:
            shown = [(v, col.health_label if v in col.health_values else label) for v, label in col.choices]
            return labels(col.path, shown)
        return labels(col.path, col.choices)
    if col.kind in (NUMBER, DATE):
        return F(col.path)
    expr: Combinable = F(col.path)  # F is no Expression, but resolves to one
    if not sensitive_ok:
        masker = {"id": mask_id_expr, "phone": mask_phone_expr, "bank": mask_bank_expr}.get(col.mask)
        if masker is not None:
            expr = masker(expr)
    return _text(guard_expr(expr))  # §12: never a formula (povertymgmt.spreadsheet)


# --- Building the rows. ---


class ByColumns(Func):
    """The expression itself, grouped by the plain columns it reads. When a table counts with GROUP BY,
    Django would otherwise group by every labelled, masked expression, which makes PostgreSQL hash long
    computed strings (3.5x slower in bench/export.py); labels are then computed after grouping."""

    template = "%(expressions)s"

    def get_group_by_cols(self):
        return [e for e in self.flatten() if isinstance(e, Col)]


def hidden(mask: str, user: User) -> bool:
    """Whether a value of this mask kind is withheld from the user altogether (not just shortened)."""
    if mask == "sensitive":
        return not access.may_view_health(user)
    if mask == "birth":
        return not access.may_view_birth_date(user)
    return False


def filters_for(table: Table, user: User) -> list[Filter]:
    """The table's filters the user may use: none on a hidden value, declared on the filter or on the
    column of the same key (a filter on a masked column would reveal what the column hides)."""
    static = table.columns if not callable(table.columns) else ()
    masks = {c.key: c.mask for c in static}
    return [f for f in table.filters if not hidden(f.mask or masks.get(f.name, ""), user)]


def apply_filters(table: Table, qs: QuerySet, ctx: Context) -> QuerySet:
    health_ok = access.may_view_health(ctx.user)
    for flt in filters_for(table, ctx.user):
        value = ctx.filters.get(flt.name)
        if isinstance(value, str) and value in flt.health_values and not health_ok:
            continue  # §9: the rows a health value leaves out would reveal it
        if value not in (None, "", []):
            qs = flt.apply(qs, value)
    return qs


def rows_queryset(table: Table, ctx: Context) -> QuerySet:
    """values_list() of the table's columns, already labelled, masked and neutralised, in a stable order."""
    columns = table.columns_for(ctx)
    qs = apply_filters(table, table.build(ctx), ctx)
    sensitive_ok = ctx.user.can_view_sensitive
    health_ok = access.may_view_health(ctx.user)
    names = [f"rc_{i}" for i in range(len(columns))]
    qs = qs.annotate(
        **{
            n: F(c.path)
            if c.kind in (NUMBER, DATE)
            else age_expr(c.path, ctx.day)
            if c.kind == AGE
            else ByColumns(
                column_expression(c, sensitive_ok=sensitive_ok, health_ok=health_ok), output_field=CharField()
            )
            for n, c in zip(names, columns, strict=True)
        }
    )
    return _ordered(qs, table, ctx).order_by(*table.order_by).values_list(*names)


def _ordered(qs: QuerySet, table: Table, ctx: Context) -> QuerySet:
    """Rows ordered by their village's code also say that code's prefix (the region's, §2: redundant with
    the scope): PostgreSQL walks the villages in code order to skip the sort, and without the prefix it
    walked every village of the province, reading a county's households among 1,000,000 (3 s a page)."""
    first = table.order_by[0] if table.order_by else ""
    if ctx.region is None or not first.endswith("village__code"):
        return qs
    return qs.filter(**{f"{first}__startswith": ctx.region.prefix})


def display_value(value: Any, col: Column) -> Any:
    """A cell as the page shows it (issue 15, item 9, one number format): counts grouped by thousands
    (4,852), decimals (amounts, areas, percentages such as the incidence 5.2632) with two decimals,
    rounded half up, and grouped; years as they are. Other kinds are left to the template."""
    if value is None or col.kind != NUMBER or col.fmt == YEAR or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (Decimal, float)):
        return f"{Decimal(str(value)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    return value


def display_rows(table: Table, ctx: Context, rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """The page's rows of rows_queryset(), each cell through display_value."""
    columns = table.columns_for(ctx)
    return [[display_value(v, c) for v, c in zip(row, columns, strict=True)] for row in rows]


def row_count(table: Table, ctx: Context, *, cap: int | None = None) -> int:
    """The number of rows an export will write, counted the cheap way (no per-row joins). With `cap`, at
    most cap + 1 rows are counted (a page says "more than cap"; counting a province's million rows per
    request is what a page must not do, issue 16)."""
    qs = apply_filters(table, table.build(replace(ctx, paged=True, counting=True)), ctx).order_by()
    return qs[: cap + 1].count() if cap is not None else qs.count()


def headers(table: Table, ctx: Context) -> list[str]:
    return [str(c.header) for c in table.columns_for(ctx)]


def has_personal_columns(table: Table, ctx: Context) -> bool:
    return any(c.mask for c in table.columns_for(ctx))


def filter_form_class(table: Table, user: User | None = None) -> type[forms.Form]:
    """A form of the table's filters (those the user may use, when given) plus the year (every table has a
    report period)."""
    shown = table.filters if user is None else filters_for(table, user)
    fields: dict[str, forms.Field] = {flt.name: flt.field() for flt in shown}
    if user is not None and not access.may_view_health(user):
        for flt in shown:
            field = fields[flt.name]
            if flt.health_values and isinstance(field, forms.ChoiceField):
                offered = cast(list[tuple[Any, Any]], field.choices)  # choice_field's flat list
                field.choices = [(v, label) for v, label in offered if v not in flt.health_values]
    return type(f"{table.key.title()}Filters", (forms.Form,), fields)


# --- Small helpers for table modules. ---

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}


def choice_field(label, choices) -> Callable[[], forms.Field]:
    return lambda: forms.ChoiceField(
        label=label, choices=[("", "---------"), *choices], required=False, widget=Select(attrs=SELECT)
    )


def choice_filter(
    name: str, label, choices, lookup: str, *, mask: str = "", health_values: frozenset[str] = frozenset()
) -> Filter:
    """A drop-down filter on one field: the rows whose `lookup` equals the value chosen."""
    return Filter(
        name,
        choice_field(label, choices),
        lambda qs, v: qs.filter(**{lookup: v}),
        mask=mask,
        health_values=health_values,
    )


def year_field(label) -> Callable[[], forms.Field]:
    """A year filter within the policy's years (povertymgmt.dates: 2013 to next year), read when the form is
    built, so the bound moves with the years."""
    return lambda: forms.IntegerField(
        label=label,
        required=False,
        min_value=POLICY_FIRST_YEAR,
        max_value=policy_last_year(),
        widget=forms.NumberInput(attrs=INPUT),
    )


def bool_field(label) -> Callable[[], forms.Field]:
    return lambda: forms.NullBooleanField(
        label=label,
        required=False,
        widget=Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))], attrs=SELECT),
    )
