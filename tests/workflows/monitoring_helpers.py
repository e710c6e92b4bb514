"""Monitoring objects and risk removal (§7) for the tests: a household registered and walked to
"monitored", months passed by moving the monitoring's dates back, and the four risk-removal conditions
made to hold (income above the range, guarantees, an assistance measure)."""

import datetime as dt
from decimal import Decimal

from assistance.models import AssistanceRecord
from eligibility.policy import parameters_for
from households.models import Household, Income
from tests import factories as f
from workflows import services as s
from workflows.models import Case, Step

from .conftest import TODAY, age_notice, appraisal


def register(user, household, category, note="因病住院，医疗支出大"):
    return s.case_open(user=user, case_type="monitoring", household=household, category=category, trigger_note=note)


def walk_to_monitored(users, case):
    """visit → appraisal and notice (5 days) → township → county: "monitored"."""
    s.case_transition(user=users.clerk_a, case=case, transition="visit")
    s.case_transition(
        user=users.clerk_a, case=case, transition="start_notice", notice_start=TODAY, appraisal=appraisal()
    )
    age_notice(case, 5)
    s.case_transition(user=users.clerk_a, case=case, transition="close_notice")
    s.case_transition(user=users.township, case=case, transition="township_approve")
    return s.case_transition(user=users.county, case=case, transition="county_approve")


def walk_removal_to_township(users, case):
    """A risk-removal case from "applied" to "township approved"; county approval is the test's."""
    s.case_transition(user=users.clerk_a, case=case, transition="visit")
    s.case_transition(
        user=users.clerk_a, case=case, transition="start_notice", notice_start=TODAY, appraisal=appraisal()
    )
    age_notice(case, 5)
    s.case_transition(user=users.clerk_a, case=case, transition="close_notice")
    return s.case_transition(user=users.township, case=case, transition="township_approve")


def months_back(case, months):
    """As if the monitoring had been opened and approved `months` months (of 31 days) ago."""
    days = dt.timedelta(days=31 * months)
    Case.objects.filter(pk=case.pk).update(
        opened_at=case.opened_at - days, closed_at=case.closed_at - days, state_since=case.state_since - days
    )
    for step in Step.objects.filter(case=case):
        Step.objects.filter(pk=step.pk).update(date=step.date - days)
    case.refresh_from_db()


def income_above_range(household, *, above=True):
    """The working year's income just above (or just below) the monitoring range for the current members."""
    params = parameters_for(TODAY.year)
    members = household.members.filter(departure="").count()
    total = params.monitoring_income_multiplier * params.poverty_line * members
    wages = total + Decimal("1") if above else total - Decimal("1")
    Income.objects.update_or_create(household=household, year=TODAY.year, defaults={"wages": wages})


def guarantees_hold(household):
    Household.objects.filter(pk=household.pk).update(housing_grade="A")


def assistance_recorded(household, on=TODAY):
    return AssistanceRecord.objects.create(
        household=household, category="employment", date=on, content="公益性岗位", amount=Decimal("500")
    )


def conditions_hold(household, monitoring_case, months=7):
    income_above_range(household)
    guarantees_hold(household)
    assistance_recorded(household)
    months_back(monitoring_case, months)


def marginal(village, **fields):
    fields.setdefault("status", "not_poor")
    return f.household(village, **fields)
