"""Province staff start a recompute on demand in headless Chromium (issue 15, item 3): they choose the
as-of date, read on the confirmation what the run will replace, cancel once, then start it."""

import datetime as dt

import pytest

from eligibility.models import RecomputeRun, RunState
from eligibility.rules.run import recompute_sync
from tests.conftest import browser_login
from tests.eligibility.conftest import good_household
from villages.models import WorkingYear


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_province_staff_choose_a_date_confirm_and_start(page, tree, users):
    WorkingYear.objects.create(year=2019)
    good_household(tree.village_a)
    earlier = recompute_sync(as_of=dt.date(2019, 6, 30))
    recompute_sync(as_of=dt.date(2019, 12, 31))

    browser_login(page, "province")
    page.goto(page.base + "/eligibility/")
    date_input = page.locator("[data-testid=run-date-form] input[type=date]")
    assert date_input.input_value() == "2019-12-31"  # the working year's policy date, ISO
    date_input.fill("2019-10-15")
    page.click("[data-testid=start-run]")

    facts = page.locator("[data-testid=run-facts]")
    facts.wait_for()
    assert facts.get_attribute("data-day") == "2019-10-15" and facts.get_attribute("data-year") == "2019"
    assert page.locator("[data-testid=previous-run]").get_attribute("data-run") == str(earlier.pk)
    assert page.locator("[data-testid=superseded-eligible]").inner_text() == "1"
    assert "2019-12-31" in page.locator("[data-testid=next-run]").inner_text()
    assert page.locator("[data-testid=current-pages]").get_attribute("data-changes") == "false"
    assert page.locator("[data-testid=other-year]").count() == 0

    page.click("[data-testid=cancel-run]")  # back to the runs, nothing started
    page.wait_for_selector("[data-testid=runs]")
    assert RecomputeRun.objects.count() == 2

    page.locator("[data-testid=run-date-form] input[type=date]").fill("2019-10-15")
    page.click("[data-testid=start-run]")
    page.click("[data-testid=confirm-run]")
    page.wait_for_selector("[data-testid=runs] tr[data-state=done] >> text=2019-10-15")
    run = RecomputeRun.objects.get(as_of=dt.date(2019, 10, 15))
    assert (run.policy_year, run.state, run.requested_by) == (2019, RunState.DONE, users.province)
