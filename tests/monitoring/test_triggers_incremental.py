"""Issue 16: a monitoring night after a known one evaluates only the households that may fire
differently, and leaves exactly the alerts and triggers a full pass leaves."""

import datetime as dt

import pytest
from django.db import transaction

from eligibility.tasks import nightly_recompute
from households import choices as c
from households.models import Household, HouseholdChange, Income
from monitoring import services
from monitoring.models import AlertState, AlertTrigger, MonitoringAlert, MonitoringRun
from monitoring.selectors import last_fired, with_last_fired
from monitoring.services import alert_dismiss
from tests import factories as f

from .conftest import clean_household

FIRST, SECOND, THIRD = "2019-06-30", "2019-09-30", "2019-12-31"


class Rollback(Exception):
    pass


def alerts() -> list[tuple]:
    """Every alert and trigger as the pages show them (the night each last fired), and as stored."""
    rows = (
        with_last_fired(MonitoringAlert.objects.all())
        .values_list("household_id", "category", "state", "year", "opened_on", "last_fired", "firing")
        .order_by("household_id", "id")
    )
    triggers = (
        AlertTrigger.objects.annotate(last_fired=last_fired("firing", "last_on", "alert__county_id"))
        .values_list("alert__household_id", "trigger", "values", "first_on", "last_fired", "firing", "policy_version")
        .order_by("alert__household_id", "trigger")
    )
    return [*rows, *[(h, t, sorted(v.items()), *rest) for h, t, v, *rest in triggers]]


def after_the_night(monkeypatch, *, full: bool) -> tuple[list[tuple], list]:
    """The alerts after the third night, then everything rolled back."""
    with monkeypatch.context() as m:
        if full:
            m.setattr(services, "INCREMENTAL_MAX", -1)  # every county evaluated whole
        try:
            with transaction.atomic():
                nightly_recompute(THIRD)
                result = alerts(), list(MonitoringRun.objects.filter(as_of=THIRD).values_list("households_checked"))
                raise Rollback
        except Rollback:
            return result


def test_an_incremental_monitoring_night_equals_a_full_pass(tree, users, monkeypatch):
    low = [clean_household(tree.village_a, status=c.Status.EXITED, exit_year=2018) for _ in range(4)]
    for h in low:
        f.income(h, 2019, wages=1000)  # below the monitoring range
        f.assessment(h)
    marginal = clean_household(tree.village_b, status=c.Status.NOT_POOR)
    f.income(marginal, 2019, wages=500)
    unsafe = clean_household(tree.village_c, status=c.Status.EXITED, exit_year=2018, housing_grade="A")
    f.income(unsafe, 2019, wages=50000)
    f.assessment(unsafe)
    steady = clean_household(tree.village_d, status=c.Status.EXITED, exit_year=2018)
    f.income(steady, 2019, wages=50000)
    f.assessment(steady)
    nightly_recompute(FIRST)
    assert MonitoringAlert.objects.filter(state=AlertState.OPEN, household__in=[*low, marginal]).count() == 5
    nightly_recompute(SECOND)  # the alerts opened the first night are evaluated again once

    # Between the nights: an income corrected above the range, a new low income, a dismissal, a
    # household that exits, water that fails, an assessment that fails food (only the exit test sees it).
    Income.objects.filter(household=low[0]).update(wages=50000)
    Income.objects.filter(household=steady).update(wages=800)
    alert_dismiss(user=users.clerk_a, alert=MonitoringAlert.objects.get(household=low[1]), reason="核实无风险")
    Household.objects.filter(pk=marginal.pk).update(status=c.Status.EXITED, exit_year=2019)
    Household.objects.filter(pk=unsafe.pk).update(has_safe_water=False)
    f.assessment(low[3], food=False, on=dt.date(2019, 10, 1))

    incremental, checked = after_the_night(monkeypatch, full=False)
    full, full_checked = after_the_night(monkeypatch, full=True)
    assert incremental == full
    assert all(n is not None for (n,) in checked)  # the nights were incremental…
    assert all(n is None for (n,) in full_checked)  # …and the reference was whole
    # The untouched alerts were carried to the third night.
    carried = (low[2].pk, "unstable_exited", "open", 2019, dt.date(2019, 6, 30), dt.date(2019, 12, 31), True)
    assert carried in incremental


@pytest.mark.parametrize("rerun", [FIRST, SECOND])
def test_a_rerun_changes_nothing(tree, users, rerun):
    h = clean_household(tree.village_a, status=c.Status.EXITED, exit_year=2018)
    f.income(h, 2019, wages=1000)
    f.assessment(h)
    nightly_recompute(FIRST)
    if rerun == SECOND:
        nightly_recompute(SECOND)
    before = alerts()
    nightly_recompute(rerun)
    assert alerts() == before


def test_the_alerts_a_night_opens_are_not_journaled_but_a_registered_one_is(tree, users):
    """The night has just evaluated the households whose alerts it opens: journaling them made the next
    night evaluate every one again. An alert a village registers, or a dismissal, journals its household."""
    low = clean_household(tree.village_a, status=c.Status.EXITED, exit_year=2018)
    f.income(low, 2019, wages=1000)
    f.assessment(low)
    registered = clean_household(tree.village_b, status=c.Status.NOT_POOR)
    nightly_recompute(FIRST)
    assert MonitoringAlert.objects.filter(household=low, state=AlertState.OPEN).exists()
    journal = HouseholdChange.objects.filter(reader="monitoring")
    assert not journal.filter(household_id=low.pk).exists()
    services.alert_register(household=registered, category="marginal", on=dt.date(2019, 7, 1), year=2019)
    assert journal.filter(household_id=registered.pk).exists()
    alert_dismiss(user=users.clerk_a, alert=MonitoringAlert.objects.get(household=low), reason="核实无风险")
    assert journal.filter(household_id=low.pk).exists()
