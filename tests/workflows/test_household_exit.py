"""The household exit chain (§6.1): every step, refusals by role, scope and state, notice and objections."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from households import choices as c
from tests import factories as f
from workflows import services as s
from workflows.models import Case, Step

from .conftest import TODAY, age_notice, appraisal, signed_form, walk_exit_to_township

pytestmark = pytest.mark.django_db


def test_an_eligible_household_walks_the_whole_exit_chain_and_is_marked_exited(users, eligible):
    case = walk_exit_to_township(users, eligible)
    assert case.state == "noticed"
    s.case_transition(user=users.township, case=case, transition="township_approve", reason="ok")
    s.case_transition(user=users.county, case=case, transition="county_approve")
    case.refresh_from_db()
    assert case.state == "approved" and case.dossier.sha256
    s.case_transition(user=users.county, case=case, transition="announce")
    case.refresh_from_db()
    eligible.refresh_from_db()
    assert case.state == "announced" and case.closed_at is not None
    assert eligible.status == c.Status.EXITED and eligible.exit_year == TODAY.year
    assert list(case.steps.values_list("transition", flat=True)) == [
        "open",
        "verify",
        "confirm",
        "start_notice",
        "close_notice",
        "township_approve",
        "county_approve",
        "announce",
    ]
    assert case.steps.get(transition="open").detail["attendance"] == 30
    signed = case.attachments.get(kind="signed_form")
    assert case.steps.get(transition="confirm").detail["attachments"] == [signed.pk]
    assert case.steps.get(transition="township_approve").detail["attachments"] == []


def test_an_ineligible_household_needs_a_written_justification(users, tree):
    h = f.household(tree.village_a)  # no income, no assessment: fails the test
    with pytest.raises(ValidationError) as err:
        s.case_open(user=users.clerk_a, case_type="household_exit", household=h, appraisal=appraisal())
    assert err.value.error_dict["justification"][0].code == "justification_required"
    assert not Case.objects.exists()
    case = s.case_open(
        user=users.clerk_a, case_type="household_exit", household=h, appraisal=appraisal(), justification="因病好转"
    )
    assert case.eligible_at_proposal is False and case.justification == "因病好转"


def test_the_appraisal_needs_date_attendance_and_result(users, eligible):
    with pytest.raises(ValidationError) as err:
        s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal={"date": TODAY})
    assert set(err.value.error_dict) == {"appraisal_attendance", "appraisal_result"}


@pytest.mark.parametrize("who", ["township", "county", "helper", "province", "auditor"])
def test_only_the_village_clerk_proposes(users, eligible, who):
    with pytest.raises(PermissionDenied):
        s.case_open(user=getattr(users, who), case_type="household_exit", household=eligible, appraisal=appraisal())


def test_a_clerk_of_another_village_cannot_propose_or_step(users, eligible):
    with pytest.raises(PermissionDenied):
        s.case_open(user=users.clerk_b, case_type="household_exit", household=eligible, appraisal=appraisal())
    case = s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    with pytest.raises(PermissionDenied):
        s.case_transition(user=users.clerk_b, case=case, transition="verify")
    assert Case.objects.get().state == "appraised"


def test_each_step_is_refused_to_the_wrong_role_and_in_the_wrong_state(users, eligible):
    case = s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    with pytest.raises(PermissionDenied):
        s.case_transition(user=users.township, case=case, transition="verify")
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.clerk_a, case=case, transition="close_notice")
    assert err.value.error_dict["transition"][0].code == "wrong_state"
    with pytest.raises(PermissionDenied):
        s.case_transition(user=users.clerk_a, case=case, transition="county_approve")
    with pytest.raises(ValidationError):
        s.case_transition(user=users.county, case=case, transition="county_approve")
    assert Step.objects.filter(case=case).count() == 1


def test_a_county_official_of_another_county_is_refused(users, eligible):
    case = walk_exit_to_township(users, eligible)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    with pytest.raises(PermissionDenied):
        s.case_transition(user=users.county2, case=case, transition="county_approve")


def test_confirmation_needs_the_signed_form(users, eligible):
    case = s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    s.case_transition(user=users.clerk_a, case=case, transition="verify")
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.clerk_a, case=case, transition="confirm")
    assert err.value.error_dict["attachment"][0].code == "signed_form"


def test_the_notice_cannot_close_early_or_with_an_open_objection(users, eligible):
    case = s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    s.case_transition(user=users.clerk_a, case=case, transition="verify")
    s.attachment_add(user=users.clerk_a, case=case, kind="signed_form", upload=signed_form())
    s.case_transition(user=users.clerk_a, case=case, transition="confirm")
    s.case_transition(user=users.clerk_a, case=case, transition="start_notice", notice_start=TODAY)
    age_notice(case, 6)
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.clerk_a, case=case, transition="close_notice")
    assert err.value.error_dict["transition"][0].code == "notice_early"
    age_notice(case, 7)
    objection = s.objection_record(
        user=users.clerk_a, case=case, raised_on=TODAY, raised_by="村民甲", content="收入不实"
    )
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.clerk_a, case=case, transition="close_notice")
    assert err.value.error_dict["transition"][0].code == "open_objection"
    s.objection_resolve(user=users.clerk_a, objection=objection, resolution="核实无误")
    case = s.case_transition(user=users.clerk_a, case=case, transition="close_notice")
    assert case.state == "noticed" and case.notice_end == TODAY


def test_a_notice_date_in_the_future_is_refused(users, eligible):
    import datetime as dt

    case = s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    s.case_transition(user=users.clerk_a, case=case, transition="verify")
    s.attachment_add(user=users.clerk_a, case=case, kind="signed_form", upload=signed_form())
    s.case_transition(user=users.clerk_a, case=case, transition="confirm")
    with pytest.raises(ValidationError) as err:
        s.case_transition(
            user=users.clerk_a, case=case, transition="start_notice", notice_start=TODAY + dt.timedelta(days=1)
        )
    assert "notice_start" in err.value.error_dict


def test_a_reviewer_sends_back_with_a_reason_and_the_clerk_resubmits(users, eligible):
    case = walk_exit_to_township(users, eligible)
    with pytest.raises(ValidationError):
        s.case_transition(user=users.township, case=case, transition="send_back_township")
    case = s.case_transition(user=users.township, case=case, transition="send_back_township", reason="照片不清")
    assert case.state == "sent_back" and case.send_back_reason == "照片不清"
    case = s.case_transition(user=users.clerk_a, case=case, transition="resubmit")
    assert case.state == "appraised" and case.send_back_reason == ""


def test_a_second_exit_case_for_the_same_household_is_refused(users, eligible):
    s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    with pytest.raises(ValidationError):
        s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())


def test_attachments_are_checked_by_content_and_size(users, eligible):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = s.case_open(user=users.clerk_a, case_type="household_exit", household=eligible, appraisal=appraisal())
    fake = SimpleUploadedFile("x.png", b"MZ not an image", content_type="image/png")
    with pytest.raises(ValidationError) as err:
        s.attachment_add(user=users.clerk_a, case=case, kind="house_photo", upload=fake)
    assert err.value.error_dict["file"][0].code == "content_type"
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError) as err:
        s.attachment_add(user=users.clerk_a, case=case, kind="other", upload=big)
    assert err.value.error_dict["file"][0].code == "too_large"
    a = s.attachment_add(user=users.clerk_a, case=case, kind="house_photo", upload=signed_form("house.png"))
    assert a.content_type == "image/png" and len(a.sha256) == 64 and a.file.storage.exists(a.file.name)


def test_the_announcement_is_refused_when_the_status_changed_meanwhile(users, eligible):
    from households.models import Household

    case = walk_exit_to_township(users, eligible)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    s.case_transition(user=users.county, case=case, transition="county_approve")
    Household.objects.filter(pk=eligible.pk).update(status=c.Status.CLOSED)
    with pytest.raises(ValidationError) as err:
        s.case_transition(user=users.county, case=case, transition="announce")
    assert err.value.error_dict["transition"][0].code == "status_changed"
    assert Case.objects.get().state == "approved"
