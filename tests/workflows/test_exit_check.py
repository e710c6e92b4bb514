"""Exits on a passing check only (§6.1, issue 13): county approval and announcement are refused while the
household fails the exit test of the case's policy year (the working year at opening), in the service, on
the page and through the API; the case page shows the check at every step; the sealed dossier says the
year and date it was decided for."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from households import choices as c
from households.models import Household, Income, StatusEvent
from tests import factories as f
from villages.models import WorkingYear
from workflows import services as s
from workflows.models import Case, Dossier, Step

from .conftest import TODAY, age_notice, appraisal, eligible_household, signed_form, walk_exit_to_township

pytestmark = pytest.mark.django_db


def at_county(users, household):
    """A household exit case approved by the township, waiting for the county official."""
    case = walk_exit_to_township(users, household)
    return s.case_transition(user=users.township, case=case, transition="township_approve")


def fail_income(household, year=TODAY.year):
    """The household loses the year's income record: the income criterion is "missing" (§5.2)."""
    Income.objects.filter(household=household, year=year).delete()


def test_a_failing_check_refuses_county_approval_in_chinese_naming_the_criteria(users, eligible):
    case = at_county(users, eligible)
    fail_income(eligible)
    steps = Step.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        s.case_transition(user=users.county, case=case, transition="county_approve")
    error = refused.value.error_dict["transition"][0]
    assert error.code == "check_failed"
    message = str(error.message)
    assert "收入稳定超过国家扶贫标准" in message and "数据缺失" in message and str(TODAY.year) in message
    assert "住房" not in message  # only the failing criteria are named
    case.refresh_from_db()
    assert case.state == "township_approved" and not Dossier.objects.exists() and Step.objects.count() == steps


def test_a_passing_check_approves_and_the_step_records_it(users, eligible):
    case = at_county(users, eligible)
    case = s.case_transition(user=users.county, case=case, transition="county_approve")
    assert case.state == "approved"
    check = case.steps.get(transition="county_approve").detail["check"]
    assert check == {
        "policy_year": TODAY.year,
        "as_of": TODAY.isoformat(),
        "eligible": True,
        "failing": [],
        "same_year_blocked": False,
    }
    assert case.dossier.content["eligibility"]["approval"]["eligible"] is True


def test_the_announcement_is_refused_when_the_check_fails_after_approval(users, eligible):
    case = s.case_transition(user=users.county, case=at_county(users, eligible), transition="county_approve")
    Household.objects.filter(pk=eligible.pk).update(has_safe_water=False)
    with pytest.raises(ValidationError) as refused:
        s.case_transition(user=users.county, case=case, transition="announce")
    assert refused.value.error_dict["transition"][0].code == "check_failed"
    eligible.refresh_from_db()
    assert Case.objects.get().state == "approved" and eligible.status == c.Status.POOR and eligible.exit_year is None


def test_the_api_refuses_approval_on_a_failing_check_with_the_same_message(client, users, eligible):
    case = at_county(users, eligible)
    fail_income(eligible)
    client.force_login(users.county)
    answer = client.post(
        reverse("api-case-transition", args=[case.pk]),
        {"transition": "county_approve"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert answer.status_code == 400
    assert "收入稳定超过国家扶贫标准" in str(answer.json()["transition"])
    assert Case.objects.get().state == "township_approved" and not Dossier.objects.exists()
    detail = client.get(reverse("api-case", args=[case.pk])).json()
    assert detail["exit_check"]["eligible"] is False and detail["exit_check"]["policy_year"] == TODAY.year
    assert detail["exit_check"]["criteria"]["income"]["reason"] == "missing"


def test_the_page_refuses_approval_on_a_failing_check_and_shows_why(client, users, eligible):
    case = at_county(users, eligible)
    fail_income(eligible)
    client.force_login(users.county)
    answer = client.post(reverse("workflows:case_step", args=[case.pk]), {"transition": "county_approve"}, follow=True)
    body = answer.content.decode()
    assert 'data-testid="case-check" data-eligible="false"' in body
    assert 'data-criterion="income" data-passed="missing"' in body
    assert any("收入稳定超过国家扶贫标准" in str(m) for m in answer.context["messages"])
    assert Case.objects.get().state == "township_approved"


def test_the_case_page_shows_the_check_at_every_step(client, users, eligible):
    case = s.case_open(
        user=users.clerk_a,
        case_type="household_exit",
        household=eligible,
        appraisal=appraisal(),
    )
    client.force_login(users.clerk_a)
    body = client.get(reverse("workflows:case_detail", args=[case.pk])).content.decode()
    assert f'data-testid="case-check" data-eligible="true" data-year="{TODAY.year}"' in body
    assert body.count('data-testid="step-check"') == 1  # the opening step recorded its check
    s.case_transition(user=users.clerk_a, case=case, transition="verify")
    body = client.get(reverse("workflows:case_detail", args=[case.pk])).content.decode()
    assert body.count('data-testid="step-check" data-eligible="true"') == 2
    for code in ("income", "food", "clothing", "education", "medical", "housing", "water"):
        assert f'data-criterion="{code}" data-passed="passed"' in body


def test_the_sealed_dossier_shows_the_year_and_date_it_was_decided_for(client, users, eligible):
    case = s.case_transition(user=users.county, case=at_county(users, eligible), transition="county_approve")
    decision = case.dossier.content["case"]["decision"]
    assert decision == {"policy_year": TODAY.year, "as_of": TODAY.isoformat()}
    client.force_login(users.county)
    for name in ("workflows:dossier", "workflows:dossier_print"):
        body = client.get(reverse(name, args=[case.pk])).content.decode()
        assert f'data-testid="d-decision" data-year="{TODAY.year}" data-as-of="{TODAY.isoformat()}"' in body


def test_the_case_year_is_the_working_year_and_decides_the_check_exit_year_and_dossier(users, tree):
    """Working year still last year: its income and its 31 December decide, and the exit counts for it."""
    WorkingYear.objects.all().delete()
    WorkingYear.objects.create(year=TODAY.year - 1)
    last = TODAY.year - 1
    h = f.household(tree.village_a, housing_grade="A", has_safe_water=True)
    f.income(h, last, wages="20000")
    f.assessment(h, on=dt.date(last, 11, 1))
    case = s.case_open(
        user=users.clerk_a,
        case_type="household_exit",
        household=h,
        appraisal=appraisal(),
        justification="上年度收入已达标",  # the latest nightly run never checked it
    )
    assert case.year == last
    case = at_county_from_open(users, case)
    case = s.case_transition(user=users.county, case=case, transition="county_approve")
    assert case.dossier.content["case"]["decision"] == {"policy_year": last, "as_of": f"{last}-12-31"}
    assert case.dossier.content["income"]["year"] == last
    s.case_transition(user=users.county, case=case, transition="announce")
    h.refresh_from_db()
    assert h.status == c.Status.EXITED and h.exit_year == last
    assert StatusEvent.objects.get(household=h, to_status=c.Status.EXITED).year == last


def at_county_from_open(users, case):
    """§6.1 steps 2–5 of an opened case, up to the county's approval."""
    s.case_transition(user=users.clerk_a, case=case, transition="verify")
    s.attachment_add(user=users.clerk_a, case=case, kind="signed_form", upload=signed_form())
    s.case_transition(user=users.clerk_a, case=case, transition="confirm")
    s.case_transition(user=users.clerk_a, case=case, transition="start_notice", notice_start=TODAY)
    age_notice(case, 7)
    s.case_transition(user=users.clerk_a, case=case, transition="close_notice")
    return s.case_transition(user=users.township, case=case, transition="township_approve")


def test_a_same_year_block_is_named_in_the_refusal(users, tree):
    from eligibility.policy import policy_parameter_save

    policy_parameter_save(user=users.province, year=TODAY.year, values={"same_year_exit_forbidden": True})
    h = eligible_household(tree.village_a, identification_year=TODAY.year)
    case = s.case_open(
        user=users.clerk_a,
        case_type="household_exit",
        household=h,
        appraisal=appraisal(),
        justification="各项指标均已达标",
    )
    case = at_county_from_open(users, case)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        s.case_transition(user=users.county, case=case, transition="county_approve")
    assert "identified in the policy year" in str(refused.value.error_dict["transition"][0].message)


def test_a_clerk_of_another_village_gets_404_on_the_case_and_its_check(client, users, eligible):
    case = s.case_open(
        user=users.clerk_a,
        case_type="household_exit",
        household=eligible,
        appraisal=appraisal(),
    )
    client.force_login(users.clerk_b)
    assert client.get(reverse("workflows:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("api-case", args=[case.pk])).status_code == 404
    assert client.get(reverse("workflows:dossier", args=[case.pk])).status_code == 404
