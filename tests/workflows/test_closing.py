"""Closing a household (销户, §3.1, issue 14): the chain clerk → township → county, each refusal, and a
closed household counted nowhere (docs/lifecycle-closing.md)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import access
from eligibility.models import HouseholdCheck
from eligibility.rules.indicators import village_sums_on
from households import choices as c
from households import closing
from households.models import Household, StatusEvent
from households.services import household_save, member_change_record
from monitoring.models import MonitoringAlert, QualityFinding
from monitoring.rules.triggers import fired_triggers
from monitoring.services import monitoring_run_county, quality_run_county
from tests import factories as f
from workflows import definitions as d
from workflows import services as s
from workflows.models import Case, ClosingReason

from .conftest import TODAY, nightly

pytestmark = pytest.mark.django_db
DAY = TODAY - dt.timedelta(days=3)


def lone_household(village, users, **fields):
    """A household of one member, the head."""
    return f.household(village, by=users.admin, **fields)


def last_member_dies(users, h, kind="death"):
    member_change_record(user=users.clerk_a, member=h.members.get(departure=""), kind=kind, date=DAY, closing=True)
    h.refresh_from_db()
    return h


def open_closing(users, h, reason=ClosingReason.DECEASED, justification="户内人员全部死亡，村委会核实", user=None):
    return s.case_open(
        user=user or users.clerk_a,
        case_type=d.CaseType.CLOSING,
        household=h,
        closing_reason=reason,
        justification=justification,
    )


def codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code for errs in exc.error_dict.values() for e in errs}
    return {e.code for e in exc.error_list}


def test_the_chain_closes_the_household_with_the_reason_on_its_status_event(users, tree):
    h = last_member_dies(users, lone_household(tree.village_a, users))
    case = open_closing(users, h)
    assert (case.state, case.closing_reason, case.household_id) == (d.State.APPLIED, "deceased", h.pk)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    case = s.case_transition(user=users.county, case=case, transition="county_approve", reason="同意销户")
    assert case.state == d.State.CLOSED and case.closed_at is not None and not case.is_open
    h.refresh_from_db()
    assert h.status == c.Status.CLOSED
    event = StatusEvent.objects.filter(household=h).order_by("-id").first()
    assert (event.from_status, event.to_status, event.year) == (c.Status.POOR, c.Status.CLOSED, TODAY.year)
    assert str(ClosingReason.DECEASED.label) in event.reason and "户内人员全部死亡" in event.reason
    assert [st.transition for st in case.steps.order_by("id")] == ["open", "township_approve", "county_approve"]
    assert Household.objects.filter(pk=h.pk).exists()  # kept, never deleted


def test_moved_out_needs_every_last_member_to_have_moved_away(users, tree):
    h = lone_household(tree.village_a, users, members=[f.member(), f.member(c.Relationship.SON)])
    son, head = h.members.get(relationship="son"), h.members.get(relationship="head")
    member_change_record(user=users.clerk_a, member=son, kind="moved_away", date=DAY)
    member_change_record(user=users.clerk_a, member=head, kind="moved_away", date=DAY, closing=True)
    with pytest.raises(ValidationError) as err:
        open_closing(users, h, reason=ClosingReason.DECEASED)
    assert codes(err.value) == {"closing_grounds"}
    case = open_closing(users, h, reason=ClosingReason.MOVED_OUT, justification="全家迁往外省")
    assert case.closing_reason == "moved_out"


def test_a_member_who_married_out_earlier_does_not_stand_in_the_way(users, tree):
    h = lone_household(tree.village_a, users, members=[f.member(), f.member(c.Relationship.DAUGHTER, male=False)])
    daughter = h.members.get(relationship="daughter")
    member_change_record(user=users.clerk_a, member=daughter, kind="marriage_out", date=DAY - dt.timedelta(days=30))
    last_member_dies(users, h)
    assert open_closing(users, h).state == d.State.APPLIED


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"closing_reason": ""}, "closing_reason", "required"),
        ({"closing_reason": "nonsense"}, "closing_reason", "required"),
        ({"justification": "  "}, "justification", "justification_required"),
    ],
)
def test_the_reason_and_the_justification_are_required(users, tree, change, field, code):
    h = last_member_dies(users, lone_household(tree.village_a, users))
    args = {"reason": ClosingReason.DECEASED, "justification": "核实", **change}
    args["reason"] = args.pop("closing_reason", args["reason"])
    with pytest.raises(ValidationError) as err:
        open_closing(users, h, reason=args["reason"], justification=args["justification"])
    assert field in err.value.error_dict and codes(err.value) == {code}
    assert not Case.objects.exists()


def test_deceased_is_refused_while_a_member_is_current(users, tree):
    h = lone_household(tree.village_a, users)
    with pytest.raises(ValidationError) as err:
        open_closing(users, h)
    assert codes(err.value) == {"closing_grounds"} and h.members.get().name in err.value.messages[0]
    with pytest.raises(ValidationError):
        open_closing(users, h, reason=ClosingReason.MOVED_OUT)
    assert not Case.objects.exists()


def test_wrongly_identified_needs_only_the_justification_and_closing_ends_the_memberships(users, tree):
    h = lone_household(tree.village_a, users, members=[f.member(), f.member(c.Relationship.SPOUSE, male=False)])
    case = open_closing(users, h, reason=ClosingReason.WRONGLY_IDENTIFIED, justification="家庭收入远超标准，识别不准")
    s.case_transition(user=users.township, case=case, transition="township_approve")
    s.case_transition(user=users.county, case=case, transition="county_approve")
    h.refresh_from_db()
    assert h.status == c.Status.CLOSED
    assert set(h.members.values_list("departure", flat=True)) == {c.Departure.OTHER}


def test_an_already_closed_household_and_one_with_another_running_case_are_refused(users, tree):
    closed = lone_household(tree.village_a, users, status=c.Status.CLOSED)
    with pytest.raises(ValidationError) as err:
        open_closing(users, closed, reason=ClosingReason.WRONGLY_IDENTIFIED)
    assert codes(err.value) == {"status"}
    exited = lone_household(tree.village_a, users, status=c.Status.EXITED, exit_year=2019)
    s.case_open(user=users.clerk_a, case_type=d.CaseType.RETURN, household=exited)
    with pytest.raises(ValidationError) as err:
        open_closing(users, exited, reason=ClosingReason.WRONGLY_IDENTIFIED)
    assert codes(err.value) == {"other_case"}
    assert not Case.objects.filter(case_type=d.CaseType.CLOSING).exists()


@pytest.mark.parametrize("who", ["township", "county", "clerk_b", "province", "helper"])
def test_only_the_clerk_of_the_village_opens_it(users, tree, who):
    h = last_member_dies(users, lone_household(tree.village_a, users))
    with pytest.raises(PermissionDenied):
        open_closing(users, h, user=getattr(users, who))
    assert not Case.objects.exists()


def test_each_step_is_taken_by_its_role_in_its_state_and_scope(users, tree):
    h = last_member_dies(users, lone_household(tree.village_a, users))
    case = open_closing(users, h)
    for user, transition in ((users.clerk_a, "township_approve"), (users.county, "township_approve")):
        with pytest.raises(PermissionDenied):
            s.case_transition(user=user, case=case, transition=transition)
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.county, case=case, transition="county_approve")
    assert codes(err.value) == {"wrong_state"}
    s.case_transition(user=users.township, case=case, transition="township_approve")
    with pytest.raises(PermissionDenied):  # the county official of another county
        s.case_transition(user=users.county2, case=case, transition="county_approve")
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.county, case=case, transition="announce")
    assert codes(err.value) == {"unknown_transition"}
    h.refresh_from_db()
    assert h.status == c.Status.POOR


def test_send_back_resubmit_and_withdraw(users, tree):
    h = last_member_dies(users, lone_household(tree.village_a, users))
    case = open_closing(users, h)
    with pytest.raises(ValidationError):  # a send-back says why
        s.case_transition(user=users.township, case=case, transition="send_back_township")
    case = s.case_transition(user=users.township, case=case, transition="send_back_township", reason="缺死亡证明")
    assert case.state == d.State.SENT_BACK and case.send_back_reason == "缺死亡证明"
    case = s.case_transition(user=users.clerk_a, case=case, transition="resubmit")
    assert case.state == d.State.APPLIED and case.send_back_reason == ""
    s.case_transition(user=users.township, case=case, transition="township_approve")
    case = s.case_transition(user=users.county, case=case, transition="send_back_county", reason="再核实")
    case = s.case_transition(user=users.clerk_a, case=case, transition="withdraw")
    assert case.state == d.State.WITHDRAWN and not case.is_open
    h.refresh_from_db()
    assert h.status == c.Status.POOR
    assert open_closing(users, h).state == d.State.APPLIED  # a withdrawn case leaves room for a new one


def test_county_approval_checks_the_grounds_again(users, tree):
    h = last_member_dies(users, lone_household(tree.village_a, users))
    case = open_closing(users, h)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    # Meanwhile a member joins the household: the reason no longer holds.
    household_save(user=users.clerk_a, household=h, members=[f.member()])
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.county, case=case, transition="county_approve")
    assert codes(err.value) == {"closing_grounds"}
    case.refresh_from_db()
    h.refresh_from_db()
    assert case.state == d.State.TOWNSHIP_APPROVED and h.status == c.Status.POOR


def test_county_approval_is_refused_while_another_case_runs(users, tree):
    h = lone_household(tree.village_a, users, status=c.Status.EXITED, exit_year=2019)
    case = open_closing(users, h, reason=ClosingReason.WRONGLY_IDENTIFIED)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    s.case_open(user=users.clerk_a, case_type=d.CaseType.RETURN, household=h)
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.county, case=case, transition="county_approve")
    assert codes(err.value) == {"other_case"}
    h.refresh_from_db()
    assert h.status == c.Status.EXITED


def test_the_closing_rules_name_the_same_reasons_and_openers_as_the_workflow():
    assert set(closing.DEPARTURE_FOR) | {closing.WRONGLY_IDENTIFIED} == set(ClosingReason.values)
    assert set(closing.REASON_FOR_EVENT.values()) <= set(ClosingReason.values)
    assert d.WORKFLOWS[d.CaseType.CLOSING].opener_roles == access.CLOSING_PROPOSERS
    assert d.CLOSING.target_status == c.Status.CLOSED


def test_a_closed_household_is_counted_nowhere(users, tree):
    """Remaining poor and registered people (the nightly snapshot), data quality and monitoring."""
    h = lone_household(tree.village_a, users, members=[f.member(), f.member(c.Relationship.SON)])
    low = lone_household(tree.village_a, users, status=c.Status.EXITED, exit_year=2019)
    f.income(low, TODAY.year, wages=100)  # far below the monitoring range: an exited household is monitored
    nightly(tree.county.pk)
    quality_run_county(as_of=TODAY, county_id=tree.county.pk)
    assert HouseholdCheck.objects.on(TODAY).filter(household=h).exists()
    assert village_sums_on(TODAY, tree.county)[tree.village_a.pk]["remaining"] == 2
    assert QualityFinding.objects.filter(household=h).exists()  # no helper (DQ11) at least
    assert low.pk in fired_triggers(as_of=TODAY, county_id=tree.county.pk)

    for household in (h, low):
        case = open_closing(users, household, reason=ClosingReason.WRONGLY_IDENTIFIED, justification="识别不准")
        s.case_transition(user=users.township, case=case, transition="township_approve")
        s.case_transition(user=users.county, case=case, transition="county_approve")
    nightly(tree.county.pk)
    quality_run_county(as_of=TODAY, county_id=tree.county.pk)
    monitoring_run_county(as_of=TODAY, county_id=tree.county.pk)
    assert not HouseholdCheck.objects.on(TODAY).filter(household__in=[h, low]).exists()
    assert village_sums_on(TODAY, tree.county).get(tree.village_a.pk, {}).get("remaining", 0) == 0
    assert village_sums_on(TODAY, tree.county).get(tree.village_a.pk, {}).get("registered", 0) == 0
    assert not QualityFinding.objects.filter(household__in=[h, low]).exists()
    assert low.pk not in fired_triggers(as_of=TODAY, county_id=tree.county.pk)
    assert not MonitoringAlert.objects.filter(household__in=[h, low]).exists()


def test_the_case_page_shows_the_reason_and_the_open_form_offers_it(client, users, tree):
    from tests.conftest import login

    h = last_member_dies(users, lone_household(tree.village_a, users))
    login(client, users.clerk_a)
    page = client.get(f"/workflows/cases/new/?case_type=closing&household={h.number}&closing_reason=deceased")
    html = page.content.decode()
    assert 'data-field="closing_reason"' in html and 'value="deceased" selected' in html
    response = client.post(
        "/workflows/cases/new/",
        {"case_type": "closing", "household": h.number, "closing_reason": "", "justification": "核实"},
    )
    assert response.status_code == 200 and "closing_reason" in response.context["form"].errors
    assert not Case.objects.exists()
    response = client.post(
        "/workflows/cases/new/",
        {"case_type": "closing", "household": h.number, "closing_reason": "deceased", "justification": "核实"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.closing_reason == "deceased"
    html = client.get(f"/workflows/cases/{case.pk}/").content.decode()
    assert 'data-testid="closing-reason"' in html and 'data-testid="do-send_back_township"' not in html


def test_closing_ends_the_running_pairings_and_closes_the_running_alert(users, tree):
    from households.models import Helper, Pairing
    from monitoring.models import AlertState

    h = last_member_dies(users, lone_household(tree.village_a, users))
    helper = Helper.objects.create(
        name="王帮扶", sex=c.Sex.MALE, unit="县农业局", unit_level="county", county=tree.county
    )
    running = Pairing.objects.create(helper=helper, household=h, start=DAY - dt.timedelta(days=300))
    ended = Pairing.objects.create(
        helper=helper, household=h, start=DAY - dt.timedelta(days=900), end=DAY - dt.timedelta(days=400)
    )
    alert = MonitoringAlert.objects.create(
        household=h,
        county=tree.county,
        village=h.village,
        category="sudden_hardship",
        state=AlertState.OPEN,
        year=TODAY.year,
        opened_on=DAY,
        last_triggered_on=DAY,
    )
    case = open_closing(users, h)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    s.case_transition(user=users.county, case=case, transition="county_approve", reason="同意销户")
    running.refresh_from_db()
    ended.refresh_from_db()
    alert.refresh_from_db()
    assert running.end == TODAY and ended.end == DAY - dt.timedelta(days=400)
    assert (
        alert.state == AlertState.DISMISSED
        and alert.closed_by == users.county
        and "户内人员全部死亡" in alert.close_reason
    )
