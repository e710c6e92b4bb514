"""The §5.2 household test, set-based, per county (§5.6), kept as a history of changes.

No per-household Python: one SELECT joins the county's households to one aggregate of their members
current on the date (households.membership), their income record of the policy year and their latest
assessment, and gives every criterion with the values it looked at. Its result goes into a temporary
table; only the households whose result differs from the one that held on the date get a new
households_householdcheck row (see HouseholdCheck). It runs on SQLite and PostgreSQL alike.
eligibility.rules.household.evaluate is the reference in Python; a test keeps them in agreement.
"""

import datetime as dt

from django.db import connection

from households import choices as c
from households.idnumber import years_before
from households.income import per_capita_sql
from households.membership import current_on_sql
from households.models import Assessment, Household, Income, Member
from povertymgmt.db import chunks, nightly_planner_settings

from ..models import CRITERIA, HouseholdCheck, RecomputeCounty, RecomputeRun, held_on_sql
from ..policy import PolicyParams

# What a run computes for a household; a new row is written only when one of these differs.
RESULT_COLUMNS = [
    "household_id",
    "county_id",
    "village_id",
    "status",
    "policy_year",
    "params_version",
    "eligible",
    "income_passed",
    "food_passed",
    "clothing_passed",
    "education_passed",
    "medical_passed",
    "housing_passed",
    "water_passed",
    "same_year_blocked",
    "member_count",
    "net_income",
    "per_capita_net",
    "poverty_line",
    "assessed_on",
    "out_of_school",
    "uninsured",
    "sick_without_critical",
    "housing_grade",
    "renovation",
    "relocation",
    "identification_year",
]
# The temporary table of one county's run: created and dropped in the caller's transaction, so a
# failed run leaves none behind (its rollback undoes the CREATE).
CHANGED = "pm_check_changed"


def _tables() -> dict[str, str]:
    return {
        "check": HouseholdCheck._meta.db_table,
        "household": Household._meta.db_table,
        "member": Member._meta.db_table,
        "income": Income._meta.db_table,
        "assessment": Assessment._meta.db_table,
        "run": RecomputeRun._meta.db_table,
        "county_run": RecomputeCounty._meta.db_table,
    }


def _member_sums() -> str:
    """Per-member terms of the aggregates (§5.2 education and medical); summed per household."""
    return f"""COUNT(*) AS n,
           SUM(CASE WHEN mm.birth_date <= %(born_by_6)s AND mm.birth_date > %(born_after_16)s
                     AND mm.school_status = '{c.SchoolStatus.NOT_IN_SCHOOL}'
                     AND mm.no_school_reason <> '{c.NoSchoolReason.PHYSICAL}' THEN 1 ELSE 0 END) AS out_of_school,
           SUM(CASE WHEN mm.has_resident_medical OR mm.has_employee_medical THEN 0 ELSE 1 END) AS uninsured,
           SUM(CASE WHEN (mm.has_chronic_disease OR mm.has_serious_illness) AND NOT mm.has_critical_illness
                    THEN 1 ELSE 0 END) AS sick_without_critical"""


def _joins(vendor: str, in_county: str) -> str:
    """Members' aggregate and the latest assessment of each household.

    PostgreSQL: LATERAL, one index probe per household (members by household_id, assessments by the
    assessment_latest index) — a county's share never scans the whole member table. Elsewhere
    (SQLite): the same results from a grouped derived table and a window function."""
    t = _tables()
    if vendor == "postgresql":
        return f"""
  LEFT JOIN LATERAL (
    SELECT {_member_sums()}
    FROM {t["member"]} mm WHERE mm.household_id = h.id AND {current_on_sql("mm")}
  ) m ON TRUE
  LEFT JOIN LATERAL (
    SELECT aa.assessed_on, aa.food_secure, aa.clothing_secure
    FROM {t["assessment"]} aa WHERE aa.household_id = h.id AND aa.assessed_on <= %(as_of)s
    ORDER BY aa.assessed_on DESC, aa.id DESC LIMIT 1
  ) a ON TRUE"""  # noqa: S608
    return f"""
  LEFT JOIN (
    SELECT mm.household_id, {_member_sums()}
    FROM {t["member"]} mm
    WHERE {current_on_sql("mm")} AND mm.household_id IN ({in_county})
    GROUP BY mm.household_id
  ) m ON m.household_id = h.id
  LEFT JOIN (
    SELECT aa.household_id, aa.assessed_on, aa.food_secure, aa.clothing_secure,
           ROW_NUMBER() OVER (PARTITION BY aa.household_id ORDER BY aa.assessed_on DESC, aa.id DESC) AS rn
    FROM {t["assessment"]} aa
    WHERE aa.assessed_on <= %(as_of)s AND aa.household_id IN ({in_county})
  ) a ON a.household_id = h.id AND a.rn = 1"""  # noqa: S608


def income_passed_sql(net: str, members: str, line: str = "%(line)s") -> str:
    """§5.2 income in SQL: per-capita net income strictly above the line, compared as net > line ×
    members (exact, as eligibility.rules.household.income_passed); NULL (missing) without an income
    record or a current member. `line` is the placeholder of the line (a scenario binds its own)."""
    return (
        f"CASE WHEN {net} IS NULL OR COALESCE({members}, 0) = 0 THEN NULL "
        f"WHEN {net} > CAST({line} AS NUMERIC) * {members} THEN TRUE ELSE FALSE END"
    )


def same_year_sql(params: PolicyParams, identification_year: str = "h.identification_year") -> str:
    """The optional provincial rule of §5.2: a household identified in year Y cannot exit in Y."""
    return f"({identification_year} = %(year)s)" if params.same_year_exit_forbidden else "FALSE"


def eligible_sql(passed: dict[str, str], same_year_blocked: str) -> str:
    """§5.2: eligible ⇔ every criterion passes (a missing one fails) and the same-year rule does not block.
    `passed` maps each criterion code to its column."""
    all_passed = " AND ".join(passed[code] for code in CRITERIA)
    return f"COALESCE({all_passed}, FALSE) AND NOT {same_year_blocked}"


def household_test_select(
    *, same_year: str = "FALSE", county_filter: str = "h.county_id = %(county)s", vendor: str | None = None
) -> str:
    """The SELECT that computes §5.2 for the households matching `county_filter` (RESULT_COLUMNS, named)."""
    t = _tables()
    live = ", ".join(f"'{s}'" for s in c.LIVE_STATUSES)
    # Only table names and code constants are interpolated; every value is a query parameter.
    in_county = f"SELECT h.id FROM {t['household']} h WHERE {county_filter}"  # noqa: S608
    eligible = eligible_sql({code: f"p.{code}_passed" for code in CRITERIA}, "p.same_year_blocked")
    joins = _joins(vendor or connection.vendor, in_county)
    # No member (n NULL or 0) makes every member-based criterion and the income "missing".
    return f"""
SELECT p.id AS household_id, p.county_id, p.village_id, p.status,
       CAST(%(year)s AS INTEGER) AS policy_year, CAST(%(version)s AS INTEGER) AS params_version,
       {eligible} AS eligible,
       p.income_passed, p.food_passed, p.clothing_passed, p.education_passed, p.medical_passed,
       p.housing_passed, p.water_passed, p.same_year_blocked,
       p.member_count, p.net AS net_income, p.per_capita_net, CAST(%(line)s AS NUMERIC) AS poverty_line,
       p.assessed_on, p.out_of_school, p.uninsured, p.sick_without_critical,
       p.housing_grade, p.renovation, p.relocation, p.identification_year
FROM (
  SELECT h.id, h.county_id, h.village_id, h.status, h.identification_year,
         h.housing_grade, h.renovation, h.relocation,
         COALESCE(m.n, 0) AS member_count, i.net, a.assessed_on,
         COALESCE(m.out_of_school, 0) AS out_of_school,
         COALESCE(m.uninsured, 0) AS uninsured,
         COALESCE(m.sick_without_critical, 0) AS sick_without_critical,
         {per_capita_sql("i.net", "m.n")} AS per_capita_net,
         {income_passed_sql("i.net", "m.n")} AS income_passed,
         a.food_secure AS food_passed,
         a.clothing_secure AS clothing_passed,
         CASE WHEN COALESCE(m.n, 0) = 0 THEN NULL WHEN m.out_of_school = 0 THEN TRUE ELSE FALSE END
              AS education_passed,
         CASE WHEN COALESCE(m.n, 0) = 0 THEN NULL
              WHEN m.uninsured = 0 AND m.sick_without_critical = 0 THEN TRUE ELSE FALSE END AS medical_passed,
         CASE WHEN h.relocation = '{c.Relocation.MOVED_IN}' OR h.housing_grade IN ('A', 'B') THEN TRUE
              WHEN h.housing_grade IN ('C', 'D') THEN
                   CASE WHEN h.renovation = '{c.Renovation.ACCEPTED}' THEN TRUE ELSE FALSE END
              ELSE NULL END AS housing_passed,
         h.has_safe_water AS water_passed,
         {same_year} AS same_year_blocked
  FROM {t["household"]} h{joins}
  LEFT JOIN {t["income"]} i ON i.household_id = h.id AND i.year = %(year)s
  WHERE {county_filter} AND h.status IN ({live})
) p
"""  # noqa: S608


def sql_params(*, as_of: dt.date, params: PolicyParams, run_id: int | None, county_id: int | None) -> dict:
    ops = connection.ops
    return {
        "as_of": ops.adapt_datefield_value(as_of),
        "run": run_id,
        "year": params.year,
        "version": params.version,
        "line": ops.adapt_decimalfield_value(params.poverty_line, 12, 2),
        "born_by_6": ops.adapt_datefield_value(years_before(as_of, 6)),
        "born_after_16": ops.adapt_datefield_value(years_before(as_of, 16)),
        "county": county_id,
    }


def _same_result(vendor: str) -> str:
    """True when the stored row k says what the new result n says (NULL equal to NULL)."""
    op = "IS NOT DISTINCT FROM" if vendor == "postgresql" else "IS"
    return " AND ".join(f"k.{col} {op} n.{col}" for col in RESULT_COLUMNS)


def _next_run_date(cur, t: dict, p: dict) -> dt.date | None:
    """The county's next run date after this one: None in the nightly case (no later date was run)."""
    cur.execute(
        f"""SELECT MIN(d) FROM (
          SELECT MIN(since) AS d FROM {t["check"]} WHERE county_id = %(county)s AND since > %(as_of)s
          UNION ALL SELECT MIN(until) FROM {t["check"]} WHERE county_id = %(county)s AND until > %(as_of)s
          UNION ALL SELECT MIN(r.as_of) FROM {t["county_run"]} rc JOIN {t["run"]} r ON r.id = rc.run_id
                    WHERE rc.county_id = %(county)s AND rc.state = 'done' AND r.as_of > %(as_of)s) x""",  # noqa: S608
        p,
    )
    day = cur.fetchone()[0]
    return dt.date.fromisoformat(day) if isinstance(day, str) else day


def _split_at_next_run(cur, t: dict, p: dict) -> None:
    """Running a past date again: every result of the county that held from this date (or before) up
    to the next run date is split there, so that what this date changes stops at the next run and
    what the later runs said stays as it was."""
    cols = ", ".join(RESULT_COLUMNS)
    spanning = "county_id = %(county)s AND since <= %(as_of)s AND (until IS NULL OR until > %(next)s)"
    cur.execute(
        f"INSERT INTO {t['check']} (since, until, run_id, {cols}) "  # noqa: S608
        f"SELECT %(next)s, until, run_id, {cols} FROM {t['check']} WHERE {spanning}",
        p,
    )
    cur.execute(f"UPDATE {t['check']} SET until = %(next)s WHERE {spanning}", p)  # noqa: S608


def _take_back(cur, t: dict, p: dict) -> None:
    """Undo what an earlier run of the same date and county wrote, so that running a date again
    replaces its results (idempotent, §5.6): the rows it started go, the rows it ended hold again
    (up to the next run date, if a later date was run)."""
    cur.execute(
        f"SELECT 1 FROM {t['check']} WHERE county_id = %(county)s AND (since = %(as_of)s OR until = %(as_of)s)"  # noqa: S608
        " LIMIT 1",
        p,
    )
    if cur.fetchone() is None:  # the nightly case: this date is new for the county
        return
    reopen = f"UPDATE {t['check']} SET until = %(next)s WHERE until = %(as_of)s AND "  # noqa: S608
    cur.execute(reopen + "county_id = %(county)s", p)
    cur.execute(
        reopen + f"household_id IN (SELECT household_id FROM {t['check']} "  # noqa: S608
        "WHERE since = %(as_of)s AND county_id = %(county)s)",
        p,
    )
    cur.execute(f"DELETE FROM {t['check']} WHERE since = %(as_of)s AND county_id = %(county)s", p)  # noqa: S608


def stage_name(run_id: int) -> str:
    return f"pm_check_stage_{int(run_id)}"


def stage_for(run_id: int) -> str | None:
    """The run's staged results, if there are any (PostgreSQL empties an unlogged table after a crash:
    then each county computes its own)."""
    name = stage_name(run_id)
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if not cur.fetchone()[0]:
            return None
        cur.execute(f"SELECT EXISTS (SELECT 1 FROM {name})")  # noqa: S608
        return name if cur.fetchone()[0] else None


def stage_results(*, run_id: int, as_of: dt.date, params: PolicyParams) -> int:
    """PostgreSQL: the whole province's results in one statement (the reading half of the test, in
    household order) into an unlogged table of the run, ordered by county, for the county tasks to
    compare and write (county_household_test with `staged`); returns the rows. Unlogged: nothing of it
    needs to survive a crash, and it is not written to the WAL. Dropped when the run finishes."""
    name = stage_name(run_id)
    p = sql_params(as_of=as_of, params=params, run_id=run_id, county_id=None)
    select = household_test_select(same_year=same_year_sql(params), county_filter="TRUE", vendor="postgresql")
    # Memory to sort the province's results by county; no parallel plan (measured slower on two busy cores).
    nightly_planner_settings(work_mem="64MB")
    # The SELECT fenced off (OFFSET 0) and sorted after: asked for county order itself, the planner walked
    # the households by the county index, reading members, assessments and incomes in random order —
    # 21 s at 1,000,000 households against 8.7 s in household order and one sort (issue 16).
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(
            f"CREATE UNLOGGED TABLE {name} AS SELECT * FROM ({select} OFFSET 0) staged"  # noqa: S608
            " ORDER BY county_id, household_id",
            p,
        )
        rows = cur.rowcount
        cur.execute(f"CREATE INDEX ON {name} (county_id)")
    return rows


def stage_drop(run_id: int) -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {stage_name(run_id)}")


def stage_drop_except(run_ids: set[int]) -> None:
    """Drop the stages of runs that ended without finishing (failed, never resumed)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
            [stage_name(0)[:-1].replace("_", r"\_") + "%"],
        )
        for (name,) in cur.fetchall():
            if int(name.rsplit("_", 1)[1]) not in run_ids:
                cur.execute(f"DROP TABLE IF EXISTS {name}")


def county_household_test(
    *, county_id: int, as_of: dt.date, params: PolicyParams, run_id: int | None = None, staged: str | None = None
) -> int:
    """Test every live household of one county as of a date and record what changed; return the
    number of households tested.

    1. one statement computes the county's results (the only pass over its households and members)
       and compares them with the county's rows that held on the date (a hash join), keeping only
       what differs in a temporary table — a handful of rows on most nights;
    2. different or no longer tested: the held row ends on the date; new or different: a new row
       starts on it (households that moved in: their other county's row ends, probed by index).
    A date run again first takes back what its earlier run wrote; a past date (a later one was run
    since) changes results only up to the next run date.
    The caller holds the transaction: every step commits together or not at all."""
    t = _tables()
    vendor = connection.vendor
    p = sql_params(as_of=as_of, params=params, run_id=run_id, county_id=county_id)
    cols = ", ".join(RESULT_COLUMNS)
    nightly_planner_settings()
    with connection.cursor() as cur:
        p["next"] = _next_run_date(cur, t, p)
        if p["next"] is not None:
            _split_at_next_run(cur, t, p)
        _take_back(cur, t, p)
        # One pass: the county's new results (n) against the rows that held on the date (k), keeping
        # only what differs — n without k (new, or moved in), n and k different, k without n (gone).
        n_cols = ", ".join(f"n.{col}" for col in RESULT_COLUMNS)
        if staged:
            source = f"SELECT {', '.join(RESULT_COLUMNS)} FROM {staged} WHERE county_id = %(county)s"  # noqa: S608
        else:
            source = household_test_select(same_year=same_year_sql(params), vendor=vendor)
        cur.execute(
            f"""CREATE TEMPORARY TABLE {CHANGED} AS
            WITH n AS ({source}),
                 k AS (SELECT * FROM {t["check"]} k WHERE k.county_id = %(county)s AND {held_on_sql("k")})
            SELECT {n_cols}, k.id AS held_id, k.until AS held_until
              FROM n LEFT JOIN k ON k.household_id = n.household_id
             WHERE k.id IS NULL OR NOT ({_same_result(vendor)})
            UNION ALL
            SELECT {", ".join(f"NULL AS {col}" for col in RESULT_COLUMNS)}, k.id, k.until
              FROM k WHERE NOT EXISTS (SELECT 1 FROM n WHERE n.household_id = k.household_id)""",  # noqa: S608
            p,
        )

        # Households new to the county may hold a row of another county (moved in): it ends here
        # (or makes way, if that county's run of this date started it).
        # Probed from the few new households, by the (household, since) index; never planned from the
        # other side, whose statistics know nothing yet of tonight's rows.
        def moved(condition: str) -> str:
            return (
                f"SELECT (SELECT k.id FROM {t['check']} k WHERE k.household_id = c.household_id "  # noqa: S608
                f"AND k.county_id <> %(county)s AND {condition} ORDER BY k.since DESC LIMIT 1) "
                f"FROM {CHANGED} c WHERE c.held_id IS NULL AND c.household_id IS NOT NULL"
            )

        # The probes' ids are read first, then written by id: as one "id IN (probes)" statement, PostgreSQL
        # planned a scan of every result row running the probes for each (a first night from an empty
        # history, where every household is new: 35–180 s a county at 100,000 households).
        def probed(condition: str) -> list[int]:
            cur.execute(moved(condition), p)
            return [row[0] for row in cur.fetchall() if row[0] is not None]

        # The latest row up to the date, deleted if it starts on the date. Probed with "since = date",
        # PostgreSQL took the (since, county) index, whose statistics know nothing of tonight's rows, and
        # read every row written tonight for each new household (a first night: minutes a county at
        # 1,000,000 households); "since <= date" matches nearly every row, so the household index is used.
        for ids in chunks(probed("k.since <= %(as_of)s")):
            cur.execute(
                f"DELETE FROM {t['check']} WHERE since = %s AND id IN ({', '.join(['%s'] * len(ids))})",  # noqa: S608
                [as_of, *ids],
            )
        for ids in chunks(probed(held_on_sql("k"))):
            cur.execute(
                f"UPDATE {t['check']} SET until = %s WHERE id IN ({', '.join(['%s'] * len(ids))})",  # noqa: S608
                [as_of, *ids],
            )
        # Different or gone: the held row ends on the date. New or different: a new row starts on it.
        cur.execute(
            f"UPDATE {t['check']} SET until = %(as_of)s WHERE id IN (SELECT held_id FROM {CHANGED})",  # noqa: S608
            p,
        )
        cur.execute(
            f"INSERT INTO {t['check']} (since, until, run_id, {cols}) "  # noqa: S608
            f"SELECT %(as_of)s, COALESCE(held_until, %(next)s), %(run)s, {cols} FROM {CHANGED} "
            "WHERE household_id IS NOT NULL",
            p,
        )
        cur.execute(f"DROP TABLE {CHANGED}")
        if staged:
            cur.execute(f"SELECT COUNT(*) FROM {staged} WHERE county_id = %(county)s", p)  # noqa: S608
        else:
            live = ", ".join(f"'{s}'" for s in c.LIVE_STATUSES)
            cur.execute(
                f"SELECT COUNT(*) FROM {t['household']} h WHERE h.county_id = %(county)s AND h.status IN ({live})",  # noqa: S608
                p,
            )
        tested = cur.fetchone()[0]
        return tested
