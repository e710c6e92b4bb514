"""The identification chain of §6.2 (issue 14): who it opens for, each step to the announcement that makes
an applicant poor in the case's policy year, and the refusal by the township or the county with a reason
that stays on the case and on the household (docs/lifecycle-applicants.md)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from households import choices as c
from households.models import StatusEvent
from tests import factories as f
from villages.models import WorkingYear
from workflows import definitions as d
from workflows import services as s
from workflows.models import Case

from .conftest import TODAY, age_notice, appraisal

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(tree, users):
    return f.household(tree.village_a, by=users.clerk_a, status=c.Status.APPLICANT, identification_year=TODAY.year)


def _open(users, household):
    return s.case_open(user=users.clerk_a, case_type="identification", household=household)


def _to(users, case, state: str) -> Case:
    """Walk an identification case forward to `state`, each step by the role that takes it."""
    steps = [
        ("appraised", users.clerk_a, "appraise", {"appraisal": appraisal()}),
        ("notice", users.clerk_a, "start_notice", {"notice_start": TODAY}),
        ("noticed", users.clerk_a, "close_notice", {}),
        ("township_approved", users.township, "township_approve", {}),
        ("approved", users.county, "county_approve", {}),
        ("announced", users.county, "announce", {}),
    ]
    order = ["applied", *(target for target, *_rest in steps)]
    for target, user, name, extra in steps[order.index(case.state) :]:
        if case.state == state:
            break
        if name == "close_notice":
            age_notice(case, 7)
        case = s.case_transition(user=user, case=case, transition=name, **extra)
        assert case.state == target
    return case


def test_each_step_of_the_chain_leads_an_applicant_to_poor_in_the_cases_year(users, applicant):
    WorkingYear.objects.get_or_create(year=TODAY.year - 1)
    h = applicant
    h.identification_year = TODAY.year - 1  # the year the application was registered in
    h.save(update_fields=["identification_year"])
    case = _open(users, h)
    assert case.state == "applied"
    for state in ("appraised", "notice", "noticed", "township_approved", "approved"):
        case = _to(users, case, state)
        h.refresh_from_db()
        assert h.status == c.Status.APPLICANT, state  # counted nowhere as poor until the announcement
    case = _to(users, case, "announced")
    h.refresh_from_db()
    assert h.status == c.Status.POOR and h.identification_year == case.year == TODAY.year
    event = h.status_events.order_by("-id").first()
    assert (event.from_status, event.to_status, event.year) == ("applicant", "poor", case.year)
    assert case.closed_at is not None and case.refusal_reason == ""


def test_the_chain_opens_for_applicants_and_not_poor_households_only(users, tree, applicant):
    again = f.household(tree.village_a, by=users.clerk_a, status=c.Status.NOT_POOR)
    assert _open(users, applicant).state == "applied"
    assert _open(users, again).state == "applied"  # a refused or marginal household may apply (again)
    for status in (c.Status.POOR, c.Status.RETURNED, c.Status.EXITED, c.Status.EXITED_NO_POLICY, c.Status.CLOSED):
        h = f.household(tree.village_a, status=status)
        with pytest.raises(ValidationError) as err:
            _open(users, h)
        assert err.value.code == "status", status
    # An exited household returns to poverty through its own chain, as before.
    exited = f.household(tree.village_a, status=c.Status.EXITED, exit_year=2019)
    assert s.case_open(user=users.clerk_a, case_type="return", household=exited).state == "applied"


@pytest.mark.parametrize("state", ["applied", "appraised", "notice", "noticed"])
def test_the_township_refuses_before_its_approval_with_a_reason(users, applicant, state):
    case = _to(users, _open(users, applicant), state)
    with pytest.raises(ValidationError) as err:  # the county refuses after the township's approval only
        s.case_transition(user=users.county, case=case, transition="refuse_county", reason="不符合")
    assert err.value.error_dict["transition"][0].code == "wrong_state"
    with pytest.raises(PermissionDenied):  # nor does the township take the county's refusal
        s.case_transition(user=users.township, case=case, transition="refuse_county", reason="不符合")
    with pytest.raises(PermissionDenied):
        s.case_transition(user=users.clerk_a, case=case, transition="refuse_township", reason="不符合")
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.township, case=case, transition="refuse_township", reason="  ")
    assert err.value.error_dict["reason"][0].code == "required"
    case.refresh_from_db()
    assert case.state == state
    case = s.case_transition(user=users.township, case=case, transition="refuse_township", reason="人均收入高于标准")
    assert case.state == d.State.REFUSED and case.closed_at is not None
    assert Case.objects.get(pk=case.pk).refusal_reason == "人均收入高于标准"
    applicant.refresh_from_db()
    assert applicant.status == c.Status.NOT_POOR
    event = StatusEvent.objects.filter(household=applicant).order_by("-id").first()
    assert (event.from_status, event.to_status, event.reason) == ("applicant", "not_poor", "人均收入高于标准")


@pytest.mark.parametrize("state", ["township_approved", "approved"])
def test_the_county_refuses_after_the_townships_approval(users, applicant, state):
    case = _to(users, _open(users, applicant), state)
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.township, case=case, transition="refuse_township", reason="不符合")
    assert err.value.error_dict["transition"][0].code == "wrong_state"
    with pytest.raises(ValidationError):
        s.case_transition(user=users.county, case=case, transition="refuse_county")
    case = s.case_transition(user=users.county, case=case, transition="refuse_county", reason="家庭有财政供养人员")
    assert case.state == "refused" and case.refusal_reason == "家庭有财政供养人员"
    applicant.refresh_from_db()
    assert applicant.status == c.Status.NOT_POOR


def test_a_refused_case_is_final_and_the_household_may_apply_again(users, applicant):
    case = _open(users, applicant)
    case = s.case_transition(user=users.township, case=case, transition="refuse_township", reason="x")
    assert d.IDENTIFICATION.available(case.state) == []
    with pytest.raises(ValidationError):
        s.case_transition(user=users.clerk_a, case=case, transition="appraise", appraisal=appraisal())
    applicant.refresh_from_db()
    second = _to(users, _open(users, applicant), "announced")
    applicant.refresh_from_db()
    assert second.state == "announced" and applicant.status == c.Status.POOR


def test_the_return_chain_has_no_refusal_and_the_inbox_does_not_wait_on_a_refusal(users):
    assert d.RETURN.transition("refuse_township") is None and d.State.REFUSED not in d.RETURN.final
    assert d.State.REFUSED in d.IDENTIFICATION.final
    pairs = d.waiting_pairs(users.township.role, "township")
    assert ("identification", "noticed") in pairs and ("identification", "applied") not in pairs


def test_a_refusal_after_the_status_changed_meanwhile_is_refused(users, applicant):
    case = _open(users, applicant)
    type(applicant).objects.filter(pk=applicant.pk).update(status=c.Status.POOR)
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.township, case=case, transition="refuse_township", reason="不符合")
    assert err.value.error_dict["transition"][0].code == "status_changed"
    assert Case.objects.get(pk=case.pk).state == "applied"


def test_the_case_page_and_the_household_page_show_the_refusal_reason(client, users, applicant):
    case = s.case_transition(
        user=users.township, case=_open(users, applicant), transition="refuse_township", reason="住房条件较好"
    )
    client.force_login(users.clerk_a)
    page = client.get(f"/workflows/cases/{case.pk}/")
    assert page.status_code == 200
    assert "住房条件较好" in page.content.decode()
    detail = client.get(f"/households/{applicant.number}/").content.decode()
    assert 'data-testid="refusal-reason"' in detail and "住房条件较好" in detail
    assert 'data-testid="apply-identification"' in detail  # it may apply again


def test_the_township_sees_the_refusal_on_the_case_page(client, users, applicant):
    case = _to(users, _open(users, applicant), "noticed")
    client.force_login(users.township)
    html = client.get(f"/workflows/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-refuse_township"' in html and 'data-testid="action-township_approve"' in html
    client.post(f"/workflows/cases/{case.pk}/step/", {"transition": "refuse_township", "reason": ""})
    assert Case.objects.get(pk=case.pk).state == "noticed"  # a blank reason changes nothing
    client.post(f"/workflows/cases/{case.pk}/step/", {"transition": "refuse_township", "reason": "不符合条件"})
    assert Case.objects.get(pk=case.pk).state == "refused"
