"""The §5.2 household test, set-based: one DELETE and one INSERT … SELECT per county (§5.6).

No per-household Python: the statement joins the county's households to one aggregate of their
current members, their income record of the policy year and their latest assessment, and writes
every criterion with the values it looked at into households_householdcheck. It runs on SQLite and
PostgreSQL alike. households.rules.household.evaluate is the reference in Python; a test keeps them
in agreement.
"""

import datetime as dt

from django.db import connection

from .. import choices as c
from ..models import Assessment, Household, HouseholdCheck, Income, Member
from ..policy import PolicyParams
from .household import years_before

CHECK_COLUMNS = [
    "as_of",
    "run_id",
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


def _tables() -> dict[str, str]:
    return {
        "check": HouseholdCheck._meta.db_table,
        "household": Household._meta.db_table,
        "member": Member._meta.db_table,
        "income": Income._meta.db_table,
        "assessment": Assessment._meta.db_table,
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
    FROM {t["member"]} mm WHERE mm.household_id = h.id AND mm.departure = ''
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
    WHERE mm.departure = '' AND mm.household_id IN ({in_county})
    GROUP BY mm.household_id
  ) m ON m.household_id = h.id
  LEFT JOIN (
    SELECT aa.household_id, aa.assessed_on, aa.food_secure, aa.clothing_secure,
           ROW_NUMBER() OVER (PARTITION BY aa.household_id ORDER BY aa.assessed_on DESC, aa.id DESC) AS rn
    FROM {t["assessment"]} aa
    WHERE aa.assessed_on <= %(as_of)s AND aa.household_id IN ({in_county})
  ) a ON a.household_id = h.id AND a.rn = 1"""  # noqa: S608


def household_test_select(
    *, same_year: str = "FALSE", county_filter: str = "h.county_id = %(county)s", vendor: str | None = None
) -> str:
    """The SELECT that computes §5.2 for the households matching `county_filter` (columns of CHECK_COLUMNS)."""
    t = _tables()
    live = ", ".join(f"'{s}'" for s in c.LIVE_STATUSES)
    # Only table names and code constants are interpolated; every value is a query parameter.
    in_county = f"SELECT h.id FROM {t['household']} h WHERE {county_filter}"  # noqa: S608
    criteria = ("income", "food", "clothing", "education", "medical", "housing", "water")
    all_passed = " AND ".join(f"p.{code}_passed" for code in criteria)
    joins = _joins(vendor or connection.vendor, in_county)
    # No member (n NULL or 0) makes every member-based criterion and the income "missing".
    return f"""
SELECT %(as_of)s, %(run)s, p.id, p.county_id, p.village_id, p.status, %(year)s, %(version)s,
       COALESCE({all_passed}, FALSE) AND NOT p.same_year_blocked,
       p.income_passed, p.food_passed, p.clothing_passed, p.education_passed, p.medical_passed,
       p.housing_passed, p.water_passed, p.same_year_blocked,
       p.member_count, p.net, p.per_capita_net, CAST(%(line)s AS NUMERIC), p.assessed_on,
       p.out_of_school, p.uninsured, p.sick_without_critical,
       p.housing_grade, p.renovation, p.relocation, p.identification_year
FROM (
  SELECT h.id, h.county_id, h.village_id, h.status, h.identification_year,
         h.housing_grade, h.renovation, h.relocation,
         COALESCE(m.n, 0) AS member_count, i.net, a.assessed_on,
         COALESCE(m.out_of_school, 0) AS out_of_school,
         COALESCE(m.uninsured, 0) AS uninsured,
         COALESCE(m.sick_without_critical, 0) AS sick_without_critical,
         CASE WHEN i.net IS NULL OR COALESCE(m.n, 0) = 0 THEN NULL
              ELSE ROUND(i.net * 1.0 / m.n, 2) END AS per_capita_net,
         CASE WHEN i.net IS NULL OR COALESCE(m.n, 0) = 0 THEN NULL
              WHEN i.net > CAST(%(line)s AS NUMERIC) * m.n THEN TRUE ELSE FALSE END AS income_passed,
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


def _same_year_sql(params: PolicyParams) -> str:
    # The optional provincial rule of §5.2: a household identified in year Y cannot exit in Y.
    return "(h.identification_year = %(year)s)" if params.same_year_exit_forbidden else "FALSE"


def county_household_test(*, county_id: int, as_of: dt.date, params: PolicyParams, run_id: int | None = None) -> int:
    """Replace the §5.2 results of one county and date (idempotent, §5.6); return the rows written.

    The caller holds the transaction: delete and insert commit together or not at all."""
    t = _tables()
    p = sql_params(as_of=as_of, params=params, run_id=run_id, county_id=county_id)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # For this transaction only (measured at 100,000 households, a county's SELECT went from
            # 184 to 86 ms): the data is in memory, so an index probe per household is cheap
            # (random_page_cost); one worker per county already uses every core (no parallel plan);
            # and at 1M households a county's statement is costed above jit_above_cost, where JIT
            # compiling takes longer than the statement runs.
            cur.execute(  # one statement: SET LOCAL of the three, for this transaction only
                "SELECT set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true),"
                " set_config('max_parallel_workers_per_gather', '0', true)"
            )
        # This county's rows of the date go first (index householdcheck_day_county): a household closed
        # since is not kept. A household that moved here from another county since that county's run
        # still has a row of the date there: the upsert takes it over (unique household + date).
        cur.execute(f"DELETE FROM {t['check']} WHERE as_of = %(as_of)s AND county_id = %(county)s", p)  # noqa: S608
        select = household_test_select(same_year=_same_year_sql(params))
        updates = ", ".join(f"{col} = excluded.{col}" for col in CHECK_COLUMNS if col not in ("household_id", "as_of"))
        cur.execute(
            f"INSERT INTO {t['check']} ({', '.join(CHECK_COLUMNS)}) {select} WHERE TRUE "  # noqa: S608
            f"ON CONFLICT (household_id, as_of) DO UPDATE SET {updates}",
            p,
        )
        return cur.rowcount
