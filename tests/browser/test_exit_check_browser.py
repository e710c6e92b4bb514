"""In Chromium, in Chinese on a phone-sized page: the county official sees that the household fails the exit
check of the case's policy year, the approval is refused with the failing criteria named and nothing
changes; once the year's income is recorded the check passes, the approval goes through and the sealed
dossier says the year and date it was decided for (§6.1, issue 13)."""

import os
import tempfile

import pytest

from households.models import Income
from tests import factories as f
from tests.conftest import browser_login
from tests.workflows.conftest import TODAY, eligible_household, walk_exit_to_township
from villages.models import WorkingYear
from workflows import services as s
from workflows.models import Case, Dossier

SHOTS = os.environ.get("UI_SCREENSHOTS", tempfile.gettempdir())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_failing_check_cannot_be_approved_and_a_passing_one_is(page, tree, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    WorkingYear.objects.create(year=TODAY.year)
    h = eligible_household(tree.village_a)
    case = walk_exit_to_township(users, h)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    Income.objects.filter(household=h, year=TODAY.year).delete()  # the year's income survey is missing

    browser_login(page, "county")
    page.goto(page.base + f"/workflows/cases/{case.pk}/")
    check = page.locator("[data-testid=case-check]")
    assert check.get_attribute("data-eligible") == "false" and check.get_attribute("data-year") == str(TODAY.year)
    assert check.locator("[data-criterion=income]").get_attribute("data-passed") == "missing"
    assert page.locator("[data-testid=check-blocks]").is_visible()
    page.click("[data-testid=do-county_approve]")
    page.wait_for_load_state("networkidle")
    refusal = page.locator(".alert-danger").first.inner_text()
    assert "收入稳定超过国家扶贫标准" in refusal and str(TODAY.year) in refusal
    page.screenshot(path=os.path.join(SHOTS, "ui-exit-check-refused.png"), full_page=True)
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == "township_approved"
    assert Case.objects.get(pk=case.pk).state == "township_approved" and not Dossier.objects.exists()

    f.income(h, TODAY.year, wages="20000")
    page.reload()
    assert page.locator("[data-testid=case-check]").get_attribute("data-eligible") == "true"
    page.click("[data-testid=do-county_approve]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == "approved"
    page.click("[data-testid=dossier-link]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=seal]").get_attribute("data-valid") == "1"
    decision = page.locator("[data-testid=d-decision]")
    assert decision.get_attribute("data-year") == str(TODAY.year)
    assert decision.get_attribute("data-as-of") == TODAY.isoformat()
    assert str(TODAY.year) in decision.inner_text()
