"""In Chromium, in Chinese on a phone-sized page, the clerk's path of a closing (销户, §3.1, issue 14): the
death of a household's last member is recorded only with the closing, the closing case opens with the
reason "all members deceased" chosen, the township and the county approve (through the services), and the
household page then says 销户 and offers no edit."""

import pytest
from django.utils import timezone

from households import choices as c
from households.models import Household
from tests import factories as f
from tests.conftest import browser_login
from villages.models import WorkingYear
from workflows import definitions as d
from workflows import services as s
from workflows.models import Case


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_clerk_closes_a_household_whose_last_member_died(page, tree, users):
    WorkingYear.objects.get_or_create(year=timezone.localdate().year)
    h = f.household(tree.village_a, by=users.admin)
    head = h.members.get()

    browser_login(page, "clerk_a")
    page.goto(page.base + f"/households/{h.number}/members/{head.pk}/change/")
    assert page.locator("[data-testid=last-member-note]").is_visible()
    page.select_option("#id_kind", "death")
    page.click("[data-testid=member-change-form] [data-testid=save]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=non-field-errors]").is_visible()  # not without the closing
    head.refresh_from_db()
    assert head.departure == ""

    page.check("#id_closing")
    page.click("[data-testid=member-change-form] [data-testid=save]")
    page.wait_for_load_state("networkidle")
    assert "/workflows/cases/new/" in page.url
    assert page.locator("#id_case_type").input_value() == "closing"
    assert page.locator("#id_closing_reason").input_value() == "deceased"
    assert page.locator("[data-field=closing_reason]").is_visible()
    assert not page.locator("[data-field=appraisal_date]").is_visible()
    page.fill("#id_justification", "户主病故，户内无其他成员")
    page.click("[data-testid=submit-open]")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get(case_type=d.CaseType.CLOSING)
    assert page.url.endswith(f"/workflows/cases/{case.pk}/")
    assert page.locator("[data-testid=closing-reason]").is_visible()

    s.case_transition(user=users.township, case=case, transition="township_approve")
    s.case_transition(user=users.county, case=case, transition="county_approve")
    assert Household.objects.get(pk=h.pk).status == c.Status.CLOSED

    page.goto(page.base + f"/households/{h.number}/")
    assert "销户" in page.locator("h1 .badge").inner_text()
    assert page.locator("[data-testid=closed-note]").is_visible()
    assert page.locator("[data-testid=edit-household]").count() == 0
    page.goto(page.base + f"/households/{h.number}/edit/")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/households/{h.number}/")  # refused, back on the household page
