"""The member-level checks of §8.2 in ONE pass (docs/performance.md): one INSERT … SELECT that reads the
current members of a county's live households once and writes a finding for every (member, kind)
whose condition holds. Before, each kind was its own statement and scanned the same members again
(eight to ten scans per county); measured at 100,000 households this pass is several times cheaper.
The household-level checks are a second pass of the same form.

These statements are the one definition of the checks they hold (rules/quality.py keeps the
thresholds and the definitions in words); a member matching several kinds gets several findings.
Each is built as a SELECT of finding rows (common.FindingSelect): the nightly run writes it with
INSERT … SELECT, the check of one household (rules/household.py) runs the same SELECT restricted to
that household and reads the rows. Portable SQL: PostgreSQL and SQLite differ only in the JSON
builder of the detail column."""

import datetime as dt
from collections.abc import Collection

from django.db import connection

from households import choices as c
from households.idnumber import years_before
from households.models import Helper, Household, Income, Member, MemberEvent, Pairing

from ..models import QualityCode
from . import quality as q
from .common import FindingSelect, queryset_select

# The birth-date bound of "older than the plausible age" (DQ13 age), a parameter of the member pass.
BORN_BY_OLDEST = f"born_by_{q.MAX_PLAUSIBLE_AGE + 1}"

# (code, kind, condition on m (member) and h (household), detail: {key: column})
MEMBER_KINDS = [
    # DQ01, one person in two live households within the province. The database already forbids the
    # same ID number twice among current members; what still slips through: a number typed with a
    # lower-case x or surrounding spaces (imports, raw writes) beside the same number written
    # properly, and a current member whose ID is recorded as deceased in another live household. The
    # other member is looked up by its exact, indexed ID number against this member's normalised one:
    # one index probe per member; a pair of which only the other side is non-normalised is reported
    # when that side's county is checked.
    # DQ11 poor helper: a registered poor person serving as a helper, reported on the poor person's
    # own record (the member), where it has to be fixed. One probe per member into the helpers by
    # normalised number (index helper_id_number_norm of households/migrations/0004_perf_indexes): a
    # hash of all the province's serving helpers, built again for every county, cost more than the
    # county's own checks together.
    (QualityCode.DQ01, "duplicate", "m.id_number <> '' AND ({duplicate}) IS NOT NULL", {}),
    (
        QualityCode.DQ11,
        "poor_helper",
        "h.status IN ({identified}) AND m.id_number <> '' AND ({serving_helper}) IS NOT NULL",
        {},
    ),
    (QualityCode.DQ04, "same_sex", "m.relationship = %(spouse)s AND ({same_sex_head}) IS NOT NULL", {}),
    (
        QualityCode.DQ04,
        "relationship_sex",
        "((m.relationship IN ({male_rel}) AND m.sex = %(female)s)"
        " OR (m.relationship IN ({female_rel}) AND m.sex = %(male)s))",
        {"relationship": "m.relationship", "sex": "m.sex"},
    ),
    (
        QualityCode.DQ06,
        "out_of_school",
        "m.school_status = %(not_in_school)s AND m.no_school_reason = ''"
        " AND m.birth_date <= %(born_by_6)s AND m.birth_date > %(born_by_16)s",
        {},
    ),
    (
        QualityCode.DQ06,
        "too_young",
        "m.school_status IN ({senior}) AND m.birth_date > %(born_by_15)s",
        {"school_status": "m.school_status"},
    ),
    (
        QualityCode.DQ06,
        "too_old",
        "m.school_status IN ({primary}) AND m.birth_date <= %(born_by_20)s",
        {"school_status": "m.school_status"},
    ),
    (
        QualityCode.DQ07,
        "healthy_no_labour",
        "NOT m.has_chronic_disease AND NOT m.has_serious_illness AND NOT m.is_disabled"
        " AND m.labour_ability IN ({no_labour}) AND m.birth_date <= %(born_by_16)s AND m.birth_date > %(born_by_61)s",
        {"labour_ability": "m.labour_ability"},
    ),
    (
        QualityCode.DQ07,
        "child_or_student_labour",
        "m.labour_ability IN ({labourers}) AND (m.birth_date > %(born_by_16)s OR m.school_status <> %(not_in_school)s)",
        {"labour_ability": "m.labour_ability"},
    ),
    (QualityCode.DQ08, "months", "m.months_worked > 12", {"months": "m.months_worked"}),
    (QualityCode.DQ13, "departure_event", "({departing}) IS NOT NULL", {}),
    (QualityCode.DQ13, "age", f"m.birth_date <= %({BORN_BY_OLDEST})s", {}),
]


def _in_list(name: str, values) -> tuple[str, dict]:
    values = sorted(str(v) for v in values)
    keys = {f"{name}_{i}": v for i, v in enumerate(values)}
    return ", ".join(f"%({k})s" for k in keys), keys


def _only(household_ids: Collection[int] | None, column: str, params: dict) -> str:
    """The condition restricting a pass to some households ("" for the whole county, the nightly run)."""
    if household_ids is None:
        return ""
    if not household_ids:
        return " AND 1 = 0"
    if connection.vendor == "postgresql":  # one array parameter, however many households
        params["households"] = sorted(household_ids)
        return f" AND {column} = ANY(%(households)s)"
    keys = {f"household_{i}": pk for i, pk in enumerate(sorted(household_ids))}
    params.update(keys)
    return f" AND {column} IN ({', '.join(f'%({k})s' for k in keys)})"


def _json(detail: dict) -> str:
    builder = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    pairs = ", ".join(f"'{key}', {column}" for key, column in detail.items())
    return f"{builder}({pairs})"


# The two look-ups into other rows (a head of the same sex, a departing event) are scalar subqueries
# "(SELECT 1 … LIMIT 1) IS NOT NULL", evaluated per member only for their kind: PostgreSQL turns an
# EXISTS here into a hashed subplan over ALL heads / events of the province, for every county.


def member_pass(
    *, as_of: dt.date, county_id: int, run_id: int | None, household_ids: Collection[int] | None = None
) -> FindingSelect:
    """The member-level findings of the county's live households (or of some of them): DQ01, DQ04, DQ06,
    DQ07, DQ08 months, DQ11 poor helper and DQ13 recorded departure and age."""
    qn = connection.ops.quote_name
    params: dict = {
        "as_of": as_of,
        "county": county_id,
        "run_id": run_id,
        "spouse": str(c.Relationship.SPOUSE),
        "head": str(c.Relationship.HEAD),
        "male": str(c.Sex.MALE),
        "female": str(c.Sex.FEMALE),
        "not_in_school": str(c.SchoolStatus.NOT_IN_SCHOOL),
        "deceased": str(c.Departure.DECEASED),
        **{f"born_by_{age}": years_before(as_of, age) for age in (6, 15, 16, 20, 61)},
        BORN_BY_OLDEST: years_before(as_of, q.MAX_PLAUSIBLE_AGE + 1),
    }
    lists = {}
    for name, values in {
        "live": q.CHECKED_STATUSES,
        "identified": q.HELPER_CHECKED_STATUSES,
        "male_rel": c.MALE_RELATIONSHIPS,
        "female_rel": c.FEMALE_RELATIONSHIPS,
        "senior": q.IN_SCHOOL_SENIOR_OR_ABOVE,
        "primary": q.PRIMARY_OR_BELOW,
        "no_labour": q.NO_LABOUR,
        "labourers": q.LABOURERS,
        "departing_kinds": c.DEPARTING_EVENTS,
    }.items():
        lists[name], extra = _in_list(name, values)
        params.update(extra)
    t_member, t_household, t_event = (qn(x._meta.db_table) for x in (Member, Household, MemberEvent))
    lists["same_sex_head"] = (
        f"SELECT 1 FROM {t_member} hd WHERE hd.household_id = m.household_id AND hd.departure = ''"  # noqa: S608
        " AND hd.relationship = %(head)s AND hd.sex = m.sex LIMIT 1"
    )
    t_helper, t_pairing = qn(Helper._meta.db_table), qn(Pairing._meta.db_table)
    lists["duplicate"] = (
        f"SELECT 1 FROM {t_member} u JOIN {t_household} uh ON uh.id = u.household_id"  # noqa: S608
        f" WHERE u.id_number = UPPER(TRIM(m.id_number)) AND uh.status IN ({lists['live']})"
        " AND u.departure IN ('', %(deceased)s) AND u.household_id <> m.household_id LIMIT 1"
    )
    lists["serving_helper"] = (
        f"SELECT 1 FROM {t_helper} hp WHERE UPPER(TRIM(hp.id_number)) = UPPER(TRIM(m.id_number))"  # noqa: S608
        f" AND hp.id_number <> '' AND (SELECT 1 FROM {t_pairing} p WHERE p.helper_id = hp.id"
        f" AND p.start <= %(as_of)s AND (p.{qn('end')} IS NULL OR p.{qn('end')} >= %(as_of)s) LIMIT 1) IS NOT NULL"
        " LIMIT 1"
    )
    lists["departing"] = (
        f"SELECT 1 FROM {t_event} e WHERE e.member_id = m.id AND e.kind IN ({lists['departing_kinds']}) LIMIT 1"  # noqa: S608
    )

    kinds, conditions, details = [], [], []
    for i, (code, kind, condition, detail) in enumerate(MEMBER_KINDS):
        params[f"k{i}_code"], params[f"k{i}_kind"] = str(code), kind
        params[f"k{i}_sev"] = str(q.severity_of(code))
        kinds.append(f"SELECT {i} AS n, %(k{i}_code)s AS code, %(k{i}_kind)s AS kind, %(k{i}_sev)s AS severity")
        conditions.append(f"WHEN {i} THEN {condition.format(**lists)}")
        details.append(f"WHEN {i} THEN {_json(detail)}")
    only = _only(household_ids, "h.id", params)
    kinds_sql, matches = " UNION ALL ".join(kinds), f"CASE k.n {' '.join(conditions)} END"
    if connection.vendor == "postgresql":
        # The checks as a LATERAL list after the county's members: joined as a table, PostgreSQL crossed
        # every member of the province with the checks before keeping the county's (3.9 s for a county
        # of 12,000 households at 1,000,000, issue 16).
        checks = f"CROSS JOIN LATERAL (SELECT * FROM ({kinds_sql}) k WHERE ({matches}) OFFSET 0) k WHERE"  # noqa: S608
    else:
        checks = f"JOIN ({kinds_sql}) k ON ({matches}) WHERE"
    sql = f"""
        SELECT %(as_of)s, k.code, k.kind, k.severity, m.household_id, m.id, h.county_id, h.village_id,
               CASE k.n {" ".join(details)} END, %(run_id)s
        FROM {t_household} h
        JOIN {t_member} m ON m.household_id = h.id
        {checks} h.county_id = %(county)s AND h.status IN ({lists["live"]}) AND m.departure = ''{only}
    """  # noqa: S608 - table names from the models, values as parameters
    return FindingSelect(sql, params)


# (code, kind, condition on h (household), a (aggregate of its current members), i (income record of
# the year, if any) and the pairing look-up; detail). The same conditions as the querysets they
# replaced; "a.x" are counts, 0 when the household has no current member.
HOUSEHOLD_KINDS = [
    (QualityCode.DQ03, "heads", "a.heads <> 1", {"heads": "a.heads"}),
    (QualityCode.DQ03, "spouses", "a.spouses > 1", {"spouses": "a.spouses"}),
    (QualityCode.DQ05, "illness", "{cause_illness} AND a.sick = 0", {}),
    (QualityCode.DQ05, "disability", "{cause_disability} AND a.disabled = 0", {}),
    (QualityCode.DQ05, "schooling", "{cause_schooling} AND a.schooling = 0", {}),
    (
        QualityCode.DQ05,
        "repeated_cause",
        "(h.other_cause_1 = h.main_cause OR h.other_cause_2 = h.main_cause"
        " OR (h.other_cause_2 <> '' AND h.other_cause_2 = h.other_cause_1))",
        {},
    ),
    (QualityCode.DQ08, "wages_no_work", "i.wages > 0 AND a.workers = 0", {"year": "i.year", "wages": "i.wages"}),
    (QualityCode.DQ08, "work_no_wages", "i.wages = 0 AND a.workers > 0", {"year": "i.year", "workers": "a.workers"}),
    (
        QualityCode.DQ09,
        "no_costs",
        "i.business > 0 AND i.business_costs = 0",
        {"year": "i.year", "business": "i.business"},
    ),
    (
        QualityCode.DQ09,
        "per_capita",
        "a.size > 0 AND (i.net <= 0 OR i.net > a.size * {max_net})",
        {"year": "i.year", "net": "i.net", "size": "a.size"},
    ),
    (QualityCode.DQ10, "dibao", "h.household_type = %(dibao)s AND a.dibao = 0", {}),
    (QualityCode.DQ10, "tekun", "h.household_type = %(tekun)s AND a.labourers > 0", {"labourers": "a.labourers"}),
    (QualityCode.DQ11, "no_helper", "h.status IN ({identified}) AND ({pairing}) IS NULL", {}),
    (
        QualityCode.DQ12,
        "arable_land",
        "a.size > 0 AND h.arable_land > a.size * {max_arable}",
        {"area": "h.arable_land", "size": "a.size"},
    ),
    (
        QualityCode.DQ12,
        "forest_land",
        "a.size > 0 AND h.forest_land > a.size * {max_forest}",
        {"area": "h.forest_land", "size": "a.size"},
    ),
    (QualityCode.DQ12, "road", "h.road_distance_km > {max_road}", {"km": "h.road_distance_km"}),
    (QualityCode.DQ12, "housing_area", "h.housing_area = 0", {}),
]

# The per-household counts of current members, one GROUP BY over the county's members only.
MEMBER_COUNTS = {
    "size": "1 = 1",
    "heads": "m.relationship = %(head)s",
    "spouses": "m.relationship = %(spouse)s",
    "sick": "(m.has_chronic_disease OR m.has_serious_illness)",
    "disabled": "m.is_disabled",
    "schooling": "m.school_status <> %(not_in_school)s",
    "dibao": "m.receives_dibao",
    "labourers": "m.labour_ability IN ({labourers}) AND m.birth_date <= %(born_by_16)s"
    " AND m.birth_date > %(born_by_61)s",
    "workers": "m.months_worked >= 1 AND m.months_worked <= 12",
}


def household_pass(
    *, as_of: dt.date, county_id: int, run_id: int | None, household_ids: Collection[int] | None = None
) -> FindingSelect:
    """DQ03, DQ05, DQ08 and DQ09 (income of the year of as_of), DQ10, DQ11 no helper and DQ12 in one
    statement: the county's live households (or some of them), once, beside one aggregate of their
    current members."""
    qn = connection.ops.quote_name
    params: dict = {
        "as_of": as_of,
        "county": county_id,
        "run_id": run_id,
        "year": as_of.year,
        "spouse": str(c.Relationship.SPOUSE),
        "head": str(c.Relationship.HEAD),
        "not_in_school": str(c.SchoolStatus.NOT_IN_SCHOOL),
        "dibao": str(c.HouseholdType.DIBAO),
        "tekun": str(c.HouseholdType.TEKUN),
        **{f"born_by_{age}": years_before(as_of, age) for age in (16, 61)},
    }
    lists = {}
    checked = {"live": q.CHECKED_STATUSES, "identified": q.HELPER_CHECKED_STATUSES}
    for name, values in {**checked, "labourers": q.LABOURERS}.items():
        lists[name], extra = _in_list(name, values)
        params.update(extra)
    for cause in (c.Cause.ILLNESS, c.Cause.DISABILITY, c.Cause.SCHOOLING):
        params[f"cause_{cause}"] = str(cause)
        lists[f"cause_{cause}"] = (
            f"(h.main_cause = %(cause_{cause})s OR h.other_cause_1 = %(cause_{cause})s"
            f" OR h.other_cause_2 = %(cause_{cause})s)"
        )
    # Thresholds are the module's Decimal constants, written as SQL numbers (no float on SQLite).
    lists.update(
        max_net=str(q.MAX_PER_CAPITA_NET),
        max_arable=str(q.MAX_ARABLE_PER_PERSON),
        max_forest=str(q.MAX_FOREST_PER_PERSON),
        max_road=str(q.MAX_ROAD_KM),
    )
    t_member, t_household, t_income, t_pairing = (qn(x._meta.db_table) for x in (Member, Household, Income, Pairing))
    lists["pairing"] = (
        f"SELECT 1 FROM {t_pairing} p WHERE p.household_id = h.id AND p.start <= %(as_of)s"  # noqa: S608
        f" AND (p.{qn('end')} IS NULL OR p.{qn('end')} >= %(as_of)s) LIMIT 1"
    )
    counts = ", ".join(
        f"SUM(CASE WHEN {cond.format(**lists)} THEN 1 ELSE 0 END) AS {name}" for name, cond in MEMBER_COUNTS.items()
    )
    kinds, conditions, details = [], [], []
    for i, (code, kind, condition, detail) in enumerate(HOUSEHOLD_KINDS):
        params[f"k{i}_code"], params[f"k{i}_kind"] = str(code), kind
        params[f"k{i}_sev"] = str(q.severity_of(code))
        kinds.append(f"SELECT {i} AS n, %(k{i}_code)s AS code, %(k{i}_kind)s AS kind, %(k{i}_sev)s AS severity")
        conditions.append(f"WHEN {i} THEN {condition.format(**lists)}")
        details.append(f"WHEN {i} THEN {_json(detail)}")
    zero = ", ".join(f"COALESCE(ag.{name}, 0) AS {name}" for name in MEMBER_COUNTS)
    # Restricted to some households, the aggregate is too: it would count the whole county's members.
    only_h, only_hh, only_mh = (_only(household_ids, f"{t}.id", params) for t in ("h", "hh", "mh"))
    sql = f"""
        SELECT %(as_of)s, k.code, k.kind, k.severity, h.id, NULL, h.county_id, h.village_id,
               CASE k.n {" ".join(details)} END, %(run_id)s
        FROM {t_household} h
        JOIN (
            SELECT hh.id AS household_id, {zero}
            FROM {t_household} hh
            LEFT JOIN (
                SELECT m.household_id, {counts}
                FROM {t_household} mh JOIN {t_member} m ON m.household_id = mh.id
                WHERE mh.county_id = %(county)s AND mh.status IN ({lists["live"]}) AND m.departure = ''{only_mh}
                GROUP BY m.household_id
            ) ag ON ag.household_id = hh.id
            WHERE hh.county_id = %(county)s AND hh.status IN ({lists["live"]}){only_hh}
        ) a ON a.household_id = h.id
        LEFT JOIN {t_income} i ON i.household_id = h.id AND i.year = %(year)s
        JOIN ({" UNION ALL ".join(kinds)}) k ON (CASE k.n {" ".join(conditions)} END)
        WHERE h.county_id = %(county)s AND h.status IN ({lists["live"]}){only_h}
    """  # noqa: S608 - table names from the models, values as parameters
    return FindingSelect(sql, params)


def finding_selects(
    *, as_of: dt.date, county_id: int, run_id: int | None, household_ids: Collection[int] | None = None
) -> list[FindingSelect]:
    """Every set-based statement of the checks of §8.2 for a county as of a date: the member pass, the
    household pass and the DQ13 querysets of rules/quality.py; with household_ids, the same statements
    restricted to those households of the county. DQ02 is the stream quality.dq02_findings."""
    selects = [
        member_pass(as_of=as_of, county_id=county_id, run_id=run_id, household_ids=household_ids),
        household_pass(as_of=as_of, county_id=county_id, run_id=run_id, household_ids=household_ids),
    ]
    for check in q.SET_BASED_CHECKS:
        selects += [queryset_select(qs, run_id=run_id) for qs in check(as_of, county_id, household_ids)]
    return selects
