"""Shared pieces of the set-based rules: member counts, and the SELECTs of findings that the nightly run
writes (INSERT … SELECT) and the per-household check reads."""

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from households.models import Member


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
    "since",
    "code",
    "kind",
    "severity",
    "household_id",
    "member_id",
    "county_id",
    "village_id",
    "detail",
    "run_id",
)


@dataclasses.dataclass(frozen=True)
class FindingSelect:
    """A SELECT of finding rows: its SQL, its parameters and the finding column of each selected column."""

    sql: str
    params: Sequence[Any] | Mapping[str, Any]
    columns: tuple[str, ...] = FINDING_COLUMNS


def queryset_select(qs: QuerySet, *, run_id: int | None) -> FindingSelect:
    """The SELECT of a queryset annotated with f_<column> for every finding column but run_id."""
    qs = qs.annotate(f_run_id=Value(run_id, output_field=IntegerField())).order_by()
    qs = qs.values_list(*[f"f_{c}" for c in FINDING_COLUMNS])
    compiler = qs.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    # Take the column order from what the compiler actually selected, not from our wish.
    columns = tuple(alias.removeprefix("f_") for _expr, _sql, alias in compiler.select)
    return FindingSelect(sql, params, columns)


def select_findings(select: FindingSelect) -> list[dict[str, Any]]:
    """The rows the same statement would write, read instead ({column: value}; detail decoded)."""
    with connection.cursor() as cursor:
        cursor.execute(select.sql, select.params)
        rows = [dict(zip(select.columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        # JSON comes back as text on both databases (Django leaves jsonb undecoded, for JSONField).
        if isinstance(row["detail"], str):
            row["detail"] = json.loads(row["detail"])
    return rows
