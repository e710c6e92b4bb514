"""In Chromium: a clerk proposes an exit, the township approves, the county official reads both
snapshots in the dossier and approves (§6.1); a dossier sent back reappears in the clerk's inbox."""

import os
import tempfile

import pytest

from tests.conftest import browser_login
from workflows import services as s
from workflows.models import Case

from .conftest import TODAY, age_notice, eligible_household, signed_form

SHOTS = os.environ.get("UI_SCREENSHOTS", tempfile.gettempdir())


def shot(page, name: str) -> None:
    page.screenshot(path=os.path.join(SHOTS, f"ui-{name}.png"), full_page=True)


def as_user(page, username):
    page.context.clear_cookies()
    browser_login(page, username)


def open_case(page, number):
    page.goto(page.base + "/workflows/cases/new/")
    page.select_option("#id_case_type", "household_exit")
    page.fill("#id_household", number)
    page.fill("#id_appraisal_date", TODAY.isoformat())
    page.fill("#id_appraisal_attendance", "28")
    page.fill("#id_appraisal_result", "全票通过")
    page.click("[data-testid=submit-open]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == "appraised"
    return Case.objects.get(household__number=number)


def to_noticed(users, case):
    s.case_transition(user=users.clerk_a, case=case, transition="verify")
    s.attachment_add(user=users.clerk_a, case=case, kind="signed_form", upload=signed_form())
    s.case_transition(user=users.clerk_a, case=case, transition="confirm")
    s.case_transition(user=users.clerk_a, case=case, transition="start_notice", notice_start=TODAY)
    age_notice(case, 7)
    s.case_transition(user=users.clerk_a, case=case, transition="close_notice")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_proposed_exit_is_approved_by_township_and_county_from_the_dossier(page, tree, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = eligible_household(tree.village_a)
    as_user(page, "clerk_a")
    case = open_case(page, h.number)
    to_noticed(users, case)

    as_user(page, "township")
    page.goto(page.base + "/workflows/")
    page.click(f"[data-testid=inbox-row][data-case='{case.pk}']")
    page.click("[data-testid=do-township_approve]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == "township_approved"
    shot(page, "wf-case")

    as_user(page, "county")
    page.goto(page.base + "/workflows/")
    page.click(f"[data-testid=inbox-row][data-case='{case.pk}']")
    page.click("[data-testid=dossier-link]")
    assert page.locator("[data-testid=d-criterion]").count() == 7
    shot(page, "wf-dossier")
    assert page.locator("[data-testid=d-eligible-before]").is_visible()
    assert page.locator("[data-testid=d-eligible-after]").is_visible()
    page.click("[data-testid=do-county_approve]")
    page.wait_for_load_state("networkidle")
    page.goto(page.base + f"/workflows/cases/{case.pk}/dossier/")
    assert page.locator("[data-testid=seal]").get_attribute("data-valid") == "1"
    assert Case.objects.get(pk=case.pk).state == "approved"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_dossier_sent_back_reappears_in_the_clerks_inbox_with_the_reason(page, tree, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = eligible_household(tree.village_a)
    case = s.case_open(
        user=users.clerk_a,
        case_type="household_exit",
        household=h,
        appraisal={"date": TODAY, "attendance": 20, "result": "通过"},
    )
    to_noticed(users, case)
    s.case_transition(user=users.township, case=case, transition="township_approve")

    as_user(page, "county")
    page.goto(page.base + f"/workflows/cases/{case.pk}/dossier/")
    form = page.locator("[data-testid=action-send_back_county]")
    form.locator("textarea[name=reason]").fill("缺少住房照片")
    form.locator("[data-testid=do-send_back_county]").click()
    page.wait_for_load_state("networkidle")

    as_user(page, "clerk_a")
    page.goto(page.base + "/workflows/")
    row = page.locator(f"[data-testid=inbox-row][data-case='{case.pk}']")
    assert row.get_attribute("data-state") == "sent_back"
    shot(page, "wf-inbox")
    assert "缺少住房照片" in row.locator("[data-testid=send-back-reason]").inner_text()
