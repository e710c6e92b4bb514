"""Every check of §8.2 fires on a crafted household and stays silent on a clean one."""

import datetime as dt

import pytest

from households import choices as c
from households.models import Household, Member, MemberEvent, Pairing
from monitoring.models import QualityFinding, Severity
from monitoring.services import quality_run_county
from tests import factories as f

from .conftest import AS_OF, clean_household, helper_for

R = c.Relationship


def found(household):
    return set(QualityFinding.objects.held_on(AS_OF).filter(household=household).values_list("code", "kind"))


def head(h):
    return h.members.get(relationship=R.HEAD)


def spouse(h):
    return h.members.get(relationship=R.SPOUSE)


def child(birth, **fields):
    fields.setdefault("labour_ability", c.LabourAbility.NONE)
    fields.setdefault("school_status", c.SchoolStatus.PRIMARY)
    return f.member(R.SON, birth=birth, **fields)


def adults(*extra):
    return [
        f.member(R.HEAD, birth=dt.date(1970, 3, 1), male=True),
        f.member(R.SPOUSE, birth=dt.date(1972, 5, 1), male=False),
        *extra,
    ]


def dq01_case_only(tree, h):
    # Reported on the record written wrongly (lower-case x), the one to correct.
    Member.objects.filter(pk=head(h).pk).update(id_number="11010519491231002x", sex=c.Sex.FEMALE)
    other = clean_household(tree.village_b)
    Member.objects.filter(pk=spouse(other).pk).update(id_number="11010519491231002X")


def dq01_deceased_elsewhere(tree, h):
    other = clean_household(tree.village_b)
    Member.objects.filter(pk=spouse(other).pk).update(
        id_number=head(h).id_number, departure=c.Departure.DECEASED, departed_on=dt.date(2018, 1, 1)
    )


def dq02_checksum(tree, h):
    number = head(h).id_number
    Member.objects.filter(pk=head(h).pk).update(id_number=number[:17] + ("0" if number[17] != "0" else "1"))


def dq02_mismatch(tree, h):
    Member.objects.filter(pk=head(h).pk).update(birth_date=dt.date(1971, 3, 1))


def dq03_two_heads(tree, h):
    Member.objects.filter(pk=spouse(h).pk).update(relationship=R.HEAD)


def dq03_two_spouses(tree, h):
    h.members.create(
        name="乙",
        id_number=f.id_number(male=False),
        birth_date=dt.date(1970, 1, 1),
        sex="female",
        relationship=R.SPOUSE,
        has_resident_medical=True,
    )


def dq04_same_sex(tree, h):
    Member.objects.filter(pk=spouse(h).pk).update(sex=c.Sex.MALE)


def dq04_relationship(tree, h):
    Member.objects.filter(pk=spouse(h).pk).update(relationship=R.SON)


def cause(value):
    def mutate(tree, h):
        Household.objects.filter(pk=h.pk).update(main_cause=value)

    return mutate


def dq06_out_of_school(tree, h):
    h.members.create(
        name="童",
        id_number=f.id_number(dt.date(2004, 12, 31)),
        birth_date=dt.date(2004, 12, 31),
        sex="male",
        relationship=R.SON,
        labour_ability=c.LabourAbility.NONE,
        has_resident_medical=True,
    )


def member_update(**fields):
    def mutate(tree, h):
        Member.objects.filter(pk=head(h).pk).update(**fields)

    return mutate


def dq07_child_labour(tree, h):
    h.members.create(
        name="童",
        id_number=f.id_number(dt.date(2009, 1, 1)),
        birth_date=dt.date(2009, 1, 1),
        sex="male",
        relationship=R.SON,
        school_status=c.SchoolStatus.PRIMARY,
        has_resident_medical=True,
    )


def income(**amounts):
    def mutate(tree, h):
        f.income(h, AS_OF.year, **amounts)

    return mutate


def dq08_work_no_wages(tree, h):
    Member.objects.filter(pk=head(h).pk).update(months_worked=6, work_status=c.WorkStatus.IN_COUNTY)
    f.income(h, AS_OF.year, business=5000, business_costs=1000)


def household_update(**fields):
    def mutate(tree, h):
        Household.objects.filter(pk=h.pk).update(**fields)

    return mutate


def dq11_no_helper(tree, h):
    Pairing.objects.filter(household=h).delete()


def dq11_poor_helper(tree, h):
    other = clean_household(tree.village_b)
    helper = helper_for(tree.county, id_number=head(h).id_number.lower())
    Pairing.objects.create(helper=helper, household=other, start=dt.date(2019, 1, 1))


def dq13_event(tree, h):
    MemberEvent.objects.create(member=spouse(h), kind=c.MemberEventKind.DEATH, date=dt.date(2019, 5, 1))


def dq13_departed_benefits(tree, h):
    Member.objects.filter(pk=spouse(h).pk).update(
        departure=c.Departure.DECEASED, departed_on=dt.date(2019, 5, 1), receives_dibao=True
    )


def dq13_closed(tree, h):
    Household.objects.filter(pk=h.pk).update(status=c.Status.CLOSED)


CASES = [
    (dq01_case_only, "DQ01", "duplicate"),
    (dq01_deceased_elsewhere, "DQ01", "duplicate"),
    (dq02_checksum, "DQ02", "checksum"),
    (member_update(id_number="211224197002300011"), "DQ02", "birth_date"),
    (dq02_mismatch, "DQ02", "mismatch"),
    (dq03_two_heads, "DQ03", "heads"),
    (dq03_two_spouses, "DQ03", "spouses"),
    (dq04_same_sex, "DQ04", "same_sex"),
    (dq04_relationship, "DQ04", "relationship_sex"),
    (cause(c.Cause.ILLNESS), "DQ05", "illness"),
    (cause(c.Cause.DISABILITY), "DQ05", "disability"),
    (cause(c.Cause.SCHOOLING), "DQ05", "schooling"),
    (dq06_out_of_school, "DQ06", "out_of_school"),
    (member_update(school_status=c.SchoolStatus.PRIMARY), "DQ06", "too_old"),
    (member_update(labour_ability=c.LabourAbility.LOST), "DQ07", "healthy_no_labour"),
    (dq07_child_labour, "DQ07", "child_or_student_labour"),
    (income(wages=3000, business=5000, business_costs=100), "DQ08", "wages_no_work"),
    (dq08_work_no_wages, "DQ08", "work_no_wages"),
    (income(business=5000), "DQ09", "no_costs"),
    (income(), "DQ09", "per_capita"),
    (income(property=250000), "DQ09", "per_capita"),
    (household_update(household_type=c.HouseholdType.DIBAO), "DQ10", "dibao"),
    (household_update(household_type=c.HouseholdType.TEKUN), "DQ10", "tekun"),
    (dq11_no_helper, "DQ11", "no_helper"),
    (dq11_poor_helper, "DQ11", "poor_helper"),
    (household_update(arable_land=101), "DQ12", "arable_land"),
    (household_update(forest_land=141), "DQ12", "forest_land"),
    (household_update(road_distance_km=50.5), "DQ12", "road"),
    (household_update(housing_area=0), "DQ12", "housing_area"),
    (dq13_event, "DQ13", "departure_event"),
    (dq13_departed_benefits, "DQ13", "departed_benefits"),
    (member_update(birth_date=dt.date(1908, 1, 1)), "DQ13", "age"),
    (dq13_closed, "DQ13", "closed_household"),
]


@pytest.mark.parametrize(("mutate", "code", "kind"), CASES, ids=[f"{c}-{k}-{m.__name__}" for m, c, k in CASES])
def test_each_check_fires_on_a_crafted_household_and_not_on_a_clean_one(tree, users, mutate, code, kind):
    h = clean_household(tree.village_a)
    reference = clean_household(tree.village_c)
    mutate(tree, h)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    assert (code, kind) in found(h)
    assert found(reference) == set()
    finding = QualityFinding.objects.filter(household=h, code=code, kind=kind).first()
    assert finding.village_id == tree.village_a.pk and finding.county_id == tree.county.pk
    assert finding.severity in Severity.values


def test_a_child_of_fifteen_out_of_school_is_reported_and_one_of_sixteen_is_not(tree, users):
    fifteen = clean_household(
        tree.village_a, members=adults(child(dt.date(2004, 12, 31), school_status="not_in_school"))
    )
    sixteen = clean_household(
        tree.village_a, members=adults(child(dt.date(2003, 12, 31), school_status="not_in_school"))
    )
    excused = clean_household(
        tree.village_a,
        members=adults(child(dt.date(2006, 1, 1), school_status="not_in_school", no_school_reason="physical")),
    )
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    assert ("DQ06", "out_of_school") in found(fifteen)
    assert ("DQ06", "out_of_school") not in found(sixteen)
    assert found(excused) == set()


def test_a_school_child_without_labour_in_a_consistent_household_is_clean(tree, users):
    h = clean_household(tree.village_a, main_cause=c.Cause.SCHOOLING, members=adults(child(dt.date(2009, 1, 1))))
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    assert found(h) == set()


def test_land_exactly_at_the_limit_per_person_is_not_reported(tree, users):
    h = clean_household(tree.village_a, arable_land=100, forest_land=140, road_distance_km=50)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    assert found(h) == set()
