"""The nightly data-quality run of a county is a fixed handful of statements (docs/performance.md): the
member and household passes do not grow with the number of households, and one row matching
several kinds gets each of its findings."""

import datetime as dt

from households import choices as c
from households.models import Household, Member
from monitoring.models import QualityFinding
from monitoring.services import quality_run_county
from tests import factories as f

from .conftest import AS_OF, clean_household


def test_the_number_of_statements_does_not_grow_with_the_households(tree, users, django_assert_max_num_queries):
    clean_household(tree.village_a)
    with django_assert_max_num_queries(30) as few:
        quality_run_county(as_of=AS_OF, county_id=tree.county.pk)  # the whole county
    # A rerun checks only the households changed since (issue 16): a few statements more than a full
    # pass, as many for twenty changed households as for five.
    for _ in range(5):
        clean_household(tree.village_a)
    with django_assert_max_num_queries(len(few.captured_queries) + 12) as rerun:
        quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    for _ in range(20):
        clean_household(tree.village_a)
    with django_assert_max_num_queries(len(rerun.captured_queries)):
        quality_run_county(as_of=AS_OF, county_id=tree.county.pk)


def test_a_household_and_a_member_with_several_problems_get_every_finding(tree, users):
    h = clean_household(
        tree.village_a,
        main_cause=c.Cause.ILLNESS,
        household_type=c.HouseholdType.DIBAO,
        road_distance_km=60,
        housing_area=0,
    )
    head = h.members.get(relationship=c.Relationship.HEAD)
    # Aged 20+ in primary school and labour although a student: two member kinds; works 6 months.
    Member.objects.filter(pk=head.pk).update(school_status=c.SchoolStatus.PRIMARY, months_worked=6)
    f.income(h, AS_OF.year, wages=0, business=500)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    found = set(QualityFinding.objects.filter(household=h).values_list("code", "kind", "member_id"))
    assert {
        ("DQ05", "illness", None),
        ("DQ10", "dibao", None),
        ("DQ12", "road", None),
        ("DQ12", "housing_area", None),
        ("DQ08", "work_no_wages", None),
        ("DQ09", "no_costs", None),
        ("DQ06", "too_old", head.pk),
        ("DQ07", "child_or_student_labour", head.pk),
    } <= found


def test_a_household_without_current_members_is_checked_with_counts_of_zero(tree, users):
    h = clean_household(tree.village_a, main_cause=c.Cause.DISABILITY, arable_land=500)
    Member.objects.filter(household=h).update(departure=c.Departure.MOVED_AWAY, departed_on=dt.date(2019, 1, 1))
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    found = set(QualityFinding.objects.filter(household=h).values_list("code", "kind"))
    assert ("DQ03", "heads") in found and ("DQ05", "disability") in found
    # Per person needs at least one person: no land finding for an empty household (as before).
    assert ("DQ12", "arable_land") not in found
    detail = QualityFinding.objects.get(household=h, code="DQ03").detail
    assert detail == {"heads": 0}


def test_households_that_are_not_live_are_not_checked(tree, users):
    h = clean_household(tree.village_a, housing_area=0)
    Household.objects.filter(pk=h.pk).update(status=c.Status.CLOSED)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    assert not QualityFinding.objects.filter(household=h, code="DQ12").exists()


def test_the_member_pass_reports_duplicates_and_poor_helpers_on_the_record_to_correct_only(tree, users):
    from .test_quality_checks import dq01_case_only, dq01_deceased_elsewhere, dq11_poor_helper, head

    expected = set()
    for mutate, code, kind in (
        (dq01_case_only, "DQ01", "duplicate"),  # the lower-case x, not the number written properly
        (dq01_deceased_elsewhere, "DQ01", "duplicate"),  # the current member, not the deceased one
        (dq11_poor_helper, "DQ11", "poor_helper"),  # the poor person, not the household helped
    ):
        h = clean_household(tree.village_a)
        mutate(tree, h)
        expected.add((code, kind, head(h).pk))
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    written = set(
        QualityFinding.objects.filter(code__in=["DQ01", "DQ11"], member__isnull=False).values_list(
            "code", "kind", "member_id"
        )
    )
    assert len(written) == 3
    assert written == expected
