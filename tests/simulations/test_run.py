"""A scenario's run (issue 17): the live rules with other parameters, compared with the live parameters
on the same date; checked against Python computations of §5.2 and §5.4."""

import random
from decimal import Decimal

import pytest

from eligibility.models import PolicyParameter, RunState
from eligibility.policy import parameters_for
from eligibility.rules.household import explain_household
from eligibility.rules.regions import percent
from eligibility.rules.run import recompute_sync
from households import choices as c
from simulations.models import HouseholdResult, RegionResult
from simulations.parameters import from_json
from tests.eligibility.test_agreement import random_household
from villages.models import Level

from .conftest import AS_OF, LINE, household_with_income, live_state, simulate, village_figures

pytestmark = pytest.mark.django_db


def incomes_around_the_line(tree):
    """Per-capita incomes below, at, just above and well above 3,218 and 3,500, in every village."""
    amounts = ["3000", "3218", "3218.01", "3300", "3499.99", "3500", "3500.01", "4000", "9000"]
    households = []
    for i, per_head in enumerate(amounts * 2):
        village = [tree.village_a, tree.village_c, tree.village_d][i % 3]
        households.append(household_with_income(village, per_head, size=1 + i % 3))
    return households


def test_a_scenario_identical_to_the_live_parameters_changes_nothing(world, users):
    incomes_around_the_line(world)
    recompute_sync(as_of=AS_OF)
    scenario = simulate(users.province, {"poverty_line": str(LINE), "incidence_threshold": "2"})
    assert scenario.state == RunState.DONE and scenario.progress == 100
    assert scenario.overrides == {}
    assert scenario.households_tested == 18
    assert scenario.eligible_before == scenario.eligible_after == 14
    assert (scenario.households_changed, scenario.people_affected) == (0, 0)
    assert (scenario.villages_changed, scenario.counties_changed) == (0, 0)
    assert not HouseholdResult.objects.exists()
    assert not RegionResult.objects.filter(changed=True).exists()


def test_a_higher_line_makes_exactly_the_households_between_the_two_lines_ineligible(world, users):
    households = incomes_around_the_line(world)
    scenario = simulate(users.province, {"poverty_line": "3500"})
    # In Python: per-capita net income above the live line and at or below the new one (§5.2: strictly above).
    expected = {h.pk for h in households if LINE < Decimal(h.incomes.get(year=2019).net) / h.members.count() <= 3500}
    assert len(expected) == 8  # 3,218.01, 3,300, 3,499.99 and 3,500, twice
    rows = HouseholdResult.objects.filter(scenario=scenario)
    assert {r.household_id for r in rows} == expected
    for r in rows:
        assert (r.eligible_before, r.eligible_after) == (True, False)
        assert (r.failing_before_list, r.failing_after_list, r.criteria_changed) == ([], ["income"], ["income"])
    assert (scenario.eligible_before - scenario.eligible_after, scenario.households_changed) == (8, 8)
    assert scenario.households_losing == 8 and scenario.households_gaining == 0
    assert scenario.people_affected == sum(h.members.count() for h in households if h.pk in expected)


def test_the_scenario_agrees_with_the_python_rule_on_a_varied_sample(world, users):
    """Before: §5.2 in Python with the live parameters; after: with the scenario's (one rule, two ways)."""
    PolicyParameter.objects.create(year=2019, poverty_line="3218")
    rnd = random.Random(17)
    for i in range(45):
        random_household(rnd, [world.village_a, world.village_b, world.village_d][i % 3])
    for i in range(30):  # households that pass every other criterion, around both lines, of both years
        per_head = rnd.choice(["3218", "3218.01", "5000", "5000.01", str(rnd.randint(3000, 6000))])
        household_with_income(world.village_c, per_head, size=1 + i % 4, identification_year=rnd.choice([2016, 2019]))
    scenario = simulate(users.province, {"poverty_line": "5000", "same_year_exit_forbidden": True})
    live = parameters_for(2019)
    after = from_json(live, scenario.parameters)
    changed = {r.household_id: r for r in HouseholdResult.objects.filter(scenario=scenario)}
    seen = 0
    from households.models import Household

    for h in Household.objects.filter(status__in=c.POOR_STATUSES):
        before_ok = explain_household(h, AS_OF, live)
        after_ok = explain_household(h, AS_OF, after)
        if before_ok.eligible != after_ok.eligible:
            seen += 1
            row = changed[h.pk]
            assert (row.eligible_before, row.eligible_after) == (before_ok.eligible, after_ok.eligible)
            assert set(row.failing_after_list) - {"same_year"} == set(after_ok.failing)
        else:
            assert h.pk not in changed
    assert seen == len(changed) > 10


def test_a_threshold_change_flips_exactly_the_villages_between_the_two_thresholds(world, users):
    """Projected incidence (§5.3 if every eligible household exited) of 1 %, 2 %, 2.5 %, 3 % and 4 %:
    raising the threshold from 2 % to 3 % makes exactly the villages at 2 % and 2.5 % eligible (§5.4: < t)."""
    from tests import factories as f
    from villages.models import Region

    township = world.township
    shares = {"1": 1, "2": 2, "2.5": 2.5, "3": 3, "4": 4}
    villages = {}
    for i, (label, pct) in enumerate(shares.items()):
        v = f.region(f"21122410001{i}", f"村{label}", Level.VILLAGE, township)
        village_figures(v, 200)
        poor_people = int(pct * 2)  # of 200
        household_with_income(v, "100", size=poor_people)  # far below the line: stays poor
        household_with_income(v, "9000", size=3)  # eligible to exit: leaves the projection
        villages[v.pk] = pct
    scenario = simulate(users.province, {"incidence_threshold": "3"})
    flipped = RegionResult.objects.filter(scenario=scenario, level=Level.VILLAGE, changed=True)
    assert {r.region_id for r in flipped} == {pk for pk, pct in villages.items() if 2 <= pct < 3}
    for r in flipped:
        assert (r.exit_eligible_before, r.exit_eligible_after) == (False, True)
        assert r.incidence_before == r.incidence_after == percent(int(villages[r.region_id] * 2), 200)
        assert r.failing_before == ["incidence"] and r.failing_after == []
    assert scenario.villages_changed == 2 and scenario.households_changed == 0
    assert Region.objects.filter(pk__in=villages).count() == 5


def test_a_higher_line_raises_the_projected_incidence_of_the_villages_of_the_households(world, users):
    village_figures(world.village_a, 100)
    household_with_income(world.village_a, "3300", size=2)  # eligible at 3,218, not at 3,500
    household_with_income(world.village_a, "100", size=1)
    scenario = simulate(users.province, {"poverty_line": "3500"})
    r = RegionResult.objects.get(scenario=scenario, region=world.village_a)
    assert (r.remaining_before, r.remaining_after) == (1, 3)
    assert (r.incidence_before, r.incidence_after) == (Decimal("1.0000"), Decimal("3.0000"))
    assert (r.exit_eligible_before, r.exit_eligible_after, r.changed) == (True, False, True)
    assert scenario.villages_changed == 1


def test_running_a_scenario_leaves_live_results_and_parameter_versions_untouched(world, users):
    PolicyParameter.objects.create(year=2019, poverty_line="3218")
    incomes_around_the_line(world)
    recompute_sync(as_of=AS_OF)
    before = live_state()
    scenario = simulate(users.province, {"poverty_line": "4200", "incidence_threshold": "3"})
    assert scenario.state == RunState.DONE and scenario.households_changed > 0
    assert live_state() == before
    assert parameters_for(2019).poverty_line == Decimal("3218.00")


def test_before_is_the_live_result_of_the_same_date(world, users):
    """The run's "before" is the nightly rule with the live parameters: it agrees with the nightly run's
    stored results of the date, household by household."""
    from eligibility.models import HouseholdCheck

    incomes_around_the_line(world)
    recompute_sync(as_of=AS_OF)
    scenario = simulate(users.province, {"poverty_line": "100000"})
    live_eligible = set(
        HouseholdCheck.objects.on(AS_OF)
        .filter(eligible=True, status__in=c.POOR_STATUSES)
        .values_list("household_id", flat=True)
    )
    assert (
        set(HouseholdResult.objects.filter(scenario=scenario).values_list("household_id", flat=True)) == live_eligible
    )
    assert scenario.eligible_before == len(live_eligible) and scenario.eligible_after == 0


def test_a_failed_run_is_recorded_on_the_scenario_and_writes_nothing(world, users, monkeypatch):
    household_with_income(world.village_a, "3300")

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("simulations.services.scenario_compute", broken)
    scenario = simulate(users.province, {"poverty_line": "3500"})
    assert scenario.state == RunState.FAILED and scenario.error and "disk" not in scenario.error
    assert not HouseholdResult.objects.exists() and not RegionResult.objects.exists()


def test_the_monitoring_range_counts_exactly_the_exited_households_the_low_income_trigger_would_flag(world, users):
    """§7: with a higher multiplier, the exited households below the range are those the trigger's own rule
    (monitoring.rules.triggers.below_monitoring_range) finds with the scenario's parameters."""
    from monitoring.rules.triggers import below_monitoring_range

    amounts = ["4000", "4827", "4827.01", "5500", "6436", "6436.01", "9000"]
    exited = [
        household_with_income(world.village_a, per_head, size=1 + i % 2, status=c.Status.EXITED, exit_year=2018)
        for i, per_head in enumerate(amounts)
    ]
    scenario = simulate(users.province, {"monitoring_income_multiplier": "2"})
    live = parameters_for(AS_OF.year)
    after = from_json(live, scenario.parameters)

    def python_count(params) -> int:
        return sum(
            1 for h in exited if below_monitoring_range(h.incomes.get(year=AS_OF.year).net, h.members.count(), params)
        )

    province = RegionResult.objects.get(scenario=scenario, level=Level.PROVINCE)
    county = RegionResult.objects.get(scenario=scenario, region=world.county)
    assert (province.below_range_before, province.below_range_after) == (python_count(live), python_count(after))
    assert (county.below_range_before, county.below_range_after) == (python_count(live), python_count(after))
    assert python_count(after) > python_count(live)  # the range moved from 1.5 × to 2 × the line
    assert scenario.households_changed == 0  # exit eligibility does not read the multiplier
