"""In a browser: province staff start a recompute and watch it complete; the household page shows the check."""

import pytest

from tests.conftest import browser_login

from .conftest import good_household


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_province_staff_start_a_run_and_a_clerk_sees_the_exit_check(page, world, users):
    h = good_household(world.village_a)  # its income of 2019: the world's working year, which the run evaluates
    browser_login(page, "province")
    page.goto(page.base + "/eligibility/")
    page.click("[data-testid=start-run]")  # the working year's policy date, then the confirmation
    page.click("[data-testid=confirm-run]")
    page.wait_for_selector("[data-testid=runs] tr[data-state=done]")
    page.click("[data-testid=runs] tr[data-state=done] a")
    page.wait_for_selector("[data-testid=run-progress][data-state=done]")
    assert page.locator("[data-testid=run-counties] tr[data-state=done]").count() == 2

    page.context.clear_cookies()
    browser_login(page, "clerk_a")
    page.goto(page.base + f"/households/{h.number}/")
    check = page.locator("[data-testid=exit-check]")
    check.wait_for()
    assert check.get_attribute("data-eligible") == "true"
    assert page.locator("[data-testid=exit-check] [data-passed=passed]").count() == 7
