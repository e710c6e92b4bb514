"""Province staff open the next working year in headless Chromium (issue 13: 年度切换 through a preview
and a confirmation); the household page then evaluates the new year and says why its income is missing."""

import pytest

from eligibility.rules.run import recompute_sync
from tests import factories as f
from tests.conftest import browser_login
from tests.eligibility.conftest import good_household
from villages.models import WorkingYear
from villages.working_year import policy_date


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_province_staff_open_the_next_year_by_preview_and_confirmation(page, tree, users):
    WorkingYear.objects.create(year=2019)
    h = good_household(tree.village_a)  # the income of 2019 only
    f.income(good_household(tree.village_b, wages=None), 2018, wages="9000")  # no income of 2019
    recompute_sync()  # 2019 as of 31 December 2019

    browser_login(page, "province")
    page.goto(page.base + "/eligibility/working-year/")
    assert page.locator("[data-testid=working-year]").get_attribute("data-year") == "2019"
    assert page.locator('[data-menu-link="eligibility:working_year"]').count() == 1  # in the menu
    page.click("[data-testid=year-switch]")
    page.wait_for_selector("[data-testid=switch-preview]")
    assert page.locator("[data-testid=poor-without-income]").get_attribute("data-count") == "1"
    assert page.locator("[data-testid=next-parameters]").get_attribute("data-copied") == "true"

    page.click("[data-testid=confirm-switch]")  # nothing confirmed yet: refused, nothing changed
    page.wait_for_selector("[data-testid=switch-form]")
    assert not WorkingYear.objects.filter(year=2020).exists()

    page.fill("#id_year", "2020")
    page.check("#id_understood")
    page.click("[data-testid=confirm-switch]")
    page.wait_for_selector("[data-testid=working-year][data-year='2020']")
    assert page.locator("[data-testid=working-years] tr[data-year='2020']").inner_text().count("province") == 1
    assert WorkingYear.objects.get(year=2020).opened_by == users.province

    page.context.clear_cookies()
    browser_login(page, "clerk_a")
    page.goto(page.base + f"/households/{h.number}/")
    check = page.locator("[data-testid=exit-check]")
    check.wait_for()
    assert check.get_attribute("data-eligible") == "false"
    assert page.locator("[data-criterion=income]").get_attribute("data-passed") == "missing"
    assert "2020" in page.locator("[data-testid=income-missing-why]").inner_text()
    line = page.locator("[data-testid=exit-check] [data-testid=policy-date]")
    assert line.get_attribute("data-year") == "2020"
    assert line.get_attribute("data-day") == policy_date(2020).isoformat()  # 31 December 2020 on today's date
