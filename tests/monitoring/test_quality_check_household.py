"""The in-memory checks for the registry's save (§8.2) agree with the nightly ones, without the database."""

import datetime as dt
from decimal import Decimal

import pytest

from households import choices as c
from households.idnumber import parse_id_number
from households.models import Household, Income, Member
from monitoring.rules.household import quality_check_household
from tests import factories as f

AS_OF = dt.date(2019, 12, 31)
R = c.Relationship


def person(relationship=R.HEAD, birth=dt.date(1970, 3, 1), male=True, **fields):
    info = parse_id_number(f.id_number(birth, male=male))
    fields.setdefault("id_number", f.id_number(birth, male=male))
    fields.setdefault("labour_ability", c.LabourAbility.ORDINARY)
    return Member(relationship=relationship, birth_date=info.birth_date, sex=info.sex, name="甲", **fields)


def home(**fields):
    fields.setdefault("main_cause", c.Cause.LACK_FUNDS)
    fields.setdefault("housing_area", Decimal("80"))
    return Household(identification_year=2016, **fields)


def couple(*extra):
    return [person(), person(R.SPOUSE, dt.date(1972, 5, 1), male=False), *extra]


def kinds(household, members, **kw):
    return {(x.code, x.kind) for x in quality_check_household(household, members, as_of=AS_OF, **kw)}


@pytest.mark.django_db(databases=[])  # proves the check never touches the database
def test_a_clean_household_has_no_findings():
    assert kinds(home(), couple()) == set()
    child = person(R.SON, dt.date(2009, 1, 1), school_status=c.SchoolStatus.PRIMARY, labour_ability="none")
    assert kinds(home(main_cause=c.Cause.SCHOOLING), couple(child)) == set()


@pytest.mark.django_db(databases=[])
@pytest.mark.parametrize(
    ("household", "members", "expected"),
    [
        (home(), [person(id_number="211224197003010012")], ("DQ02", "checksum")),
        (home(), [person(R.SPOUSE, male=False)], ("DQ03", "heads")),
        (home(), couple(person(R.SPOUSE, male=False)), ("DQ03", "spouses")),
        (home(), [person(), person(R.SPOUSE)], ("DQ04", "same_sex")),
        (home(), couple(person(R.DAUGHTER, dt.date(1995, 1, 1), male=True)), ("DQ04", "relationship_sex")),
        (home(main_cause=c.Cause.ILLNESS), couple(), ("DQ05", "illness")),
        (home(main_cause=c.Cause.DISABILITY), couple(), ("DQ05", "disability")),
        (home(main_cause=c.Cause.SCHOOLING), couple(), ("DQ05", "schooling")),
        (home(other_cause_1=c.Cause.LACK_FUNDS), couple(), ("DQ05", "repeated_cause")),
        (home(), couple(person(R.SON, dt.date(2005, 1, 1), labour_ability="none")), ("DQ06", "out_of_school")),
        (
            home(),
            couple(person(R.SON, dt.date(2006, 1, 1), school_status="senior_high", labour_ability="none")),
            ("DQ06", "too_young"),
        ),
        (home(), [person(school_status="primary", labour_ability="none")], ("DQ06", "too_old")),
        (home(), [person(labour_ability="lost")], ("DQ07", "healthy_no_labour")),
        (
            home(),
            couple(person(R.SON, dt.date(2009, 1, 1), school_status="primary")),
            ("DQ07", "child_or_student_labour"),
        ),
        (home(), [person(months_worked=13)], ("DQ08", "months")),
        (home(household_type=c.HouseholdType.DIBAO), couple(), ("DQ10", "dibao")),
        (home(household_type=c.HouseholdType.TEKUN), couple(), ("DQ10", "tekun")),
        (home(arable_land=Decimal("100.01")), couple(), ("DQ12", "arable_land")),
        (home(forest_land=Decimal("140.01")), couple(), ("DQ12", "forest_land")),
        (home(road_distance_km=Decimal("50.01")), couple(), ("DQ12", "road")),
        (home(housing_area=Decimal("0")), couple(), ("DQ12", "housing_area")),
        (
            home(),
            couple(person(R.SON, dt.date(1995, 1, 1), departure="deceased", receives_dibao=True)),
            ("DQ13", "departed_benefits"),
        ),
        (home(status=c.Status.CLOSED), couple(), ("DQ13", "closed_household")),
    ],
)
def test_each_cheap_check_fires_in_memory(household, members, expected):
    assert expected in kinds(household, members)


@pytest.mark.django_db(databases=[])
def test_income_checks_run_when_an_income_record_is_given():
    members = couple()
    assert ("DQ08", "wages_no_work") in kinds(home(), members, income=Income(year=2019, wages=Decimal("100")))
    members[0].months_worked = 6
    found = kinds(home(), members, income=Income(year=2019, business=Decimal("500")))
    assert {("DQ08", "work_no_wages"), ("DQ09", "no_costs")} <= found
    assert ("DQ09", "per_capita") in kinds(home(), members, income=Income(year=2019))
    assert kinds(home(), couple(), income=Income(year=2019, property=Decimal("9000"))) == set()


@pytest.mark.django_db(databases=[])
def test_findings_name_the_member_and_carry_a_severity():
    members = [person(labour_ability="lost")]
    (finding,) = quality_check_household(home(), members, as_of=AS_OF)
    assert finding.member is members[0]
    assert finding.severity == "warning"
