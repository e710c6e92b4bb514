"""The data-quality findings (§8.2) kept as a history of changes (issue 16), as the household test keeps
its results (eligibility.models.HouseholdCheck): a finding is stored once, with the night it was first
found (`since`) and the night it was no longer found (`until`, NULL while the county's latest night still
finds it). A night computes the findings of the households it checks into a temporary table, then
- opens the findings not open yet (since = the night),
- closes the open findings of those households that the night no longer finds (until = the night),
and leaves every other row alone: a quiet night writes what changed, not a copy of every finding.

A finding is the same finding when its check, kind, severity, household, member, county, village and
detail are the same. Running a night again first takes back what its earlier run wrote for the households
it checks (undo_night). Nights run forward only: a date before the county's latest night is not written
(monitoring.services.quality_run_county)."""

import datetime as dt
import json
from collections.abc import Collection, Iterable

from django.db import connection

from ..models import QualityFinding
from .common import FINDING_COLUMNS, FindingSelect

TONIGHT = "pm_quality_tonight"
SCOPE = "pm_quality_scope"


def _finding() -> str:
    return connection.ops.quote_name(QualityFinding._meta.db_table)


def _same(f: str, t: str) -> str:
    """SQL: the finding `f` is the finding `t` (NULL members equal; JSON compared as values)."""
    if connection.vendor == "postgresql":
        member, detail = f"{f}.member_id IS NOT DISTINCT FROM {t}.member_id", f"{f}.detail = {t}.detail"
    else:
        member, detail = f"{f}.member_id IS {t}.member_id", f"json({f}.detail) = json({t}.detail)"
    plain = " AND ".join(
        f"{f}.{c} = {t}.{c}" for c in ("household_id", "code", "kind", "severity", "county_id", "village_id")
    )
    return f"{plain} AND {member} AND {detail}"


def _scoped(alias: str, household_ids: Collection[int] | None) -> str:
    return "" if household_ids is None else f" AND {alias}.household_id IN (SELECT household_id FROM {SCOPE})"  # noqa: S608


def start(household_ids: Collection[int] | None) -> None:
    """The temporary tables of one county's night: tonight's findings and the households checked."""
    json_type = "jsonb" if connection.vendor == "postgresql" else "text"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TONIGHT}")
        cursor.execute(f"DROP TABLE IF EXISTS {SCOPE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TONIGHT} (since date, code varchar(4), kind varchar(30), severity varchar(8),"
            f" household_id bigint, member_id bigint, county_id bigint, village_id bigint, detail {json_type},"
            " run_id bigint)"
        )
        if household_ids is not None:
            cursor.execute(f"CREATE TEMPORARY TABLE {SCOPE} (household_id bigint PRIMARY KEY)")
            ids = sorted(household_ids)
            for i in range(0, len(ids), 1000):
                part = ids[i : i + 1000]
                cursor.execute(
                    f"INSERT INTO {SCOPE} (household_id) VALUES {', '.join(['(%s)'] * len(part))}",  # noqa: S608
                    part,
                )
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {SCOPE}")


def finish() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TONIGHT}")
        cursor.execute(f"DROP TABLE IF EXISTS {SCOPE}")


def add_select(select: FindingSelect) -> None:
    """Tonight's findings of one statement (INSERT … SELECT into the temporary table)."""
    cols = ", ".join(select.columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TONIGHT} ({cols}) {select.sql}", select.params)  # noqa: S608


def add_rows(findings: Iterable[QualityFinding]) -> None:
    """Tonight's findings computed in Python (DQ02)."""
    sql = f"INSERT INTO {TONIGHT} ({', '.join(FINDING_COLUMNS)}) VALUES ({', '.join(['%s'] * len(FINDING_COLUMNS))})"  # noqa: S608
    rows = [[_value(f, column) for column in FINDING_COLUMNS] for f in findings]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _value(finding: QualityFinding, column: str):
    value = getattr(finding, column)
    if column == "detail":
        return json.dumps(value)
    return str(value) if column in ("code", "severity") else value


def undo_night(*, county_id: int, as_of: dt.date, household_ids: Collection[int] | None) -> None:
    """What an earlier run of this night wrote for the households checked, taken back: its findings
    deleted, those it closed open again."""
    finding = _finding()
    scope = _scoped(finding, household_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {finding} WHERE county_id = %s AND since = %s{scope}", [county_id, as_of])  # noqa: S608
        cursor.execute(
            f"UPDATE {finding} SET until = NULL WHERE county_id = %s AND until = %s{scope}",  # noqa: S608
            [county_id, as_of],
        )


def apply(*, county_id: int, as_of: dt.date, household_ids: Collection[int] | None) -> int:
    """Bring the county's history to tonight's findings (of the households checked, or of all): open the
    new ones, close those no longer found. Returns the number of the county's findings open after."""
    finding = _finding()
    cols = ", ".join(FINDING_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX {TONIGHT}_household ON {TONIGHT} (household_id)")
        if connection.vendor == "postgresql":  # the planner must know tonight's size to choose its joins
            cursor.execute(f"ANALYZE {TONIGHT}")
        tonight = ", ".join(f"t.{c}" for c in FINDING_COLUMNS)
        cursor.execute(
            f"INSERT INTO {finding} ({cols}) SELECT DISTINCT {tonight}"  # noqa: S608 - until stays NULL
            f" FROM {TONIGHT} t WHERE NOT EXISTS (SELECT 1 FROM {finding} f"
            f" WHERE f.household_id = t.household_id AND f.until IS NULL AND {_same('f', 't')})"
        )
        cursor.execute(
            f"UPDATE {finding} SET until = %s WHERE county_id = %s AND until IS NULL{_scoped(finding, household_ids)}"  # noqa: S608
            f" AND NOT EXISTS (SELECT 1 FROM {TONIGHT} t WHERE {_same(finding, 't')})",
            [as_of, county_id],
        )
        cursor.execute(f"SELECT COUNT(*) FROM {finding} WHERE county_id = %s AND until IS NULL", [county_id])  # noqa: S608
        return cursor.fetchone()[0]
