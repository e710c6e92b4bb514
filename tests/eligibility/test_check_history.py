"""§5.6: the household results are kept as a history of changes — a night writes only what changed,
and every run date still reads back one result per tested household."""

import datetime as dt

import pytest
from django.db import connection

from eligibility.models import HouseholdCheck
from eligibility.policy import parameters_for
from eligibility.rules import household_sql
from eligibility.rules import run as run_rules
from eligibility.rules.reads import changed_checks, latest_check
from households import choices as c
from households.models import Household

from .conftest import AS_OF, good_household

pytestmark = pytest.mark.django_db

DAY2 = AS_OF + dt.timedelta(days=1)
DAY3 = AS_OF + dt.timedelta(days=2)
RESULT = ["household_id", "county_id", "status", "eligible", "water_passed", "income_passed", "member_count"]


@pytest.fixture
def homes(world):
    return [
        good_household(world.village_a),
        good_household(world.village_b, has_safe_water=False),
        good_household(world.village_d),
    ]


def results(day):
    return sorted(HouseholdCheck.objects.on(day).values_list(*RESULT))


def test_a_night_without_changes_writes_no_row(homes):
    run_rules.recompute_sync(as_of=AS_OF)
    assert HouseholdCheck.objects.count() == 3
    run_rules.recompute_sync(as_of=DAY2)
    assert HouseholdCheck.objects.count() == 3
    assert results(DAY2) == results(AS_OF)
    assert set(HouseholdCheck.objects.values_list("since", "until")) == {(AS_OF, None)}


def test_a_changed_household_gets_a_new_row_and_its_old_one_ends(homes):
    run_rules.recompute_sync(as_of=AS_OF)
    Household.objects.filter(pk=homes[1].pk).update(has_safe_water=True)
    run_rules.recompute_sync(as_of=DAY2)
    old, new = HouseholdCheck.objects.filter(household=homes[1]).order_by("since")
    assert (old.since, old.until, old.eligible) == (AS_OF, DAY2, False)
    assert (new.since, new.until, new.eligible) == (DAY2, None, True)
    assert HouseholdCheck.objects.count() == 4
    assert [r[4] for r in results(AS_OF) if r[0] == homes[1].pk] == [False]
    assert [r[4] for r in results(DAY2) if r[0] == homes[1].pk] == [True]


def test_a_household_no_longer_tested_drops_out_from_that_date(homes):
    run_rules.recompute_sync(as_of=AS_OF)
    Household.objects.filter(pk=homes[0].pk).update(status=c.Status.CLOSED)
    run_rules.recompute_sync(as_of=DAY2)
    assert len(results(AS_OF)) == 3 and len(results(DAY2)) == 2
    assert HouseholdCheck.objects.get(household=homes[0]).until == DAY2


def test_an_earlier_date_run_again_after_a_later_one_keeps_both_dates_right(homes):
    """Recomputing a past date (after a correction) replaces that date only: each date reads back what a
    clean run of it gives, and no household has two results on any day."""
    run_rules.recompute_sync(as_of=AS_OF)
    Household.objects.filter(pk=homes[1].pk).update(has_safe_water=True)
    run_rules.recompute_sync(as_of=DAY3)
    day3 = results(DAY3)
    run_rules.recompute_sync(as_of=DAY2)  # the fixed water already shows on day 2
    Household.objects.filter(pk=homes[2].pk).update(status=c.Status.CLOSED)
    run_rules.recompute_sync(as_of=AS_OF)  # day 1 again: homes[2] is no longer tested that day
    assert [r[0] for r in results(AS_OF)] == sorted(h.pk for h in homes[:2])
    assert [r[4] for r in results(DAY2) if r[0] == homes[1].pk] == [True]
    assert results(DAY3) == day3
    for day in (AS_OF, DAY2, DAY3):
        ids = [r[0] for r in results(day)]
        assert len(ids) == len(set(ids))


def test_the_latest_result_reports_the_last_run_that_gave_it(homes):
    run_rules.recompute_sync(as_of=AS_OF)
    run_rules.recompute_sync(as_of=DAY2)
    check = latest_check(homes[0])
    assert check.since == AS_OF and check.as_of == DAY2


def test_changes_list_only_what_changed_between_the_two_latest_runs(homes):
    run_rules.recompute_sync(as_of=AS_OF)
    Household.objects.filter(pk=homes[1].pk).update(has_safe_water=True)
    run_rules.recompute_sync(as_of=DAY2)
    run_rules.recompute_sync(as_of=DAY3)
    changes = changed_checks(Household.objects.all())
    assert (changes.previous_date, changes.current_date, changes.total) == (DAY2, DAY3, 0)
    run_rules.recompute_sync(as_of=DAY2)  # the same date again is no new run date
    Household.objects.filter(pk=homes[0].pk).update(has_safe_water=False)
    run_rules.recompute_sync(as_of=DAY3)
    changes = changed_checks(Household.objects.all())
    assert [(ch.current.household_id, ch.changed) for ch in changes.rows] == [(homes[0].pk, ["eligible", "water"])]
    assert changes.rows[0].previous.as_of == DAY2 and changes.lost == 1


def test_the_household_page_and_the_api_give_the_last_run_date_and_since_when(client, homes, users):
    run_rules.recompute_sync(as_of=AS_OF)
    run_rules.recompute_sync(as_of=DAY2)
    client.force_login(users.clerk_a)
    page = client.get(f"/households/{homes[0].number}/").content.decode()
    assert f"截至 {DAY2.isoformat()}" in page or DAY2.isoformat() in page
    assert f"自 {AS_OF.isoformat()} 起结果未变" in page
    body = client.get(f"/api/v1/households/{homes[0].number}/exit-check/").json()
    assert body["as_of"] == DAY2.isoformat() and body["eligible"] is True


needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="staging is PostgreSQL's")


@needs_postgresql
def test_a_staged_province_run_writes_what_county_by_county_computing_writes(homes):
    Household.objects.filter(pk=homes[1].pk).update(has_safe_water=True)
    run = run_rules.recompute_sync(as_of=AS_OF)
    assert household_sql.stage_for(run.pk) is None  # dropped when the run finished
    staged = results(AS_OF)
    HouseholdCheck.objects.all().delete()
    params = parameters_for(AS_OF.year)
    for county_id in {h.county_id for h in homes}:
        household_sql.county_household_test(county_id=county_id, as_of=AS_OF, params=params)
    assert results(AS_OF) == staged and len(staged) == 3


@needs_postgresql
def test_an_emptied_stage_after_a_crash_makes_each_county_compute_its_own(homes, monkeypatch):
    """PostgreSQL empties unlogged tables in crash recovery: the county tasks must not read that as
    "no household is tested any more"."""
    run_rules.recompute_sync(as_of=AS_OF)
    real = household_sql.stage_results

    def staged_then_crashed(**kwargs):
        rows = real(**kwargs)
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {household_sql.stage_name(kwargs['run_id'])}")
        return rows

    monkeypatch.setattr(household_sql, "stage_results", staged_then_crashed)
    Household.objects.filter(pk=homes[0].pk).update(has_safe_water=False)
    run_rules.recompute_sync(as_of=DAY2)
    assert len(results(DAY2)) == 3
    assert [r[4] for r in results(DAY2) if r[0] == homes[0].pk] == [False]


@needs_postgresql
def test_the_stage_of_a_run_that_failed_and_was_never_resumed_is_dropped_by_the_next_run(homes):
    params = parameters_for(AS_OF.year)
    household_sql.stage_results(run_id=987654, as_of=AS_OF, params=params)
    assert household_sql.stage_for(987654)
    run_rules.recompute_sync(as_of=AS_OF)
    assert household_sql.stage_for(987654) is None


def test_the_values_behind_a_criterion_read_as_words_not_codes(client, homes, users):
    run_rules.recompute_sync(as_of=AS_OF)
    client.force_login(users.clerk_a)
    page = client.get(f"/households/{homes[0].number}/").content.decode()
    assert "住房安全等级: A级" in page and "安全饮水: 是" in page
    assert ": True" not in page and ": none" not in page
