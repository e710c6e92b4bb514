"""The nightly data-quality checks DQ01–DQ13 (§8.2), set-based: every check is one or a few querysets
that the service turns into INSERT … SELECT (DQ02 alone is a streamed pass over ID numbers, because
the GB 11643 checksum is not portable SQL).

Every check looks at the live households of one county (status poor, exited or returned) and their
current members; ages are full years at `as_of` from the birth date."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject, Trim, Upper

from households import choices as c
from households.idnumber import CHECK_CHARS, WEIGHTS, parse_id_number
from households.models import Helper, Household, Income, Member, Pairing

from ..models import QualityCode, QualityFinding, Severity
from .common import age_between, current_member_count

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

IN_SCHOOL_SENIOR_OR_ABOVE = [
    c.SchoolStatus.SENIOR_HIGH,
    c.SchoolStatus.SECONDARY_VOCATIONAL,
    c.SchoolStatus.HIGHER_VOCATIONAL,
    c.SchoolStatus.BACHELOR,
]
PRIMARY_OR_BELOW = [c.SchoolStatus.PRESCHOOL, c.SchoolStatus.PRIMARY]
LABOURERS = [c.LabourAbility.ORDINARY, c.LabourAbility.SKILLED]
NO_LABOUR = [c.LabourAbility.LOST, c.LabourAbility.NONE]
HEALTHY = Q(has_chronic_disease=False, has_serious_illness=False, is_disabled=False)


def live_households(county_id: int) -> QuerySet[Household]:
    return Household.objects.filter(county_id=county_id, status__in=c.LIVE_STATUSES)


def current_members(county_id: int) -> QuerySet[Member]:
    return Member.objects.filter(household__county_id=county_id, household__status__in=c.LIVE_STATUSES, departure="")


def _constants(as_of: dt.date, code: str, kind: str) -> dict:
    return {
        "f_as_of": Value(as_of, output_field=DateField()),
        "f_code": Value(str(code), output_field=CharField()),
        "f_kind": Value(kind, output_field=CharField()),
        "f_severity": Value(str(severity_of(code)), output_field=CharField()),
    }


def household_finding(qs: QuerySet[Household], as_of: dt.date, code: str, kind: str, **detail) -> QuerySet:
    return qs.annotate(
        **_constants(as_of, code, kind),
        f_household_id=F("pk"),
        f_member_id=Value(None, output_field=IntegerField()),
        f_county_id=F("county_id"),
        f_village_id=F("village_id"),
        f_detail=JSONObject(**detail),
    )


def member_finding(qs: QuerySet[Member], as_of: dt.date, code: str, kind: str, **detail) -> QuerySet:
    return qs.annotate(
        **_constants(as_of, code, kind),
        f_household_id=F("household_id"),
        f_member_id=F("pk"),
        f_county_id=F("household__county_id"),
        f_village_id=F("household__village_id"),
        f_detail=JSONObject(**detail),
    )


def income_finding(qs: QuerySet[Income], as_of: dt.date, code: str, kind: str, **detail) -> QuerySet:
    return qs.annotate(
        **_constants(as_of, code, kind),
        f_household_id=F("household_id"),
        f_member_id=Value(None, output_field=IntegerField()),
        f_county_id=F("household__county_id"),
        f_village_id=F("household__village_id"),
        f_detail=JSONObject(year=F("year"), **detail),
    )


def dq01(as_of: dt.date, county_id: int) -> list[QuerySet]:
    """One person in two live households within the province (§8.2 DQ01). The database already forbids
    the same ID number twice among current members; what still slips through: a number typed with a
    lower-case x or surrounding spaces (imports, raw writes) beside the same number written properly,
    and a current member whose ID is recorded as deceased in another live household.

    The other member is looked up by its exact, indexed ID number against this member's normalised one,
    so the check costs one index probe per member; a pair of which only the other side is
    non-normalised is reported when that side's county is checked."""
    other = (
        Member.objects.filter(id_number=OuterRef("norm"), household__status__in=c.LIVE_STATUSES)
        .filter(Q(departure="") | Q(departure=c.Departure.DECEASED))
        .exclude(household_id=OuterRef("household_id"))
    )
    qs = current_members(county_id).exclude(id_number="").annotate(norm=Upper(Trim("id_number")))
    qs = qs.filter(Exists(other))
    return [member_finding(qs, as_of, QualityCode.DQ01, "duplicate")]


def _households_with_several(county_id: int, relationship: str) -> QuerySet:
    """Ids of the county's households with more than one current member of a relationship: one GROUP BY
    over those members only (heads or spouses), not a count per household."""
    return (
        current_members(county_id)
        .filter(relationship=relationship)
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("household_id")
    )


def dq03(as_of: dt.date, county_id: int) -> list[QuerySet]:
    """Not exactly one current head, or more than one current spouse (§8.2 DQ03)."""
    hh = live_households(county_id)
    head = Member.objects.filter(household_id=OuterRef("pk"), departure="", relationship=c.Relationship.HEAD)
    several_heads = hh.filter(pk__in=_households_with_several(county_id, c.Relationship.HEAD))
    several_spouses = hh.filter(pk__in=_households_with_several(county_id, c.Relationship.SPOUSE))
    return [
        household_finding(hh.filter(~Exists(head)), as_of, QualityCode.DQ03, "heads", heads=Value(0)),
        household_finding(
            several_heads.annotate(heads=current_member_count(relationship=c.Relationship.HEAD)),
            as_of,
            QualityCode.DQ03,
            "heads",
            heads=F("heads"),
        ),
        household_finding(
            several_spouses.annotate(spouses=current_member_count(relationship=c.Relationship.SPOUSE)),
            as_of,
            QualityCode.DQ03,
            "spouses",
            spouses=F("spouses"),
        ),
    ]


def _has_cause(cause: str) -> Q:
    return Q(main_cause=cause) | Q(other_cause_1=cause) | Q(other_cause_2=cause)


def dq05(as_of: dt.date, county_id: int) -> list[QuerySet]:
    """A cause of poverty that the members contradict; another cause repeating the main (§8.2 DQ05)."""
    hh = live_households(county_id)
    sick = current_member_count(Q(has_chronic_disease=True) | Q(has_serious_illness=True))
    return [
        household_finding(
            hh.filter(_has_cause(c.Cause.ILLNESS)).annotate(n=sick).filter(n=0), as_of, QualityCode.DQ05, "illness"
        ),
        household_finding(
            hh.filter(_has_cause(c.Cause.DISABILITY)).annotate(n=current_member_count(is_disabled=True)).filter(n=0),
            as_of,
            QualityCode.DQ05,
            "disability",
        ),
        household_finding(
            hh.filter(_has_cause(c.Cause.SCHOOLING))
            .annotate(n=current_member_count(~Q(school_status=c.SchoolStatus.NOT_IN_SCHOOL)))
            .filter(n=0),
            as_of,
            QualityCode.DQ05,
            "schooling",
        ),
        # The database forbids these two; the check still catches rows written around it (e.g. restores).
        household_finding(
            hh.filter(
                Q(other_cause_1=F("main_cause"))
                | Q(other_cause_2=F("main_cause"))
                | (~Q(other_cause_2="") & Q(other_cause_2=F("other_cause_1")))
            ),
            as_of,
            QualityCode.DQ05,
            "repeated_cause",
        ),
    ]


def _incomes(county_id: int, year: int) -> QuerySet[Income]:
    return Income.objects.filter(household__county_id=county_id, household__status__in=c.LIVE_STATUSES, year=year)


def dq08(as_of: dt.date, county_id: int) -> list[QuerySet]:
    """Wages with nobody working; work without wages; months worked outside 0–12 (§8.2 DQ08), on the
    income record of the policy year (the year of as_of)."""
    incomes = _incomes(county_id, as_of.year)
    worker = Member.objects.filter(
        household_id=OuterRef("household_id"), departure="", months_worked__gte=1, months_worked__lte=12
    )
    workers = current_member_count(ref="household_id", months_worked__gte=1, months_worked__lte=12)
    return [
        income_finding(
            incomes.filter(wages__gt=0).filter(~Exists(worker)),
            as_of,
            QualityCode.DQ08,
            "wages_no_work",
            wages=F("wages"),
        ),
        income_finding(
            incomes.filter(wages=0).filter(Exists(worker)).annotate(n=workers),
            as_of,
            QualityCode.DQ08,
            "work_no_wages",
            workers=F("n"),
        ),
    ]


def dq09(as_of: dt.date, county_id: int) -> list[QuerySet]:
    """Business income without business costs; per-capita net income ≤ 0 or above 100,000 (§8.2 DQ09)."""
    incomes = _incomes(county_id, as_of.year)
    # A per-capita amount above the limit needs a net above it (at least one member): filter on that
    # first, so the member count is computed for the few candidates only.
    candidates = incomes.filter(Q(net__lte=0) | Q(net__gt=MAX_PER_CAPITA_NET))
    sized = candidates.annotate(size=current_member_count(ref="household_id")).filter(size__gt=0)
    return [
        income_finding(
            incomes.filter(business__gt=0, business_costs=0),
            as_of,
            QualityCode.DQ09,
            "no_costs",
            business=F("business"),
        ),
        # Compared as net against size × limit, so no division happens in SQL.
        income_finding(
            sized.filter(Q(net__lte=0) | Q(net__gt=F("size") * Value(MAX_PER_CAPITA_NET))),
            as_of,
            QualityCode.DQ09,
            "per_capita",
            net=F("net"),
            size=F("size"),
        ),
    ]


def dq10(as_of: dt.date, county_id: int) -> list[QuerySet]:
    """Dibao household with nobody on dibao; tekun household with a working-age labourer (§8.2 DQ10)."""
    hh = live_households(county_id)
    labourers = current_member_count(labour_ability__in=LABOURERS, **age_between(as_of, 16, 60))
    return [
        household_finding(
            hh.filter(household_type=c.HouseholdType.DIBAO)
            .annotate(n=current_member_count(receives_dibao=True))
            .filter(n=0),
            as_of,
            QualityCode.DQ10,
            "dibao",
        ),
        household_finding(
            hh.filter(household_type=c.HouseholdType.TEKUN).annotate(n=labourers).filter(n__gt=0),
            as_of,
            QualityCode.DQ10,
            "tekun",
            labourers=F("n"),
        ),
    ]


def active_pairings(as_of: dt.date) -> QuerySet[Pairing]:
    return Pairing.objects.filter(start__lte=as_of).filter(Q(end__isnull=True) | Q(end__gte=as_of))


def dq11(as_of: dt.date, county_id: int) -> list[QuerySet]:
    """A household without a current helper; a registered poor person serving as a helper (§8.2 DQ11).
    The second is reported on the poor person's own record (the member), where it has to be fixed."""
    no_helper = live_households(county_id).exclude(Exists(active_pairings(as_of).filter(household_id=OuterRef("pk"))))
    # One probe per member into the helpers by normalised number (index helper_id_number_norm of
    # households/migrations/0004_perf_indexes): a hash of all the province's serving helpers, built
    # again for every county, cost more than the county's own checks together.
    helping = (
        Helper.objects.exclude(id_number="")
        .annotate(norm=Upper(Trim("id_number")))
        .filter(norm=OuterRef("norm"))
        .filter(Exists(active_pairings(as_of).filter(helper_id=OuterRef("pk"))))
    )
    poor_helpers = (
        current_members(county_id).exclude(id_number="").annotate(norm=Upper(Trim("id_number"))).filter(Exists(helping))
    )
    return [
        household_finding(no_helper, as_of, QualityCode.DQ11, "no_helper"),
        member_finding(poor_helpers, as_of, QualityCode.DQ11, "poor_helper"),
    ]


def dq12(as_of: dt.date, county_id: int) -> list[QuerySet]:
    """Implausible land per person, road distance or a housing area of 0 (§8.2 DQ12)."""
    hh = live_households(county_id)
    # As in DQ09: only households above the limit for one person can be above it per person.
    arable = hh.filter(arable_land__gt=MAX_ARABLE_PER_PERSON).annotate(size=current_member_count()).filter(size__gt=0)
    forest = hh.filter(forest_land__gt=MAX_FOREST_PER_PERSON).annotate(size=current_member_count()).filter(size__gt=0)
    return [
        household_finding(
            arable.filter(arable_land__gt=F("size") * Value(MAX_ARABLE_PER_PERSON)),
            as_of,
            QualityCode.DQ12,
            "arable_land",
            area=F("arable_land"),
            size=F("size"),
        ),
        household_finding(
            forest.filter(forest_land__gt=F("size") * Value(MAX_FOREST_PER_PERSON)),
            as_of,
            QualityCode.DQ12,
            "forest_land",
            area=F("forest_land"),
            size=F("size"),
        ),
        household_finding(
            hh.filter(road_distance_km__gt=MAX_ROAD_KM), as_of, QualityCode.DQ12, "road", km=F("road_distance_km")
        ),
        household_finding(hh.filter(housing_area=0), as_of, QualityCode.DQ12, "housing_area"),
    ]


def dq13(as_of: dt.date, county_id: int) -> list[QuerySet]:
    """A deceased or departed member still counted (§8.2 DQ13). Defined as:
    - a member with a recorded death / marriage-out / moving-away change who is still a current member;
    - a departed member still drawing dibao, tekun support or a public-welfare post (payments to absentees);
    - a current member older than 110 (most likely deceased, never recorded);
    - current members in a closed household (closing records everybody's departure)."""
    departed = Member.objects.filter(household__county_id=county_id, household__status__in=c.LIVE_STATUSES).exclude(
        departure=""
    )
    closed = Member.objects.filter(household__county_id=county_id, household__status=c.Status.CLOSED, departure="")
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


# DQ04, DQ06, DQ07, DQ08 months and DQ13 departure event / age are member-level conditions computed in
# one pass over the members (quality_sql.member_pass); the checks below are the rest.
SET_BASED_CHECKS = [dq01, dq03, dq05, dq08, dq09, dq10, dq11, dq12, dq13]


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
    as_of: dt.date, county_id: int, *, run_id: int | None, chunk_size: int = 5000
) -> Iterator[QualityFinding]:
    """Invalid resident ID numbers (§8.1, §8.2 DQ02): a streamed pass over the ID numbers only; also a
    stored birth date or sex that disagrees with the number (they are derived from it, §3.2)."""
    rows = current_members(county_id).filter(id_type=c.IdType.RESIDENT_ID)
    if connection.vendor == "postgresql":
        uncertain = RawSQL(f"NOT COALESCE({CERTAINLY_VALID_ID}, FALSE)", (as_of,), output_field=BooleanField())  # noqa: S611
        rows = rows.filter(uncertain)
    rows = (
        rows.values_list("pk", "household_id", "household__village_id", "id_number", "birth_date", "sex")
        .order_by()
        .iterator(chunk_size=chunk_size)
    )
    for pk, household_id, village_id, number, birth_date, sex in rows:
        kind = id_problem(number, birth_date, sex, as_of)
        if kind:
            yield QualityFinding(
                as_of=as_of,
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
