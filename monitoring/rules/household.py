"""The cheap checks of §8.2 for one household in memory, for the registry's save (§8.2: "nightly and
on save"). Pure Python: no database access, so a form can call it before saving anything.

It mirrors the nightly set-based checks (rules/quality.py) with the same codes and kinds. DQ01 (the
same person in another household) and DQ11 (helpers) need the whole province and run nightly only."""

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from households import choices as c
from households.idnumber import age_on
from households.models import Household, Income, Member

from ..models import QualityCode
from . import quality as q


@dataclasses.dataclass(frozen=True)
class Finding:
    code: str
    kind: str
    severity: str
    member: Member | None = None
    detail: dict = dataclasses.field(default_factory=dict)


def _finding(code: str, kind: str, member: Member | None = None, **detail) -> Finding:
    return Finding(code=str(code), kind=kind, severity=str(q.severity_of(code)), member=member, detail=detail)


def _causes(h: Household) -> set[str]:
    return {h.main_cause, h.other_cause_1, h.other_cause_2} - {""}


def quality_check_household(
    household: Household,
    members: Iterable[Member],
    *,
    as_of: dt.date | None = None,
    income: Income | None = None,
) -> list[Finding]:
    """The data-quality findings of one household and its members (§8.2), computed in memory."""
    as_of = as_of or dt.date.today()
    members = list(members)
    current = [m for m in members if m.departure == ""]
    out: list[Finding] = []

    def age(m: Member) -> int | None:
        return age_on(m.birth_date, as_of) if m.birth_date else None

    for m in current:  # DQ02
        if m.id_type == c.IdType.RESIDENT_ID:
            problem = q.id_problem(m.id_number, m.birth_date, m.sex, as_of)
            if problem:
                out.append(_finding(QualityCode.DQ02, problem, m))

    heads = [m for m in current if m.relationship == c.Relationship.HEAD]
    spouses = [m for m in current if m.relationship == c.Relationship.SPOUSE]
    if len(heads) != 1:
        out.append(_finding(QualityCode.DQ03, "heads", heads=len(heads)))
    if len(spouses) > 1:
        out.append(_finding(QualityCode.DQ03, "spouses", spouses=len(spouses)))

    for s in spouses:  # DQ04
        if any(h.sex == s.sex for h in heads):
            out.append(_finding(QualityCode.DQ04, "same_sex", s))
    for m in current:
        if (m.relationship in c.MALE_RELATIONSHIPS and m.sex == c.Sex.FEMALE) or (
            m.relationship in c.FEMALE_RELATIONSHIPS and m.sex == c.Sex.MALE
        ):
            out.append(_finding(QualityCode.DQ04, "relationship_sex", m, relationship=m.relationship, sex=m.sex))

    causes = _causes(household)  # DQ05
    if c.Cause.ILLNESS in causes and not any(m.has_chronic_disease or m.has_serious_illness for m in current):
        out.append(_finding(QualityCode.DQ05, "illness"))
    if c.Cause.DISABILITY in causes and not any(m.is_disabled for m in current):
        out.append(_finding(QualityCode.DQ05, "disability"))
    if c.Cause.SCHOOLING in causes and not any(m.school_status != c.SchoolStatus.NOT_IN_SCHOOL for m in current):
        out.append(_finding(QualityCode.DQ05, "schooling"))
    others = [x for x in (household.other_cause_1, household.other_cause_2) if x]
    if household.main_cause in others or len(others) != len(set(others)):
        out.append(_finding(QualityCode.DQ05, "repeated_cause"))

    for m in current:
        a = age(m)
        if a is None:
            continue
        healthy = not (m.has_chronic_disease or m.has_serious_illness or m.is_disabled)
        if 6 <= a <= 15 and m.school_status == c.SchoolStatus.NOT_IN_SCHOOL and not m.no_school_reason:
            out.append(_finding(QualityCode.DQ06, "out_of_school", m))
        if a <= 14 and m.school_status in q.IN_SCHOOL_SENIOR_OR_ABOVE:
            out.append(_finding(QualityCode.DQ06, "too_young", m, school_status=m.school_status))
        if a >= 20 and m.school_status in q.PRIMARY_OR_BELOW:
            out.append(_finding(QualityCode.DQ06, "too_old", m, school_status=m.school_status))
        if 16 <= a <= 60 and healthy and m.labour_ability in q.NO_LABOUR:
            out.append(_finding(QualityCode.DQ07, "healthy_no_labour", m, labour_ability=m.labour_ability))
        if m.labour_ability in q.LABOURERS and (a < 16 or m.school_status != c.SchoolStatus.NOT_IN_SCHOOL):
            out.append(_finding(QualityCode.DQ07, "child_or_student_labour", m, labour_ability=m.labour_ability))
        if m.months_worked is not None and not 0 <= m.months_worked <= 12:
            out.append(_finding(QualityCode.DQ08, "months", m, months=m.months_worked))
        if a > q.MAX_PLAUSIBLE_AGE:
            out.append(_finding(QualityCode.DQ13, "age", m))

    size = len(current)
    if income is not None:
        out += _income_findings(income, current, size)

    if household.household_type == c.HouseholdType.DIBAO and not any(m.receives_dibao for m in current):
        out.append(_finding(QualityCode.DQ10, "dibao"))
    if household.household_type == c.HouseholdType.TEKUN:
        labourers = sum(
            1 for m in current if m.labour_ability in q.LABOURERS and (a := age(m)) is not None and 16 <= a <= 60
        )
        if labourers:
            out.append(_finding(QualityCode.DQ10, "tekun", labourers=labourers))

    if size:
        if household.arable_land is not None and household.arable_land > size * q.MAX_ARABLE_PER_PERSON:
            out.append(_finding(QualityCode.DQ12, "arable_land", area=str(household.arable_land), size=size))
        if household.forest_land is not None and household.forest_land > size * q.MAX_FOREST_PER_PERSON:
            out.append(_finding(QualityCode.DQ12, "forest_land", area=str(household.forest_land), size=size))
    if household.road_distance_km is not None and household.road_distance_km > q.MAX_ROAD_KM:
        out.append(_finding(QualityCode.DQ12, "road", km=str(household.road_distance_km)))
    if household.housing_area is not None and household.housing_area == 0:
        out.append(_finding(QualityCode.DQ12, "housing_area"))

    for m in members:  # DQ13
        if m.departure and (m.receives_dibao or m.receives_tekun or m.has_public_welfare_post):
            out.append(_finding(QualityCode.DQ13, "departed_benefits", m, departure=m.departure))
    if household.status == c.Status.CLOSED:
        out += [_finding(QualityCode.DQ13, "closed_household", m) for m in current]
    return out


def _income_findings(income: Income, current: list[Member], size: int) -> list[Finding]:
    """DQ08 and DQ09 on an income record in memory (its net is computed here, not read from the database)."""
    out = []
    workers = sum(1 for m in current if m.months_worked and 1 <= m.months_worked <= 12)
    if income.wages > 0 and not workers:
        out.append(_finding(QualityCode.DQ08, "wages_no_work", wages=str(income.wages)))
    if income.wages == 0 and workers:
        out.append(_finding(QualityCode.DQ08, "work_no_wages", workers=workers))
    if income.business > 0 and income.business_costs == 0:
        out.append(_finding(QualityCode.DQ09, "no_costs", business=str(income.business)))
    parts = ("wages", "business", "property", "family_planning", "dibao", "tekun", "pension", "eco_compensation")
    net = sum((Decimal(getattr(income, p) or 0) for p in (*parts, "other_transfer")), Decimal(0))
    net -= Decimal(income.business_costs or 0)
    if size and (net <= 0 or net > size * q.MAX_PER_CAPITA_NET):
        out.append(_finding(QualityCode.DQ09, "per_capita", net=str(net), size=size))
    return out
