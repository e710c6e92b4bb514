"""Shared pieces of the set-based rules: age bounds, member counts and INSERT … SELECT of findings."""

import datetime as dt

from django.db import connections
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from households.models import Member

from ..models import QualityFinding


def birth_limit(as_of: dt.date, age: int) -> dt.date:
    """The latest birth date of a person who is at least `age` full years old at `as_of` (§5.2: full years)."""
    try:
        return as_of.replace(year=as_of.year - age)
    except ValueError:  # 29 February in a common year: the 28th is the last day that qualifies
        return as_of.replace(year=as_of.year - age, day=28)


def age_between(as_of: dt.date, low: int, high: int, field: str = "birth_date") -> dict:
    """Lookups for "aged low–high inclusive at as_of", as birth-date bounds (portable, index-friendly)."""
    return {f"{field}__lte": birth_limit(as_of, low), f"{field}__gt": birth_limit(as_of, high + 1)}


def age_at_least(as_of: dt.date, age: int, field: str = "birth_date") -> dict:
    return {f"{field}__lte": birth_limit(as_of, age)}


def age_below(as_of: dt.date, age: int, field: str = "birth_date") -> dict:
    return {f"{field}__gt": birth_limit(as_of, age)}


def current_member_count(*conditions: Q, ref: str = "pk", **filters) -> Coalesce:
    """The number of current members of the household `ref` that match `filters` (0 when none)."""
    counted = (
        Member.objects.filter(*conditions, household_id=OuterRef(ref), departure="", **filters)
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


FINDING_COLUMNS = (
    "as_of",
    "code",
    "kind",
    "severity",
    "household_id",
    "member_id",
    "county_id",
    "village_id",
    "detail",
)


def insert_findings(qs: QuerySet, *, run_id: int | None) -> int:
    """INSERT INTO finding (…) SELECT … of a queryset annotated with f_<column> for every column: the
    database does the work, no row passes through Python (performance.md)."""
    qs = qs.annotate(f_run_id=Value(run_id, output_field=IntegerField())).order_by()
    qs = qs.values_list(*[f"f_{c}" for c in (*FINDING_COLUMNS, "run_id")])
    using = qs.db
    compiler = qs.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    # Take the column order from what the compiler actually selected, not from our wish.
    columns = [alias.removeprefix("f_") for _expr, _sql, alias in compiler.select]
    connection = connections[using]
    table = connection.ops.quote_name(QualityFinding._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({cols}) {sql}", params)  # noqa: S608 - SQL built by the ORM
        return max(cursor.rowcount, 0)
