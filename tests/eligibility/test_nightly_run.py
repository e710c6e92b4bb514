"""§5.6: the nightly run is split by county, idempotent, restartable, and issues a bounded number of queries."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eligibility.models import HouseholdCheck, RecomputeRun, RunState
from eligibility.policy import parameters_for
from eligibility.rules import run as run_rules
from eligibility.rules.household_sql import county_household_test
from eligibility.rules.reads import changed_checks
from eligibility.tasks import nightly_recompute
from households import choices as c
from households.models import Household
from tests import factories as f
from villages.models import RegionIndicator

from .conftest import AS_OF, good_household

pytestmark = pytest.mark.django_db

COMPARED = [
    "household_id",
    "county_id",
    "village_id",
    "status",
    "eligible",
    "income_passed",
    "food_passed",
    "clothing_passed",
    "education_passed",
    "medical_passed",
    "housing_passed",
    "water_passed",
    "member_count",
    "net_income",
    "out_of_school",
]


@pytest.fixture
def several(world):
    good_household(world.village_a)
    good_household(world.village_b, has_safe_water=False)
    good_household(world.village_c, wages=None, status=c.Status.EXITED)
    good_household(world.village_d, members=[f.member(id_number=f.id_number(area="211221"))])
    return world


def rows(as_of=AS_OF):
    return sorted(HouseholdCheck.objects.on(as_of).values_list(*COMPARED))


def test_the_same_date_twice_leaves_one_set_of_results(several):
    first = run_rules.recompute_sync(as_of=AS_OF)
    assert first.state == RunState.DONE and first.households == 4
    before = rows()
    indicators = RegionIndicator.objects.filter(as_of=AS_OF).count()
    second = run_rules.recompute_sync(as_of=AS_OF)
    assert second.pk != first.pk and second.state == RunState.DONE
    assert HouseholdCheck.objects.on(AS_OF).count() == 4
    assert rows() == before
    assert RegionIndicator.objects.filter(as_of=AS_OF).count() == indicators == 11


def test_exited_households_are_tested_too(several):
    run_rules.recompute_sync(as_of=AS_OF)
    assert HouseholdCheck.objects.on(AS_OF).filter(status=c.Status.EXITED).count() == 1


def test_the_household_test_issues_the_same_number_of_queries_for_3_or_30_households(world):
    params = parameters_for(2019)
    for _ in range(3):
        good_household(world.village_a)
    with CaptureQueriesContext(connection) as small:
        county_household_test(county_id=world.county.pk, as_of=AS_OF, params=params)
    for _ in range(27):
        good_household(world.village_b)
    with CaptureQueriesContext(connection) as large:  # the next night: a date new to the county
        written = county_household_test(county_id=world.county.pk, as_of=AS_OF + dt.timedelta(days=1), params=params)
    assert written == 30
    assert len(large.captured_queries) == len(small.captured_queries) <= 12


def test_a_whole_run_issues_a_bounded_number_of_queries(several, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(run_rules, "run_county_steps", lambda **kw: None)  # the monitoring app counts its own
    with django_assert_max_num_queries(130):  # 2 counties; the same for 4 or 4,000 households
        run_rules.recompute_sync(as_of=AS_OF)


def test_a_failed_county_shows_its_error_and_a_rerun_finishes_equal_to_a_clean_run(several, monkeypatch):
    real = run_rules.county_household_test

    def broken(**kwargs):
        if kwargs["county_id"] == several.county2.pk:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(run_rules, "county_household_test", broken)
    failed = run_rules.recompute_sync(as_of=AS_OF)
    assert failed.state == RunState.FAILED
    bad = failed.counties.get(county=several.county2)
    assert bad.state == RunState.FAILED and "disk full" in bad.error
    assert failed.counties.get(county=several.county).state == RunState.DONE

    monkeypatch.setattr(run_rules, "county_household_test", real)
    resumed = run_rules.recompute_sync(as_of=AS_OF)
    assert resumed.pk == failed.pk and resumed.state == RunState.DONE
    assert resumed.counties.get(county=several.county).attempts == 1  # done counties are not redone
    assert resumed.counties.get(county=several.county2).attempts == 2
    after_rerun = rows()
    indicators = sorted(RegionIndicator.objects.filter(as_of=AS_OF).values_list("region_id", "incidence"))

    HouseholdCheck.objects.all().delete()
    RegionIndicator.objects.all().delete()
    clean = run_rules.recompute_sync(as_of=AS_OF)
    assert clean.state == RunState.DONE
    assert rows() == after_rerun
    assert sorted(RegionIndicator.objects.filter(as_of=AS_OF).values_list("region_id", "incidence")) == indicators


def test_monitoring_and_quality_run_after_each_county(several, monkeypatch):
    from monitoring import services

    calls = []
    monkeypatch.setattr(services, "quality_run_county", lambda **kw: calls.append(("quality", kw["county_id"])))
    monkeypatch.setattr(services, "monitoring_run_county", lambda **kw: calls.append(("monitoring", kw["county_id"])))
    run = run_rules.recompute_sync(as_of=AS_OF)
    assert sorted(calls) == sorted(
        [(kind, county.pk) for kind in ("quality", "monitoring") for county in (several.county, several.county2)]
    )
    assert HouseholdCheck.objects.filter(run_id=run.pk).count() == 4


def test_each_county_runs_the_quality_checks_then_the_monitoring_triggers(several, monkeypatch):
    """monitoring registers its two county steps with eligibility.nightly, in this order (§8.2, §7)."""
    from monitoring import services

    calls = []
    monkeypatch.setattr(services, "quality_run_county", lambda **kw: calls.append(("quality", kw["county_id"])))
    monkeypatch.setattr(services, "monitoring_run_county", lambda **kw: calls.append(("monitoring", kw["county_id"])))
    run_rules.recompute_sync(as_of=AS_OF)
    counties = sorted((several.county, several.county2), key=lambda county: county.code)
    assert calls == [(kind, county.pk) for county in counties for kind in ("quality", "monitoring")]


def test_a_failing_county_step_fails_its_county_and_the_later_steps_do_not_run(several, monkeypatch):
    from monitoring import services

    def broken(**kwargs):
        raise RuntimeError("quality broke")

    calls = []
    monkeypatch.setattr(services, "quality_run_county", broken)
    monkeypatch.setattr(services, "monitoring_run_county", lambda **kw: calls.append(kw["county_id"]))
    run = run_rules.recompute_sync(as_of=AS_OF)
    assert run.state == RunState.FAILED and calls == []
    assert {row.state for row in run.counties.all()} == {RunState.FAILED}
    assert all("quality broke" in row.error for row in run.counties.all())


def test_the_nightly_task_runs_every_county(several, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = nightly_recompute.delay("2019-10-15").get()  # eager without a broker
    run = RecomputeRun.objects.get(pk=run_id)
    assert run.state == RunState.DONE and run.counties_done == 2
    assert HouseholdCheck.objects.on(AS_OF).count() == 4


def test_the_command_runs_one_county(several, capsys):
    call_command("recompute_eligibility", "--as-of", "2019-10-15", "--county", several.county2.code)
    assert set(HouseholdCheck.objects.values_list("county_id", flat=True)) == {several.county2.pk}
    assert "done" in capsys.readouterr().out


def test_the_command_refuses_a_bad_date(several):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("recompute_eligibility", "--as-of", "2019-13-45")
    assert not RecomputeRun.objects.exists()


def test_changes_since_the_previous_run_name_the_criterion(several):
    run_rules.recompute_sync(as_of=AS_OF)
    h = several.village_a.households.get()
    h.has_safe_water = False
    h.save()
    later = AS_OF + dt.timedelta(days=1)
    run_rules.recompute_sync(as_of=later)
    changes = changed_checks(Household.objects.all())
    assert [(ch.current.household_id, ch.changed) for ch in changes.rows] == [(h.pk, ["eligible", "water"])]
    assert changes.lost == 1 and changes.gained == 0


def test_a_household_that_moved_county_between_county_tasks_is_not_duplicated(several):
    run_rules.recompute_sync(as_of=AS_OF)
    h = several.village_d.households.get()
    Household.objects.filter(pk=h.pk).update(village=several.village_a, county=several.county)
    run_rules.recompute_sync(as_of=AS_OF)  # 昌图县 may run before or after 铁岭县: one row either way
    params = parameters_for(2019)
    county_household_test(county_id=several.county.pk, as_of=AS_OF, params=params)
    assert HouseholdCheck.objects.on(AS_OF).filter(household=h).count() == 1
    assert HouseholdCheck.objects.on(AS_OF).get(household=h).county_id == several.county.pk
    assert HouseholdCheck.objects.on(AS_OF).count() == 4


@pytest.mark.parametrize("part", ["regions", "counts"])
def test_a_failing_half_of_the_finish_fails_the_run_and_the_next_run_of_the_date_completes_it(
    several, monkeypatch, part, django_capture_on_commit_callbacks
):
    """The finish's halves run side by side on the workers (eligibility.tasks: a chord); either failing
    fails the run, the other half's work stays done, and running the date again finishes it."""

    broken = "region_indicators_compute" if part == "regions" else "run_finish_steps"

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(run_rules, broken, fail)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        nightly_recompute(AS_OF.isoformat())  # the last county enqueues the finish once committed
    run = RecomputeRun.objects.get()
    assert run.state == RunState.FAILED and "disk full" in run.error
    assert run.counties_done == 2  # the counties are done; only the finish is to redo
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        nightly_recompute(AS_OF.isoformat())
    run.refresh_from_db()
    assert run.state == RunState.DONE and run.error == ""
    assert RecomputeRun.objects.count() == 1  # resumed, not started again
