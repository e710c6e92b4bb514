"""The clerk's path of issue 14 in Chromium: register an applicant on the form → open its identification →
democratic appraisal → village notice … → county approval and announcement → the household is 未脱贫.
The clerk's steps go through the browser; the township's and county's through the services."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from households import choices as c
from households.models import Household
from tests import factories as f
from tests.browser.test_household_form_browser import saved, village_with_clerk
from tests.conftest import browser_login
from workflows import services as s
from workflows.models import Case


def _step(page, name: str) -> None:
    page.click(f"[data-testid=do-{name}]")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_clerk_registers_an_applicant_and_takes_it_through_the_identification_chain(page):
    village, _clerk = village_with_clerk()
    township = f.user("township", Role.TOWNSHIP_REVIEWER, village.parent)
    county = f.user("county", Role.COUNTY_OFFICIAL, village.parent.parent)
    today = timezone.localdate()
    browser_login(page, "clerk")

    page.goto(page.base + "/households/new/")
    assert page.locator("[data-testid=registered-as] input[value=applicant]").is_checked()  # the default
    page.fill("#id_members-0-name", "王申请")
    page.fill("#id_members-0-id_number", f.id_number(dt.date(today.year - 45, 3, 1)))
    page.select_option("#id_main_cause", "lack_funds")
    saved(page)
    assert Household.objects.count() == 1, page.locator(".errorlist, .alert-danger").all_inner_texts()
    household = Household.objects.get()
    assert household.status == c.Status.APPLICANT
    assert page.url.endswith(f"/households/{household.number}/")
    assert page.locator("[data-testid=applicant-note]").is_visible()

    # Open the identification from the household page.
    page.click("[data-testid=apply-identification]")
    page.wait_for_load_state("networkidle")
    page.click("[data-testid=submit-open]")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get(household=household, case_type="identification")
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == "applied"

    # 村民主评议
    page.fill("#a-date-appraise", today.isoformat())
    page.fill("#a-att-appraise", "35")
    page.fill("#a-res-appraise", "同意纳入")
    _step(page, "appraise")
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == "appraised"

    # 村公示: posted today; its days pass (the posting date moved back), then the clerk closes it.
    page.fill("#n-start_notice", today.isoformat())
    _step(page, "start_notice")
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == "notice"
    Case.objects.filter(pk=case.pk).update(notice_start=today - dt.timedelta(days=7))
    page.reload()
    _step(page, "close_notice")
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == "noticed"
    household.refresh_from_db()
    assert household.status == c.Status.APPLICANT  # still not counted as poor

    # 乡镇审核, 县级审批 and 公告 by their roles.
    case.refresh_from_db()
    s.case_transition(user=township, case=case, transition="township_approve")
    s.case_transition(user=county, case=case, transition="county_approve")
    s.case_transition(user=county, case=case, transition="announce")

    page.goto(page.base + f"/households/{household.number}/")
    badge = page.locator("h1 .badge")
    assert badge.inner_text() == "未脱贫"
    household.refresh_from_db()
    assert household.status == c.Status.POOR and household.identification_year == case.year
    assert page.locator("[data-testid=propose-exit]").is_visible()
