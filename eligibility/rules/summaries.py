"""The per-region summaries of the nightly run (issue 16, eligibility.models.summaries): the §12
dashboards read a region's few rows instead of counting the household snapshots and the status events
per request (measured in docs/performance.md: 1.5 s for the province at 100,000 households).

Set-based, a few statements per run, in one transaction, idempotent: the run's villages' rows are
deleted and inserted again (INSERT … SELECT), then every non-village row is summed again from the
village rows (a county-only run changes its city's and the province's totals too). Ancestors are found by
the regions' parent links.
"""

import datetime as dt

from django.db import connection, transaction

from households import choices as c
from households.exits import EXITED
from households.models import Household, Member, StatusEvent
from villages.models import Level, Region

from ..models import HouseholdCheck, RegionExitCount, RegionSnapshotCount, held_on_sql

POOR = [str(s) for s in c.POOR_STATUSES]
EXITED_STATUSES = [str(s) for s in EXITED]


def _in(values: list[str]) -> str:
    return ", ".join(["%s"] * len(values))


def _tables() -> dict[str, str]:
    return {
        "snap": RegionSnapshotCount._meta.db_table,
        "exits": RegionExitCount._meta.db_table,
        "checks": HouseholdCheck._meta.db_table,
        "hh": Household._meta.db_table,
        "members": Member._meta.db_table,
        "events": StatusEvent._meta.db_table,
        "regions": Region._meta.db_table,
    }


# Each village with the ids of its township, county, city and province (those that exist), by the parent
# links: four hash joins over the regions (matching codes by their prefixes cost 0.3 s a roll-up at
# 10,000 villages).
ANCESTORS = """SELECT v.id AS village_id, v.parent_id AS region_id FROM {regions} v
        WHERE v.level = 'village' AND v.parent_id IS NOT NULL
    UNION ALL SELECT v.id, r1.parent_id FROM {regions} v JOIN {regions} r1 ON r1.id = v.parent_id
        WHERE v.level = 'village' AND r1.parent_id IS NOT NULL
    UNION ALL SELECT v.id, r2.parent_id FROM {regions} v JOIN {regions} r1 ON r1.id = v.parent_id
        JOIN {regions} r2 ON r2.id = r1.parent_id WHERE v.level = 'village' AND r2.parent_id IS NOT NULL
    UNION ALL SELECT v.id, r3.parent_id FROM {regions} v JOIN {regions} r1 ON r1.id = v.parent_id
        JOIN {regions} r2 ON r2.id = r1.parent_id JOIN {regions} r3 ON r3.id = r2.parent_id
        WHERE v.level = 'village' AND r3.parent_id IS NOT NULL"""


def summaries_refresh(*, as_of: dt.date, county: Region | None = None) -> None:
    """Write the date's snapshot counts and the latest exit counts of every village (or of one county's
    villages), then of every region above them."""
    t = _tables()
    villages, scope = "", []
    if county is not None and county.level != Level.PROVINCE:
        villages = f"AND region_id IN (SELECT id FROM {t['regions']} WHERE level = 'village' AND code LIKE %s)"  # noqa: S608
        scope = [f"{county.prefix}%"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {t['snap']} WHERE as_of = %s {villages}", [as_of, *scope])  # noqa: S608
        cursor.execute(*_snapshot_insert(t, as_of, county))
        cursor.execute(f"DELETE FROM {t['exits']} WHERE 1 = 1 {villages}", scope)  # noqa: S608
        cursor.execute(*_exits_insert(t, county))
        _roll_up(cursor, t, as_of)


def _snapshot_insert(t: dict, as_of: dt.date, county: Region | None) -> tuple[str, list]:
    """Village rows of the snapshot (HouseholdCheck.on): by status, poor and returned ones also by the
    household's main cause."""
    where, params = "", []
    if county is not None and county.level != Level.PROVINCE:
        where, params = "AND k.county_id = %s", [county.pk]
    sql = f"""INSERT INTO {t["snap"]} (as_of, region_id, status, cause, households, people)
        SELECT %s, k.village_id, k.status,
               CASE WHEN k.status IN ({_in(POOR)}) THEN h.main_cause ELSE '' END,
               COUNT(*), COALESCE(SUM(k.member_count), 0)
        FROM {t["checks"]} k JOIN {t["hh"]} h ON h.id = k.household_id
        WHERE {held_on_sql("k", "%s")} {where}
        GROUP BY 2, 3, 4"""  # noqa: S608
    return sql, [as_of, *POOR, as_of, as_of, *params]


def _people(t: dict, household: str) -> str:
    """The current members of the household whose id is the column `household`."""
    return f"(SELECT COUNT(*) FROM {t['members']} m WHERE m.household_id = {household} AND m.departure = '')"  # noqa: S608


def _exits_insert(t: dict, county: Region | None) -> tuple[str, list]:
    """Village rows of the exits of each policy year, the rule of households.exits in one statement: per
    household and year its latest exit event (poor or returned to exited, with a year) with the people it
    records (else the current members), plus the households exited in exit_year with no such event at all,
    with their current members."""
    where, params = "", []
    if county is not None and county.level != Level.PROVINCE:
        where, params = "AND h.county_id = %s", [county.pk]
    kind = f"e.to_status IN ({_in(EXITED_STATUSES)}) AND e.from_status IN ({_in(POOR)}) AND e.year IS NOT NULL"
    kind_params = [*EXITED_STATUSES, *POOR]
    sql = f"""INSERT INTO {t["exits"]} (region_id, year, households, people)
        SELECT x.village_id, x.year, COUNT(*), COALESCE(SUM(x.people), 0) FROM (
            SELECT h.village_id, e.year, COALESCE(e.people, {_people(t, "e.household_id")}) AS people,
                   ROW_NUMBER() OVER (PARTITION BY e.household_id, e.year ORDER BY e.date DESC, e.id DESC) AS nth
            FROM {t["events"]} e JOIN {t["hh"]} h ON h.id = e.household_id
            WHERE {kind} {where}
            UNION ALL
            SELECT h.village_id, h.exit_year, {_people(t, "h.id")}, 1
            FROM {t["hh"]} h
            WHERE h.exit_year IS NOT NULL {where}
              AND NOT EXISTS (SELECT 1 FROM {t["events"]} e WHERE e.household_id = h.id AND {kind})
        ) x WHERE x.nth = 1
        GROUP BY x.village_id, x.year"""  # noqa: S608
    return sql, [*kind_params, *params, *params, *kind_params]


def _roll_up(cursor, t: dict, as_of: dt.date) -> None:
    """Every non-village row again, summed from the village rows."""
    ancestors = ANCESTORS.format(**t)
    upper = f"SELECT id FROM {t['regions']} WHERE level <> 'village'"  # noqa: S608
    cursor.execute(f"DELETE FROM {t['snap']} WHERE as_of = %s AND region_id IN ({upper})", [as_of])  # noqa: S608
    cursor.execute(
        f"""INSERT INTO {t["snap"]} (as_of, region_id, status, cause, households, people)
            SELECT s.as_of, a.region_id, s.status, s.cause, SUM(s.households), SUM(s.people)
            FROM {t["snap"]} s JOIN ({ancestors}) a ON a.village_id = s.region_id
            WHERE s.as_of = %s
            GROUP BY s.as_of, a.region_id, s.status, s.cause""",  # noqa: S608
        [as_of],
    )
    cursor.execute(f"DELETE FROM {t['exits']} WHERE region_id IN ({upper})")  # noqa: S608
    cursor.execute(
        f"""INSERT INTO {t["exits"]} (region_id, year, households, people)
            SELECT a.region_id, x.year, SUM(x.households), SUM(x.people)
            FROM {t["exits"]} x JOIN ({ancestors}) a ON a.village_id = x.region_id
            GROUP BY a.region_id, x.year"""  # noqa: S608
    )
