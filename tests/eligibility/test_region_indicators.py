"""§5.3–§5.5 and §6.4: incidence, comprehensive incidence, village and county exit, sample rates."""

import datetime as dt
from decimal import Decimal

import pytest

from eligibility.policy import parameters_for
from eligibility.rules import regions
from eligibility.rules.run import recompute_sync
from households import choices as c
from tests import factories as f
from villages.models import RegionIndicator, RegionYear, SampledHousehold, SampleKind, VerificationSample

from .conftest import AS_OF, good_household

pytestmark = pytest.mark.django_db

GOOD_VILLAGE = dict(
    has_hard_road=True,
    has_safe_water=True,
    has_electricity=True,
    has_broadband=True,
    has_standard_clinic=True,
    has_cultural_venue=True,
    collective_income=Decimal("50000"),
)


def indicator(region) -> RegionIndicator:
    return RegionIndicator.objects.get(region=region, as_of=AS_OF)


def two_people(village, **fields):
    return good_household(village, members=[f.member(), f.member(c.Relationship.SPOUSE, male=False)], **fields)


def test_incidence_without_rural_population_is_undefined_not_zero(world):
    two_people(world.village_a)
    recompute_sync(as_of=AS_OF)
    row = indicator(world.village_a)
    assert row.remaining_poor == 2
    assert row.incidence is None and row.comprehensive_incidence is None
    assert "incidence_undefined" in row.failing
    assert indicator(world.province).incidence is None


def test_incidence_counts_current_members_of_poor_and_returned_households(world):
    RegionYear.objects.create(region=world.village_a, year=2019, rural_population=200)
    two_people(world.village_a)
    two_people(world.village_a, status=c.Status.RETURNED)
    two_people(world.village_a, status=c.Status.EXITED)
    recompute_sync(as_of=AS_OF)
    row = indicator(world.village_a)
    assert (row.remaining_poor, row.registered_people, row.exited_people) == (4, 6, 2)
    assert row.incidence == Decimal("2.0000")
    assert row.comprehensive_incidence == Decimal("2.0000")  # no sample: estimates are 0


def test_a_county_uses_its_own_figure_else_the_sum_of_its_villages(world):
    RegionYear.objects.create(region=world.village_a, year=2019, rural_population=100)
    RegionYear.objects.create(region=world.village_b, year=2019, rural_population=300)
    two_people(world.village_a)
    recompute_sync(as_of=AS_OF)
    assert indicator(world.township).rural_population == 400
    assert indicator(world.township).incidence == Decimal("0.5000")
    RegionYear.objects.create(region=world.county, year=2019, rural_population=1000)
    recompute_sync(as_of=AS_OF)
    assert indicator(world.county).rural_population == 1000
    assert indicator(world.county).incidence == Decimal("0.2000")


def make_sample(county, *, exited=(50, 1), non_registered=(100, 1), approving=(19, 20), drawn_on=dt.date(2019, 9, 1)):
    """A sample whose exited households hold exited[0] people, exited[1] of them wrongly exited, etc."""
    sample = VerificationSample.objects.create(county=county, drawn_on=drawn_on, seed=42)
    people, wrong = exited
    SampledHousehold.objects.create(sample=sample, kind=SampleKind.EXITED, people=people - wrong, wrongly_exited=False)
    if wrong:
        SampledHousehold.objects.create(sample=sample, kind=SampleKind.EXITED, people=wrong, wrongly_exited=True)
    people, omitted = non_registered
    SampledHousehold.objects.create(
        sample=sample, kind=SampleKind.NON_REGISTERED, people=people - omitted, omitted=False
    )
    if omitted:
        SampledHousehold.objects.create(sample=sample, kind=SampleKind.NON_REGISTERED, people=omitted, omitted=True)
    yes, surveyed = approving
    # The approval question is asked of the households above plus extra ones until `surveyed`.
    SampledHousehold.objects.filter(sample=sample).update(approves=True)
    n = SampledHousehold.objects.filter(sample=sample).count()
    for i in range(surveyed - n):
        SampledHousehold.objects.create(
            sample=sample, kind=SampleKind.NON_REGISTERED, people=0, omitted=None, approves=i < yes - n
        )
    return sample


def test_sample_rates():
    rates = regions.sample_rates(
        exited_people=50,
        wrongly_exited_people=1,
        non_registered_people=100,
        omitted_people=1,
        surveyed_households=20,
        approving_households=19,
    )
    assert (rates.wrong_exit_rate, rates.omission_rate, rates.approval) == (
        Decimal("2.0000"),
        Decimal("1.0000"),
        Decimal("95.0000"),
    )
    assert regions.sample_rates(
        exited_people=0,
        wrongly_exited_people=0,
        non_registered_people=0,
        omitted_people=0,
        surveyed_households=0,
        approving_households=0,
    ) == regions.SampleRates(None, None, None)


def test_comprehensive_incidence_adds_the_sample_estimates(world):
    RegionYear.objects.create(region=world.village_a, year=2019, rural_population=1000)
    two_people(world.village_a)  # 2 remaining poor
    for _ in range(5):
        two_people(world.village_a, status=c.Status.EXITED)  # 10 exited people; 12 registered
    make_sample(world.county, exited=(50, 1), non_registered=(100, 1))  # 2 % wrong exits, 1 % omitted
    recompute_sync(as_of=AS_OF)
    row = indicator(world.village_a)
    assert row.estimated_wrongly_exited == Decimal("0.20")  # 2 % × 10
    assert row.estimated_omitted == Decimal("9.88")  # 1 % × (1000 − 12)
    assert row.incidence == Decimal("0.2000")
    assert row.comprehensive_incidence == Decimal("1.2080")  # (2 + 0.2 + 9.88) / 1000


def test_a_village_failing_one_indicator_is_not_eligible_and_says_which(world):
    RegionYear.objects.create(
        region=world.village_a, year=2019, rural_population=1000, **GOOD_VILLAGE | {"has_broadband": False}
    )
    RegionYear.objects.create(region=world.village_b, year=2019, rural_population=1000, **GOOD_VILLAGE)
    two_people(world.village_a)
    recompute_sync(as_of=AS_OF)
    assert indicator(world.village_a).failing == ["broadband"]
    assert indicator(world.village_a).exit_eligible is False
    assert indicator(world.village_b).exit_eligible is True and indicator(world.village_b).failing == []


def test_a_village_with_too_high_incidence_or_unrecorded_collective_income_fails(world):
    RegionYear.objects.create(
        region=world.village_a, year=2019, rural_population=50, **GOOD_VILLAGE | {"collective_income": None}
    )
    two_people(world.village_a)  # 4 %
    recompute_sync(as_of=AS_OF)
    assert indicator(world.village_a).failing == ["incidence", "collective_income_missing"]


def test_a_county_without_a_sample_is_awaiting_verification(world):
    RegionYear.objects.create(region=world.county, year=2019, rural_population=100000)
    recompute_sync(as_of=AS_OF)
    row = indicator(world.county)
    assert row.exit_eligible is False and row.failing == ["awaiting_verification"]
    assert indicator(world.city).exit_eligible is None


def test_a_county_with_a_good_sample_is_eligible_and_each_rate_vetoes(world):
    RegionYear.objects.create(region=world.county, year=2019, rural_population=100000)
    sample = make_sample(world.county, exited=(100, 1), non_registered=(100, 1), approving=(19, 20))
    recompute_sync(as_of=AS_OF)
    assert indicator(world.county).exit_eligible is True
    SampledHousehold.objects.filter(sample=sample, kind=SampleKind.EXITED, wrongly_exited=False).update(people=49)
    recompute_sync(as_of=AS_OF)  # 1 wrong of 50 = 2 %: a veto
    assert indicator(world.county).failing == ["wrong_exit_rate"]


def test_a_sample_drawn_after_the_as_of_date_is_not_used(world):
    make_sample(world.county, drawn_on=AS_OF + dt.timedelta(days=1))
    recompute_sync(as_of=AS_OF)
    assert "awaiting_verification" in indicator(world.county).failing


def test_percent_is_undefined_for_zero_or_missing_denominator():
    assert regions.percent(5, 0) is None and regions.percent(5, None) is None
    assert regions.percent(1, 3) == Decimal("33.3333")


def test_village_rules_take_the_threshold_from_the_parameters():
    params = parameters_for(2019)
    assert regions.village_exit_failures(Decimal("1.99"), None, params)[0] == "hard_road"
    assert regions.village_exit_failures(Decimal("2.00"), None, params)[0] == "incidence"
