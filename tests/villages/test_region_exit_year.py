"""The announcement of a village or county exit records the region's exit year (§6.3, issue 14): in the
announcement's transaction, once, with the case's policy year."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from villages.flags import region_exit_record
from villages.models import Region, RegionIndicator, WorkingYear
from workflows import samples, selectors
from workflows import services as s
from workflows.models import Case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = 2020


@pytest.fixture(autouse=True)
def working_year(db):
    WorkingYear.objects.create(year=YEAR)


def eligible(region):
    """The nightly snapshot of the working year finds the region eligible (§5.4, §5.5)."""
    RegionIndicator.objects.create(
        as_of=dt.date(YEAR, 12, 31), region=region, level=region.level, year=YEAR, params_version=0, exit_eligible=True
    )


def age_notice(case, days=8):
    Case.objects.filter(pk=case.pk).update(notice_start=TODAY - dt.timedelta(days=days))


def village_exit_to_approval(users, village):
    eligible(village)
    case = s.case_open(user=users.township, case_type="village_exit", region=village)
    s.case_transition(user=users.township, case=case, transition="start_notice", notice_start=TODAY)
    age_notice(case)
    s.case_transition(user=users.township, case=case, transition="close_notice")
    return s.case_transition(user=users.county, case=case, transition="county_approve")


def exit_year(region):
    return Region.objects.get(pk=region.pk).exit_year


def test_announcing_a_village_exit_sets_its_exit_year(users, tree):
    case = village_exit_to_approval(users, tree.village_a)
    assert exit_year(tree.village_a) is None  # approval is not yet the exit
    s.case_transition(user=users.county, case=case, transition="announce")
    assert exit_year(tree.village_a) == YEAR == case.year
    assert exit_year(tree.village_b) is None


def test_announcing_a_county_exit_sets_its_exit_year(users, tree):
    eligible(tree.county)
    case = s.case_open(user=users.county, case_type="county_exit", region=tree.county)
    s.case_transition(user=users.city, case=case, transition="city_review")
    samples.sample_draw(user=users.province, county=tree.county, exited_count=0, non_registered=[("张三", 3)])
    s.case_transition(user=users.province, case=case, transition="province_verify")
    s.case_transition(user=users.province, case=case, transition="start_notice", notice_start=TODAY)
    age_notice(case)
    s.case_transition(user=users.province, case=case, transition="close_notice")
    s.case_transition(user=users.province, case=case, transition="province_approve")
    assert exit_year(tree.county) is None
    s.case_transition(user=users.province, case=case, transition="announce")
    assert exit_year(tree.county) == YEAR
    assert exit_year(tree.village_a) is None  # a county's exit is not its villages'


def test_a_withdrawn_village_exit_records_nothing(users, tree):
    eligible(tree.village_a)
    case = s.case_open(user=users.township, case_type="village_exit", region=tree.village_a)
    s.case_transition(user=users.county, case=case, transition="send_back_county", reason="材料不全")
    s.case_transition(user=users.township, case=case, transition="withdraw")
    assert exit_year(tree.village_a) is None


def test_an_exited_village_is_neither_proposed_nor_opened_again(users, tree):
    case = village_exit_to_approval(users, tree.village_a)
    s.case_transition(user=users.county, case=case, transition="announce")
    assert selectors.proposable_regions(users.township) == []
    with pytest.raises(ValidationError) as err:
        s.case_open(user=users.township, case_type="village_exit", region=tree.village_a)
    assert err.value.error_dict["region"][0].code == "already_exited"


def test_an_announcement_that_cannot_record_the_exit_changes_nothing(users, tree):
    case = village_exit_to_approval(users, tree.village_a)
    Region.objects.filter(pk=tree.village_a.pk).update(exit_year=2019)  # recorded meanwhile (e.g. migrated)
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.county, case=case, transition="announce")
    assert err.value.error_list[0].code == "already_exited"
    case.refresh_from_db()
    assert case.state == "approved" and case.closed_at is None
    assert not case.steps.filter(transition="announce").exists()
    assert exit_year(tree.village_a) == 2019


def test_only_villages_and_counties_exit_and_only_once(tree):
    with pytest.raises(ValidationError):
        region_exit_record(region=tree.township, year=YEAR)
    region_exit_record(region=tree.village_b, year=2019)
    with pytest.raises(ValidationError):
        region_exit_record(region=tree.village_b, year=YEAR)
    assert exit_year(tree.village_b) == 2019
