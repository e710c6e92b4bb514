"""Identification and return (§6.2), monitoring and risk removal (§7), village and county exits (§6.3)
and the verification sample (§6.4) walk end to end; refusals by role, scope and state."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from households import choices as c
from monitoring.models import AlertState, MonitoringAlert
from tests import factories as f
from villages.models import RegionIndicator, SampledHousehold, SampleKind
from workflows import samples
from workflows import services as s
from workflows.models import Case

from .conftest import TODAY, age_notice, appraisal
from .monitoring_helpers import conditions_hold

pytestmark = pytest.mark.django_db


def village_chain(users, case, *, notice_days=7, first="start_notice", extra=None):
    """Notice, township and county steps of a household case from its appraised/visited state."""
    s.case_transition(user=users.clerk_a, case=case, transition=first, notice_start=TODAY, **(extra or {}))
    age_notice(case, notice_days)
    s.case_transition(user=users.clerk_a, case=case, transition="close_notice")
    s.case_transition(user=users.township, case=case, transition="township_approve")
    return s.case_transition(user=users.county, case=case, transition="county_approve")


def test_new_identification_walks_to_registered(users, tree):
    closed = f.household(tree.village_a, status=c.Status.CLOSED)
    with pytest.raises(ValidationError):  # an applicant's chain (issue 14), not a closed household's
        s.case_open(user=users.clerk_a, case_type="identification", household=closed)
    h = f.household(tree.village_a, status=c.Status.APPLICANT)
    case = s.case_open(user=users.clerk_a, case_type="identification", household=h)
    with pytest.raises(ValidationError):
        s.case_transition(user=users.clerk_a, case=case, transition="appraise", appraisal={"date": TODAY})
    s.case_transition(user=users.clerk_a, case=case, transition="appraise", appraisal=appraisal())
    case = village_chain(users, case)
    assert case.state == "approved"
    s.case_transition(user=users.county, case=case, transition="announce")
    h.refresh_from_db()
    assert h.status == c.Status.POOR and Case.objects.get().state == "announced"


def test_return_to_poverty_walks_to_returned_and_needs_an_exited_household(users, tree, homes):
    with pytest.raises(ValidationError):
        s.case_open(user=users.clerk_a, case_type="return", household=homes.a)
    h = f.household(tree.village_a, status=c.Status.EXITED, exit_year=2019)
    case = s.case_open(user=users.clerk_a, case_type="return", household=h)
    s.case_transition(user=users.clerk_a, case=case, transition="appraise", appraisal=appraisal())
    case = village_chain(users, case)
    s.case_transition(user=users.county, case=case, transition="announce", reason="因病返贫")
    h.refresh_from_db()
    assert h.status == c.Status.RETURNED and h.return_year == TODAY.year


def _alert(tree, household, state=AlertState.OPEN):
    return MonitoringAlert.objects.create(
        household=household,
        county=tree.county,
        village=household.village,
        category="unstable_exited",
        state=state,
        year=TODAY.year,
        opened_on=TODAY,
        last_triggered_on=TODAY,
    )


def test_a_confirmed_alert_runs_the_monitoring_chain_and_risk_removal_runs_the_same(users, tree):
    h = f.household(tree.village_a, status=c.Status.EXITED, exit_year=2019)
    alert = _alert(tree, h)
    case = s.alert_confirm(user=users.clerk_a, alert=alert, reason="走访属实")
    alert.refresh_from_db()
    assert alert.state == AlertState.CONFIRMED and case.state == "confirmed" and case.category == "unstable_exited"
    s.case_transition(user=users.clerk_a, case=case, transition="visit")
    with pytest.raises(ValidationError) as err:  # the appraisal goes with the notice
        s.case_transition(user=users.clerk_a, case=case, transition="start_notice", notice_start=TODAY)
    assert "appraisal_date" in err.value.error_dict
    s.case_transition(
        user=users.clerk_a, case=case, transition="start_notice", notice_start=TODAY, appraisal=appraisal()
    )
    age_notice(case, 4)
    with pytest.raises(ValidationError):  # monitoring_notice_days = 5
        s.case_transition(user=users.clerk_a, case=case, transition="close_notice")
    age_notice(case, 5)
    s.case_transition(user=users.clerk_a, case=case, transition="close_notice")
    s.case_transition(user=users.township, case=case, transition="township_approve")
    case = s.case_transition(user=users.county, case=case, transition="county_approve", category="sudden_hardship")
    assert case.state == "monitored" and case.category == "sudden_hardship" and case.closed_at

    conditions_hold(h, case)  # §7: income above the range for six months, guarantees, assistance
    removal = s.case_open(user=users.clerk_a, case_type="risk_removal", household=h)
    s.case_transition(user=users.clerk_a, case=removal, transition="visit")
    removal = village_chain(users, removal, notice_days=5, extra={"appraisal": appraisal()})
    assert removal.state == "removed"
    alert.refresh_from_db()
    assert alert.closed_at is not None and alert.closed_by == users.county
    assert alert.state == "removed"  # no longer active: a new risk opens a new alert
    with pytest.raises(ValidationError):  # removed once: no second removal
        s.case_open(user=users.clerk_a, case_type="risk_removal", household=h)


def test_an_alert_is_confirmed_only_once_and_only_by_a_clerk_or_township(users, tree):
    h = f.household(tree.village_a, status=c.Status.EXITED, exit_year=2019)
    alert = _alert(tree, h)
    with pytest.raises(PermissionDenied):
        s.alert_confirm(user=users.county, alert=alert, reason="")
    s.alert_confirm(user=users.township, alert=alert, reason="")
    with pytest.raises(ValidationError):
        s.alert_confirm(user=users.clerk_a, alert=alert, reason="")


def test_risk_removal_needs_a_monitored_household(users, homes):
    with pytest.raises(ValidationError):
        s.case_open(user=users.clerk_a, case_type="risk_removal", household=homes.a)


def _indicator(region, eligible):
    RegionIndicator.objects.create(
        as_of=TODAY,
        region=region,
        level=region.level,
        year=TODAY.year,
        params_version=0,
        exit_eligible=eligible,
        failing=[] if eligible else ["incidence"],
    )


def test_village_exit_is_proposed_by_the_township_and_approved_by_the_county(users, tree):
    with pytest.raises(ValidationError) as err:  # no indicator snapshot: needs a justification
        s.case_open(user=users.township, case_type="village_exit", region=tree.village_a)
    assert "justification" in err.value.error_dict
    _indicator(tree.village_a, True)
    with pytest.raises(PermissionDenied):
        s.case_open(user=users.clerk_a, case_type="village_exit", region=tree.village_a)
    with pytest.raises(PermissionDenied):  # township 2 is outside the reviewer's scope
        s.case_open(user=users.township, case_type="village_exit", region=tree.village_c)
    case = s.case_open(user=users.township, case_type="village_exit", region=tree.village_a)
    assert case.eligible_at_proposal is True
    s.case_transition(user=users.township, case=case, transition="start_notice", notice_start=TODAY)
    age_notice(case, 7)
    s.case_transition(user=users.township, case=case, transition="close_notice")
    with pytest.raises(PermissionDenied):
        s.case_transition(user=users.township, case=case, transition="county_approve")
    s.case_transition(user=users.county, case=case, transition="county_approve")
    case = s.case_transition(user=users.county, case=case, transition="announce")
    assert case.state == "announced"


def test_county_exit_needs_city_review_and_a_provincial_sample(users, tree):
    _indicator(tree.county, True)
    case = s.case_open(user=users.county, case_type="county_exit", region=tree.county)
    with pytest.raises(PermissionDenied):
        s.case_transition(user=users.province, case=case, transition="city_review")
    s.case_transition(user=users.city, case=case, transition="city_review")
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.province, case=case, transition="province_verify")
    assert err.value.error_dict["transition"][0].code == "sample_required"
    sample = samples.sample_draw(user=users.province, county=tree.county, exited_count=0, non_registered=[("张三", 3)])
    case = s.case_transition(user=users.province, case=case, transition="province_verify")
    assert case.sample_id == sample.pk
    s.case_transition(user=users.province, case=case, transition="start_notice", notice_start=TODAY)
    age_notice(case, 7)
    s.case_transition(user=users.province, case=case, transition="close_notice")
    s.case_transition(user=users.province, case=case, transition="province_approve")
    case = s.case_transition(user=users.province, case=case, transition="announce")
    assert case.state == "announced"


def test_the_sample_is_reproducible_from_its_seed_and_its_results_give_the_rates(users, tree):
    for _ in range(6):
        f.household(tree.village_a, status=c.Status.EXITED, exit_year=2019)
    one = samples.sample_draw(
        user=users.province, county=tree.county, exited_count=3, non_registered=[("李四", 2)], seed=42
    )
    two = samples.sample_draw(user=users.province, county=tree.county, exited_count=3, non_registered=[], seed=42)
    picked = lambda sample: list(  # noqa: E731
        sample.entries.filter(kind=SampleKind.EXITED).order_by("household_id").values_list("household_id", flat=True)
    )
    assert picked(one) == picked(two) and len(picked(one)) == 3
    assert one.seed == 42
    with pytest.raises(PermissionDenied):
        samples.sample_draw(user=users.county, county=tree.county, exited_count=1, non_registered=[])
    exited = list(one.entries.filter(kind=SampleKind.EXITED))
    samples.sample_result_record(user=users.province, entry=exited[0], wrong=True, approves=True)
    samples.sample_result_record(user=users.province, entry=exited[1], wrong=False, approves=False)
    nonreg = one.entries.get(kind=SampleKind.NON_REGISTERED)
    samples.sample_result_record(user=users.province, entry=nonreg, wrong=True, approves=True)
    assert SampledHousehold.objects.get(pk=nonreg.pk).omitted is True
    from eligibility.rules.indicators import latest_sample_rates

    two.delete()  # the latest sample of the county is the one verified
    rates = latest_sample_rates(TODAY, [tree.county.pk])[tree.county.pk]
    assert rates.wrong_exit_rate == 50 and rates.omission_rate == 100
    assert rates.approval.quantize(1) == 67


def test_a_step_in_the_future_is_refused_and_no_case_is_left_half_done(users, eligible):
    case = s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    bad = {**appraisal(), "date": timezone.localdate() + dt.timedelta(days=2)}
    with pytest.raises(ValidationError):
        s.case_open(user=users.clerk_a, case_type="identification", household=eligible, appraisal=bad)
    assert Case.objects.count() == 1 and case.steps.count() == 1
