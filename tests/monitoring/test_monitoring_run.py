"""The nightly monitoring triggers of §7, their boundaries, and alerts that are never duplicated."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eligibility.models import HouseholdCheck
from households import choices as c
from monitoring.models import AlertCategory, AlertState, AlertTrigger, MonitoringAlert, Trigger
from monitoring.selectors import alert_page_rows
from monitoring.services import alert_dismiss, monitoring_run_county
from tests import factories as f

from .conftest import clean_household

# 2019: line 3218 (§5.1), monitoring range 1.5 × 3218 = 4827 per person; two members per household.
RANGE_TOTAL = Decimal("9654")
AS_OF = dt.date(2019, 6, 30)


@pytest.fixture
def exited(tree, users):
    return clean_household(tree.village_a, status=c.Status.EXITED, exit_year=2018)


def run(tree, as_of=AS_OF):
    return monitoring_run_county(as_of=as_of, county_id=tree.county.pk)


def triggers(h):
    return {t.trigger: t for t in AlertTrigger.objects.filter(alert__household=h)}


def test_income_exactly_at_the_range_does_not_fire_and_one_cent_below_does(tree, exited):
    f.income(exited, 2019, wages=RANGE_TOTAL, business=0)
    assert run(tree) == 0
    other = clean_household(tree.village_a, status=c.Status.EXITED)
    f.income(other, 2019, wages=RANGE_TOTAL - Decimal("0.02"))
    assert run(tree) == 1
    fired = triggers(other)[Trigger.LOW_INCOME]
    assert fired.values["per_capita_net"] == "4826.99"
    assert fired.values["threshold"] == "4827.00"
    assert fired.policy_year == 2019
    assert MonitoringAlert.objects.get(household=other).category == AlertCategory.UNSTABLE_EXITED


def test_rigid_expenditure_equal_to_net_income_does_not_fire_and_above_it_does(tree, exited):
    income = f.income(exited, 2019, wages=20000, medical_expense=20000)
    run(tree)
    assert Trigger.RIGID_EXPENDITURE not in triggers(exited)
    income.medical_expense = Decimal("20000.01")
    income.save()
    run(tree)
    alert = MonitoringAlert.objects.get(household=exited)
    assert alert.category == AlertCategory.SUDDEN_HARDSHIP
    assert triggers(exited)[Trigger.RIGID_EXPENDITURE].values == {
        "rigid_expenditure": "20000.01",
        "net": "20000.00",
        "policy_year": 2019,
        "policy_version": 0,
    }


def test_a_drop_of_exactly_thirty_percent_does_not_fire_and_more_does(tree, exited):
    f.income(exited, 2018, wages=20000)
    current = f.income(exited, 2019, wages=14000)
    run(tree)
    assert Trigger.INCOME_DROP not in triggers(exited)
    current.wages = Decimal("13999.99")
    current.save()
    run(tree)
    values = triggers(exited)[Trigger.INCOME_DROP].values
    assert values["previous_per_capita_net"] == "10000.00"
    assert values["per_capita_net"] == "7000.00"  # 6999.995 rounded for display; the test compared exact amounts
    assert values["drop_ratio"] == "0.30"


def check(h, as_of=AS_OF, **passed):
    fields = {
        f"{name}_passed": True for name in ("income", "food", "clothing", "education", "medical", "housing", "water")
    }
    fields.update({f"{k}_passed": v for k, v in passed.items()})
    return HouseholdCheck.objects.create(
        since=as_of,
        household=h,
        county_id=h.county_id,
        village_id=h.village_id,
        status=h.status,
        policy_year=as_of.year,
        params_version=0,
        eligible=all(fields.values()),
        member_count=2,
        poverty_line=Decimal("3218"),
        identification_year=h.identification_year,
        **fields,
    )


def test_a_failing_or_missing_guarantee_of_an_exited_household_fires(tree, exited):
    ok = clean_household(tree.village_a, status=c.Status.EXITED)
    poor = clean_household(tree.village_a)
    check(exited, housing=False, water=None)
    check(ok, income=False)  # income is not a guarantee criterion
    check(poor, housing=False)  # a poor household is under assistance, not monitored
    assert run(tree) == 1
    values = triggers(exited)[Trigger.GUARANTEE_FAILED].values
    assert values["criteria"] == ["housing", "water"]
    assert values["missing"] == ["water"]


def test_a_poor_household_is_not_monitored(tree, users):
    poor = clean_household(tree.village_a)
    f.income(poor, 2019, wages=100, medical_expense=5000)
    assert run(tree) == 0


def test_a_rerun_and_the_next_night_keep_one_alert(tree, exited):
    f.income(exited, 2019, wages=1000)
    assert run(tree) == 1
    assert run(tree) == 1
    assert run(tree, AS_OF + dt.timedelta(days=1)) == 1
    alert = alert_page_rows(MonitoringAlert.objects.filter(household=exited)).get()
    assert alert.opened_on == AS_OF
    assert alert.last_fired == AS_OF + dt.timedelta(days=1)
    (row,) = alert.triggers.all()
    assert (row.trigger, row.first_on, row.last_fired) == (Trigger.LOW_INCOME, AS_OF, AS_OF + dt.timedelta(days=1))
    assert AlertTrigger.objects.count() == 1


def test_an_alert_that_stops_firing_keeps_its_last_night_and_a_quiet_night_writes_nothing(tree, exited):
    income = f.income(exited, 2019, wages=1000)
    run(tree)
    stored = list(MonitoringAlert.objects.values_list("id", "last_triggered_on", "firing", "run_id"))
    run(tree, AS_OF + dt.timedelta(days=1))  # nothing changed: nothing written
    assert list(MonitoringAlert.objects.values_list("id", "last_triggered_on", "firing", "run_id")) == stored
    income.wages = Decimal("50000")
    income.save()
    assert run(tree, AS_OF + dt.timedelta(days=2)) == 0
    alert = alert_page_rows(MonitoringAlert.objects.filter(household=exited)).get()
    assert (alert.firing, alert.last_fired) == (False, AS_OF + dt.timedelta(days=1))  # the last night it fired
    assert [(t.firing, t.last_fired) for t in alert.triggers.all()] == [(False, AS_OF + dt.timedelta(days=1))]
    assert alert.state == "open"  # the village still decides


def test_a_new_trigger_joins_the_open_alert(tree, exited):
    income = f.income(exited, 2019, wages=1000)
    run(tree)
    income.medical_expense = Decimal("5000")
    income.save()
    run(tree, AS_OF + dt.timedelta(days=1))
    assert MonitoringAlert.objects.filter(household=exited).count() == 1
    assert set(triggers(exited)) == {Trigger.LOW_INCOME, Trigger.RIGID_EXPENDITURE}


def test_a_dismissed_trigger_does_not_reopen_in_the_same_year_but_a_new_one_does(tree, users, exited):
    income = f.income(exited, 2019, wages=1000)
    run(tree)
    alert = MonitoringAlert.objects.get(household=exited)
    alert_dismiss(user=users.clerk_a, alert=alert, reason="外出务工，收入已核实")
    run(tree, AS_OF + dt.timedelta(days=1))
    assert not MonitoringAlert.objects.filter(state=AlertState.OPEN).exists()
    income.medical_expense = Decimal("5000")
    income.save()
    run(tree, AS_OF + dt.timedelta(days=2))
    reopened = MonitoringAlert.objects.get(state=AlertState.OPEN)
    assert set(triggers(exited)) == {Trigger.LOW_INCOME, Trigger.RIGID_EXPENDITURE}
    assert set(reopened.triggers.values_list("trigger", flat=True)) == {Trigger.RIGID_EXPENDITURE}


def test_dismissal_needs_a_reason_and_the_right_role(tree, users, exited):
    f.income(exited, 2019, wages=1000)
    run(tree)
    alert = MonitoringAlert.objects.get()
    with pytest.raises(ValidationError) as err:
        alert_dismiss(user=users.clerk_a, alert=alert, reason="  ")
    assert "reason" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        alert_dismiss(user=users.county, alert=alert, reason="x")
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN
    alert_dismiss(user=users.township, alert=alert, reason="核实无风险")
    alert.refresh_from_db()
    assert (alert.state, alert.closed_by) == (AlertState.DISMISSED, users.township)
