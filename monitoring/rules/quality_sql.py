"""The member-level checks of §8.2 in ONE pass (performance.md): one INSERT … SELECT that reads the
current members of a county's live households once and writes a finding for every (member, kind)
whose condition holds. Before, each kind was its own statement and scanned the same members again
(eight to ten scans per county); measured at 100,000 households this pass is several times cheaper.

The conditions are exactly those of the per-kind querysets they replace (rules/quality.py keeps
the definitions in words); a member matching several kinds gets several findings. Portable SQL:
PostgreSQL and SQLite differ only in the JSON builder of the detail column."""

import datetime as dt

from django.db import connection

from households import choices as c
from households.models import Household, Member, MemberEvent

from ..models import QualityCode, QualityFinding
from . import quality as q
from .common import birth_limit

# (code, kind, condition on m (member) and h (household), detail: {key: column})
MEMBER_KINDS = [
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
    (QualityCode.DQ13, "age", "m.birth_date <= %(born_by_111)s", {}),
]


def _in_list(name: str, values) -> tuple[str, dict]:
    values = sorted(str(v) for v in values)
    keys = {f"{name}_{i}": v for i, v in enumerate(values)}
    return ", ".join(f"%({k})s" for k in keys), keys


def _json(detail: dict) -> str:
    builder = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    pairs = ", ".join(f"'{key}', {column}" for key, column in detail.items())
    return f"{builder}({pairs})"


# The two look-ups into other rows (a head of the same sex, a departing event) are scalar subqueries
# "(SELECT 1 … LIMIT 1) IS NOT NULL", evaluated per member only for their kind: PostgreSQL turns an
# EXISTS here into a hashed subplan over ALL heads / events of the province, for every county.


def member_pass_sql(*, as_of: dt.date, county_id: int, run_id: int | None) -> tuple[str, dict]:
    """The statement and its parameters (separate so a test or EXPLAIN can look at it)."""
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
        **{f"born_by_{age}": birth_limit(as_of, age) for age in (6, 15, 16, 20, 61, 111)},
    }
    lists = {}
    for name, values in {
        "live": c.LIVE_STATUSES,
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
    columns = "as_of, code, kind, severity, household_id, member_id, county_id, village_id, detail, run_id"
    sql = f"""
        INSERT INTO {qn(QualityFinding._meta.db_table)} ({columns})
        SELECT %(as_of)s, k.code, k.kind, k.severity, m.household_id, m.id, h.county_id, h.village_id,
               CASE k.n {" ".join(details)} END, %(run_id)s
        FROM {t_household} h
        JOIN {t_member} m ON m.household_id = h.id
        JOIN ({" UNION ALL ".join(kinds)}) k ON (CASE k.n {" ".join(conditions)} END)
        WHERE h.county_id = %(county)s AND h.status IN ({lists["live"]}) AND m.departure = ''
    """  # noqa: S608 - table names from the models, values as parameters
    return sql, params


def member_pass(*, as_of: dt.date, county_id: int, run_id: int | None) -> int:
    """Write the member-level findings of the county; return their number."""
    sql, params = member_pass_sql(as_of=as_of, county_id=county_id, run_id=run_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)
