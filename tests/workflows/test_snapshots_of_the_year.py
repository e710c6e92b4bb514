"""The snapshots a case keeps are of the case's policy year (issue 13): the proposal's household check is
the nightly result of that year as of its policy date (eligibility's check_for, the household page's
read), the region indicators those of that year; a result of another year is never taken for it, also
in the inbox's lists of what may be proposed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from villages.models import RegionIndicator, WorkingYear
from workflows import selectors
from workflows import services as s
from workflows.snapshots import household_snapshot_nightly, region_snapshot

from .conftest import TODAY, appraisal

pytestmark = pytest.mark.django_db

NEXT = TODAY.year + 1


def _indicator(region, *, year, as_of, eligible):
    return RegionIndicator.objects.create(
        as_of=as_of,
        region=region,
        level=region.level,
        year=year,
        params_version=0,
        exit_eligible=eligible,
        failing=[] if eligible else ["incidence"],
    )


def test_the_proposal_reads_the_nightly_check_of_the_case_s_year(users, eligible):
    case = s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    snap = case.proposal_snapshot
    assert (snap["source"], snap["policy_year"], snap["as_of"], snap["eligible"]) == (
        "nightly",
        TODAY.year,
        TODAY.isoformat(),
        True,
    )
    assert case.eligible_at_proposal is True and not case.justification


def test_a_check_of_the_previous_year_is_not_the_proposal_of_the_new_one(users, eligible):
    """The year just opened (年度切换) and no run of it yet: the check of the closed year is not taken for
    the new one; the year is evaluated live and the proposal needs a justification."""
    assert household_snapshot_nightly(eligible, TODAY.year)["source"] == "nightly"
    WorkingYear.objects.create(year=NEXT)
    snap = household_snapshot_nightly(eligible, NEXT)
    assert (snap["source"], snap["policy_year"], snap["eligible"]) == ("live", NEXT, False)
    assert selectors.proposable_households(users.clerk_a).count() == 0
    with pytest.raises(ValidationError) as refused:
        s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    assert "justification" in refused.value.error_dict


def test_the_inbox_offers_the_households_eligible_in_the_working_year(users, eligible):
    assert list(selectors.proposable_households(users.clerk_a)) == [eligible]


def test_a_region_snapshot_is_of_the_case_s_year_up_to_its_policy_date(tree):
    village = tree.village_a
    _indicator(village, year=TODAY.year - 1, as_of=dt.date(TODAY.year - 1, 12, 31), eligible=True)
    assert region_snapshot(village, TODAY.year)["source"] == "none"  # last year's is not this year's
    _indicator(village, year=TODAY.year, as_of=TODAY - dt.timedelta(days=1), eligible=False)
    snap = region_snapshot(village, TODAY.year)
    assert (snap["year"], snap["eligible"], snap["failing"]) == (TODAY.year, False, ["incidence"])
    # As of an earlier date of the year, a later snapshot does not hold yet.
    assert region_snapshot(village, TODAY.year, TODAY - dt.timedelta(days=2))["source"] == "none"
    assert region_snapshot(village, TODAY.year - 1, TODAY)["eligible"] is True  # 31 December of that year


def test_a_village_eligible_only_last_year_is_not_proposable_this_year(users, tree):
    _indicator(tree.village_a, year=TODAY.year - 1, as_of=dt.date(TODAY.year - 1, 12, 31), eligible=True)
    assert selectors.proposable_regions(users.township) == []
    with pytest.raises(ValidationError) as refused:
        s.case_open(user=users.township, case_type="village_exit", region=tree.village_a)
    assert "justification" in refused.value.error_dict
    _indicator(tree.village_a, year=TODAY.year, as_of=TODAY, eligible=True)
    assert selectors.proposable_regions(users.township) == [("village_exit", tree.village_a)]
    case = s.case_open(user=users.township, case_type="village_exit", region=tree.village_a)
    assert case.eligible_at_proposal is True and case.proposal_snapshot["year"] == TODAY.year
