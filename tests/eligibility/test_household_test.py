"""§5.2: every criterion and its boundaries, computed by the Python explain and the set-based SQL alike."""

import datetime as dt

import pytest

from eligibility.models import PolicyParameter
from households import choices as c
from tests import factories as f

from .conftest import AS_OF, both_ways, good_household

pytestmark = pytest.mark.django_db


def test_a_household_meeting_every_criterion_is_eligible(world):
    result = both_ways(good_household(world.village_a))
    assert result.eligible
    assert all(crit.passed is True for crit in result.criteria.values())
    assert result.policy_year == 2019 and result.params_version == 0


@pytest.mark.parametrize(("wages", "passed"), [("3218.00", False), ("3218.01", True)])
def test_income_equal_to_the_line_fails_and_one_fen_above_passes(world, wages, passed):
    result = both_ways(good_household(world.village_a, wages=wages))
    assert result.criteria["income"].passed is passed
    assert result.eligible is passed


def test_income_is_compared_per_capita(world):
    members = [f.member(), f.member(c.Relationship.SPOUSE, male=False), f.member(c.Relationship.SON)]
    result = both_ways(good_household(world.village_a, members=members, wages="9654.00"))  # 3 × 3218
    assert result.criteria["income"].passed is False
    assert result.criteria["income"].values["per_capita_net"] == pytest.approx(3218)


def test_missing_income_is_missing_not_passed_and_the_household_is_not_eligible(world):
    result = both_ways(good_household(world.village_a, wages=None))
    assert result.criteria["income"].passed is None
    assert result.criteria["income"].reason == "missing"
    assert not result.eligible


def test_a_provincial_line_from_the_parameter_table_is_used(world):
    PolicyParameter.objects.create(year=2019, poverty_line="5000")
    result = both_ways(good_household(world.village_a, wages="4000"))
    assert result.criteria["income"].passed is False
    assert result.params_version == 1


def test_food_and_clothing_follow_the_latest_assessment(world):
    h = good_household(world.village_a)
    f.assessment(h, food=False, clothing=True, on=dt.date(2019, 9, 1))
    f.assessment(h, food=True, clothing=True, on=dt.date(2019, 12, 1))  # after the as-of date: ignored
    result = both_ways(h)
    assert result.criteria["food"].passed is False
    assert result.criteria["clothing"].passed is True


def test_no_assessment_is_missing(world):
    h = f.household(world.village_a, housing_grade="A", has_safe_water=True)
    f.income(h, 2019, wages="20000")
    result = both_ways(h)
    assert result.criteria["food"].passed is None
    assert result.criteria["clothing"].passed is None


def _birth_for_age(age: int, as_of=AS_OF) -> dt.date:
    return as_of.replace(year=as_of.year - age)  # birthday today: exactly `age` full years


@pytest.mark.parametrize(("age", "passed"), [(5, True), (6, False), (15, False), (16, True)])
def test_compulsory_school_age_is_6_to_15_inclusive_at_the_as_of_date(world, age, passed):
    child = f.member(c.Relationship.SON, birth=_birth_for_age(age), school_status=c.SchoolStatus.NOT_IN_SCHOOL)
    result = both_ways(good_household(world.village_a, members=[f.member(), child]))
    assert result.criteria["education"].passed is passed


def test_the_day_before_the_sixth_birthday_the_child_is_still_five(world):
    birth = _birth_for_age(6) + dt.timedelta(days=1)
    child = f.member(c.Relationship.SON, birth=birth, school_status=c.SchoolStatus.NOT_IN_SCHOOL)
    assert both_ways(good_household(world.village_a, members=[f.member(), child])).criteria["education"].passed


def test_a_child_taught_at_home_is_exempt(world):
    child = f.member(
        c.Relationship.DAUGHTER,
        male=False,
        birth=_birth_for_age(10),
        school_status=c.SchoolStatus.NOT_IN_SCHOOL,
        no_school_reason=c.NoSchoolReason.PHYSICAL,
    )
    result = both_ways(good_household(world.village_a, members=[f.member(), child]))
    assert result.criteria["education"].passed is True


def test_a_child_in_school_passes(world):
    child = f.member(c.Relationship.SON, birth=_birth_for_age(10), school_status=c.SchoolStatus.PRIMARY)
    assert both_ways(good_household(world.village_a, members=[f.member(), child])).criteria["education"].passed


def test_a_chronic_patient_without_critical_illness_insurance_fails_medical(world):
    sick = f.member(c.Relationship.SPOUSE, male=False, has_chronic_disease=True)
    result = both_ways(good_household(world.village_a, members=[f.member(), sick]))
    assert result.criteria["medical"].passed is False
    assert result.criteria["medical"].reason == "no_critical_illness_insurance"


def test_a_chronic_patient_with_critical_illness_insurance_passes(world):
    sick = f.member(c.Relationship.SPOUSE, male=False, has_serious_illness=True, has_critical_illness=True)
    assert both_ways(good_household(world.village_a, members=[f.member(), sick])).criteria["medical"].passed


def test_a_member_without_basic_medical_insurance_fails(world):
    bare = f.member(c.Relationship.SPOUSE, male=False, has_resident_medical=False)
    result = both_ways(good_household(world.village_a, members=[f.member(), bare]))
    assert result.criteria["medical"].passed is False
    assert result.criteria["medical"].reason == "uninsured"


def test_employee_medical_insurance_counts(world):
    worker = f.member(c.Relationship.SON, has_resident_medical=False, has_employee_medical=True)
    assert both_ways(good_household(world.village_a, members=[f.member(), worker])).criteria["medical"].passed


def test_a_departed_member_is_not_counted(world):
    gone = f.member(c.Relationship.SON, has_resident_medical=False)
    h = good_household(world.village_a, members=[f.member(), gone])
    h.members.filter(relationship=c.Relationship.SON).update(departure=c.Departure.MOVED_AWAY, departed_on=AS_OF)
    result = both_ways(h)
    assert result.criteria["medical"].passed is True
    assert result.criteria["income"].values["members"] == 1


@pytest.mark.parametrize(
    ("grade", "renovation", "relocation", "passed"),
    [
        ("B", "none", "no", True),
        ("C", "accepted", "no", True),
        ("C", "in_progress", "no", False),
        ("D", "none", "no", False),
        ("D", "none", "moved_in", True),
        ("", "none", "no", None),
    ],
)
def test_housing(world, grade, renovation, relocation, passed):
    h = good_household(world.village_a, housing_grade=grade, renovation=renovation, relocation=relocation)
    assert both_ways(h).criteria["housing"].passed is passed


@pytest.mark.parametrize(("water", "passed"), [(True, True), (False, False), (None, None)])
def test_water(world, water, passed):
    assert both_ways(good_household(world.village_a, has_safe_water=water)).criteria["water"].passed is passed


def test_the_optional_same_year_rule_blocks_a_household_identified_this_year(world):
    PolicyParameter.objects.create(year=2019, poverty_line="3218", same_year_exit_forbidden=True)
    result = both_ways(good_household(world.village_a, identification_year=2019))
    assert all(crit.passed for crit in result.criteria.values())
    assert result.same_year_blocked and not result.eligible
