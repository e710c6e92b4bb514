"""Risk removal (风险消除, §7): only for a monitored household, refused at opening and at county approval
with every failing condition, allowed once income is above the range for the configured months, the
three guarantees hold and an assistance measure is recorded; the household stays in the records."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from eligibility.policy import policy_parameter_save
from households import choices as c
from households.models import Household
from monitoring.models import AlertCategory, AlertState, MonitoringAlert
from monitoring.rules.triggers import below_monitoring_range
from tests import factories as f
from tests.conftest import login
from workflows import services as s
from workflows.monitoring_objects import monitored_case
from workflows.risk_removal import add_months, risk_removal_conditions

from .conftest import TODAY
from .monitoring_helpers import (
    assistance_recorded,
    conditions_hold,
    guarantees_hold,
    income_above_range,
    marginal,
    months_back,
    register,
    walk_removal_to_township,
    walk_to_monitored,
)

pytestmark = pytest.mark.django_db
CODES = ["income", "period", "guarantees", "assistance"]


def monitored(users, village, **fields):
    h = marginal(village, **fields)
    return h, walk_to_monitored(users, register(users.clerk_a, h, AlertCategory.MARGINAL))


def failing(household, on=TODAY):
    household = Household.objects.get(pk=household.pk)  # as stored now, as the services read it
    return [x.code for x in risk_removal_conditions(household, on) if not x.ok]


def open_removal(users, h):
    return s.case_open(user=users.clerk_a, case_type="risk_removal", household=h)


def test_only_a_monitored_household_can_have_its_risk_removed(users, tree):
    h = marginal(tree.village_a)
    with pytest.raises(ValidationError):
        open_removal(users, h)
    register(users.clerk_a, h, AlertCategory.MARGINAL)  # the monitoring chain is still running
    with pytest.raises(ValidationError):
        open_removal(users, h)


def test_opening_is_refused_with_every_failing_reason(users, tree):
    h, _case = monitored(users, tree.village_a)
    assert failing(h) == CODES
    with pytest.raises(ValidationError) as err, translation.override("en"):
        open_removal(users, h)
    message = err.value.messages[0]
    for label in ("monitoring range", "required period", "three guarantees", "assistance measure"):
        assert label in message
    assert "住房安全" in message or "housing" in message.lower()  # the failing guarantee is named
    assert not h.cases.filter(case_type="risk_removal").exists()


def test_each_condition_fails_alone(users, tree):
    h, case = monitored(users, tree.village_a)
    conditions_hold(h, case)
    assert failing(h) == []
    income_above_range(h, above=False)
    assert failing(h) == ["income"]
    income_above_range(h)
    Household.objects.filter(pk=h.pk).update(housing_grade="C")
    assert failing(h) == ["guarantees"]
    guarantees_hold(h)
    h.members.update(has_resident_medical=False)
    assert failing(h) == ["guarantees"]
    h.members.update(has_resident_medical=True)
    months_back(case, -2)  # approved five months ago instead of seven
    assert failing(h) == ["period"]


def test_the_period_is_a_policy_parameter_of_the_working_year(users, tree):
    h, case = monitored(users, tree.village_a)
    income_above_range(h)
    guarantees_hold(h)
    assistance_recorded(h)
    months_back(case, 4)
    assert failing(h) == ["period"]
    policy_parameter_save(user=users.province, year=TODAY.year, values={"risk_removal_months": 3})
    assert failing(h) == []


def test_an_assistance_measure_before_the_monitoring_does_not_count(users, tree):
    h, case = monitored(users, tree.village_a)
    income_above_range(h)
    guarantees_hold(h)
    months_back(case, 7)
    assistance_recorded(h, on=TODAY - dt.timedelta(days=31 * 8))
    assert failing(h) == ["assistance"]
    assistance_recorded(h, on=TODAY - dt.timedelta(days=31 * 6))
    assert failing(h) == []


def test_the_income_condition_is_the_trigger_s_rule_turned_round(users, tree):
    from eligibility.policy import parameters_for
    from households.models import Income

    h, case = monitored(users, tree.village_a)
    for above in (True, False):
        income_above_range(h, above=above)
        net = Income.objects.get(household=h, year=TODAY.year).net
        below = below_monitoring_range(net, 1, parameters_for(TODAY.year))
        ok = {x.code: x.ok for x in risk_removal_conditions(h, TODAY)}["income"]
        assert ok is (not below) is above


def test_allowed_when_the_conditions_hold_and_refused_at_approval_when_they_stopped(users, tree):
    h, case = monitored(users, tree.village_a)
    conditions_hold(h, case)
    removal = walk_removal_to_township(users, open_removal(users, h))
    income_above_range(h, above=False)  # the income was corrected meanwhile
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.county, case=removal, transition="county_approve")
    assert err.value.error_dict["transition"][0].code == "risk_not_cleared"
    removal.refresh_from_db()
    assert removal.state == "township_approved"
    income_above_range(h)
    removal = s.case_transition(user=users.county, case=removal, transition="county_approve")
    assert removal.state == "removed" and removal.closed_at is not None
    step = removal.steps.get(transition="county_approve")
    assert set(step.detail["conditions"]) == set(CODES)
    # §7: the household stays in the records with its status; its alert is closed; a new risk is a new case
    h.refresh_from_db()
    assert h.status == c.Status.NOT_POOR and monitored_case(h) is None
    assert MonitoringAlert.objects.get(pk=case.alert_id).state == AlertState.REMOVED
    with pytest.raises(ValidationError):
        open_removal(users, h)


def test_an_exited_household_keeps_its_status_after_removal(users, tree):
    h = f.household(tree.village_a, status=c.Status.EXITED, exit_year=2019)
    case = walk_to_monitored(users, register(users.clerk_a, h, AlertCategory.UNSTABLE_EXITED))
    conditions_hold(h, case)
    removal = walk_removal_to_township(users, open_removal(users, h))
    s.case_transition(user=users.county, case=removal, transition="county_approve")
    h.refresh_from_db()
    assert (h.status, h.exit_year) == (c.Status.EXITED, 2019)


def test_the_case_page_shows_the_four_conditions_while_the_case_runs(client, users, tree):
    h, case = monitored(users, tree.village_a)
    conditions_hold(h, case)
    removal = walk_removal_to_township(users, open_removal(users, h))
    income_above_range(h, above=False)
    url = reverse("workflows:case_detail", args=[removal.pk])
    html = login(client, users.county).get(url).content.decode()
    assert html.count('data-testid="risk-condition"') == 4
    assert 'data-code="income" data-ok="0"' in html and 'data-code="period" data-ok="1"' in html
    assert 'data-testid="conditions-block"' in html  # the approval button warns it will be refused
    income_above_range(h)
    s.case_transition(user=users.county, case=removal, transition="county_approve")
    assert 'data-testid="risk-condition"' not in client.get(url).content.decode()


def test_a_clerk_of_another_village_gets_404_on_the_removal_case(client, users, tree):
    h, case = monitored(users, tree.village_a)
    conditions_hold(h, case)
    removal = open_removal(users, h)
    assert login(client, users.clerk_b).get(reverse("workflows:case_detail", args=[removal.pk])).status_code == 404


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2020, 1, 15), 6, dt.date(2020, 7, 15)),
        (dt.date(2019, 8, 31), 6, dt.date(2020, 2, 29)),
        (dt.date(2019, 10, 31), 4, dt.date(2020, 2, 29)),
        (dt.date(2020, 12, 31), 2, dt.date(2021, 2, 28)),
    ],
)
def test_months_are_calendar_months(day, months, expected):
    assert add_months(day, months) == expected
