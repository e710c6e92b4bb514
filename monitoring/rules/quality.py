"""The nightly data-quality checks DQ01–DQ13 (§8.2), set-based: the thresholds and sets of values of
every check, the checks that look at non-current members (DQ13) as querysets that the service turns
into INSERT … SELECT, and DQ02, a streamed pass over the ID numbers that SQL cannot vouch for (the
exact reason comes from Python). The member- and household-level conditions are written in
rules/quality_sql.py, two statements per county (docs/performance.md); quality_sql.finding_selects
lists every statement, for the nightly run and for the check of one household (rules/household.py).

Every check looks at the checked households of one county (CHECKED_STATUSES: poor, exited or returned,
and the applicants and not-poor households, whose data is entered the same way) and their current
members, or only some of its households (household_ids); ages are full years at `as_of` from the birth
date."""

import datetime as dt
from collections.abc import Collection, Iterator
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, CharField, DateField, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject

from households import choices as c
from households.idnumber import CHECK_CHARS, WEIGHTS, parse_id_number
from households.models import Member

from ..models import QualityCode, QualityFinding, Severity

SEVERITY = {
    QualityCode.DQ01: Severity.ERROR,
    QualityCode.DQ02: Severity.ERROR,
    QualityCode.DQ03: Severity.ERROR,
    QualityCode.DQ04: Severity.ERROR,
    QualityCode.DQ13: Severity.ERROR,
}


def severity_of(code: str) -> str:
    return SEVERITY.get(QualityCode(code), Severity.WARNING)


# §8.2 thresholds; kept here, in one place, because no policy table holds them yet.
MAX_PER_CAPITA_NET = Decimal("100000")
MAX_ARABLE_PER_PERSON = Decimal("50")
MAX_FOREST_PER_PERSON = Decimal("70")
MAX_ROAD_KM = Decimal("50")
# DQ13: a current member older than this is most likely deceased but still counted.
MAX_PLAUSIBLE_AGE = 110
# Every age a check compares a birth date with (born_by_<age> in quality_sql): a member crossing one
# between two nights is checked again (quality_changes).
AGES = (6, 15, 16, 20, 61, MAX_PLAUSIBLE_AGE + 1)
# Raise it when a check changes: the next night of every county is then a full pass, not a carry-over
# of last night's findings (quality_changes).
RULES_VERSION = 1

# The households the checks look at: the live ones and those not (yet) identified (issue 14). DQ11 (helpers)
# only the identified live ones: an applicant or a not-poor household has no helper to be paired with, and
# a person of one serving as a helper is not a registered poor person (docs/lifecycle-applicants.md).
CHECKED_STATUSES = (*c.LIVE_STATUSES, *c.UNIDENTIFIED_STATUSES)
HELPER_CHECKED_STATUSES = c.LIVE_STATUSES

IN_SCHOOL_SENIOR_OR_ABOVE = [
    c.SchoolStatus.SENIOR_HIGH,
    c.SchoolStatus.SECONDARY_VOCATIONAL,
    c.SchoolStatus.HIGHER_VOCATIONAL,
    c.SchoolStatus.BACHELOR,
]
PRIMARY_OR_BELOW = [c.SchoolStatus.PRESCHOOL, c.SchoolStatus.PRIMARY]
LABOURERS = [c.LabourAbility.ORDINARY, c.LabourAbility.SKILLED]
NO_LABOUR = [c.LabourAbility.LOST, c.LabourAbility.NONE]


def county_members(county_id: int, household_ids: Collection[int] | None = None) -> QuerySet[Member]:
    """The members (current or not) of the county's households, or of some of them."""
    qs = Member.objects.filter(household__county_id=county_id)
    return qs if household_ids is None else qs.filter(household_id__in=household_ids)


def current_members(county_id: int, household_ids: Collection[int] | None = None) -> QuerySet[Member]:
    return county_members(county_id, household_ids).filter(household__status__in=CHECKED_STATUSES, departure="")


def _constants(as_of: dt.date, code: str, kind: str) -> dict:
    return {
        "f_since": Value(as_of, output_field=DateField()),
        "f_code": Value(str(code), output_field=CharField()),
        "f_kind": Value(kind, output_field=CharField()),
        "f_severity": Value(str(severity_of(code)), output_field=CharField()),
    }


def member_finding(qs: QuerySet[Member], as_of: dt.date, code: str, kind: str, **detail) -> QuerySet:
    return qs.annotate(
        **_constants(as_of, code, kind),
        f_household_id=F("household_id"),
        f_member_id=F("pk"),
        f_county_id=F("household__county_id"),
        f_village_id=F("household__village_id"),
        f_detail=JSONObject(**detail),
    )


def dq13(as_of: dt.date, county_id: int, household_ids: Collection[int] | None = None) -> list[QuerySet]:
    """A deceased or departed member still counted (§8.2 DQ13). Defined as:
    - a member with a recorded death / marriage-out / moving-away change who is still a current member;
    - a departed member still drawing dibao, tekun support or a public-welfare post (payments to absentees);
    - a current member older than 110 (most likely deceased, never recorded);
    - current members in a closed household (closing records everybody's departure)."""
    members = county_members(county_id, household_ids)
    departed = members.filter(household__status__in=CHECKED_STATUSES).exclude(departure="")
    closed = members.filter(household__status=c.Status.CLOSED, departure="")
    return [
        member_finding(
            departed.filter(Q(receives_dibao=True) | Q(receives_tekun=True) | Q(has_public_welfare_post=True)),
            as_of,
            QualityCode.DQ13,
            "departed_benefits",
            departure=F("departure"),
        ),
        member_finding(closed, as_of, QualityCode.DQ13, "closed_household"),
    ]


# Most checks are conditions on one member, or on one household with counts of its members and its
# income record: quality_sql computes them in two passes (member pass, household pass), the look-ups
# across households of DQ01 and DQ11 included. Below are the rest, which look at non-current members
# (DQ13).
SET_BASED_CHECKS = [dq13]


# The number is certainly valid and agrees with the stored birth date and sex (PostgreSQL): 17 digits
# and a check character, the birth date in it equal to the stored one and between 1900 and as_of, the
# sex digit equal to the stored sex, the GB 11643 checksum right. Most rows pass, and only the others
# go through Python (id_problem) for the exact reason: the pass no longer parses every number in
# Python. Stricter than id_problem on purpose (a lower-case x, spaces, an empty sex go to Python).
_MEMBER = f'"{Member._meta.db_table}"'
_DIGITS = " + ".join(f"substr({_MEMBER}.id_number, {i + 1}, 1)::int * {w}" for i, w in enumerate(WEIGHTS))
CERTAINLY_VALID_ID = f"""CASE WHEN {_MEMBER}.id_number ~ '^[0-9]{{17}}[0-9X]$' THEN
    {_MEMBER}.birth_date >= DATE '1900-01-01' AND {_MEMBER}.birth_date <= %s
    AND substr({_MEMBER}.id_number, 7, 8) = to_char({_MEMBER}.birth_date, 'YYYYMMDD')
    AND {_MEMBER}.sex = CASE WHEN substr({_MEMBER}.id_number, 17, 1)::int %% 2 = 1 THEN 'male' ELSE 'female' END
    AND substr('{CHECK_CHARS}', ({_DIGITS}) %% 11 + 1, 1) = substr({_MEMBER}.id_number, 18, 1)
    ELSE FALSE END"""


def dq02_findings(
    as_of: dt.date,
    county_id: int,
    *,
    run_id: int | None,
    household_ids: Collection[int] | None = None,
    chunk_size: int = 5000,
) -> Iterator[QualityFinding]:
    """Invalid resident ID numbers (§8.1, §8.2 DQ02): a streamed pass over the ID numbers only; also a
    stored birth date or sex that disagrees with the number (they are derived from it, §3.2)."""
    members = current_members(county_id, household_ids).filter(id_type=c.IdType.RESIDENT_ID)
    if connection.vendor == "postgresql":
        uncertain = RawSQL(f"NOT COALESCE({CERTAINLY_VALID_ID}, FALSE)", (as_of,), output_field=BooleanField())  # noqa: S611
        members = members.filter(uncertain)
    rows = (
        members.values_list("pk", "household_id", "household__village_id", "id_number", "birth_date", "sex")
        .order_by()
        .iterator(chunk_size=chunk_size)
    )
    for pk, household_id, village_id, number, birth_date, sex in rows:
        kind = id_problem(number, birth_date, sex, as_of)
        if kind:
            yield QualityFinding(
                since=as_of,
                code=QualityCode.DQ02,
                kind=kind,
                severity=severity_of(QualityCode.DQ02),
                household_id=household_id,
                member_id=pk,
                county_id=county_id,
                village_id=village_id,
                run_id=run_id,
            )


def id_problem(number: str, birth_date: dt.date | None, sex: str, as_of: dt.date) -> str:
    """ "" when the resident ID number is valid and agrees with the stored birth date and sex, else the reason."""
    try:
        info = parse_id_number(number, today=as_of)
    except ValidationError as exc:
        return exc.code or "invalid"
    if (birth_date is not None and info.birth_date != birth_date) or (sex and info.sex != sex):
        return "mismatch"
    return ""
