"""The household form's income years on a 390×844 phone (issue 13): the years table scrolls inside itself,
never the page; net income and per capita of the working year are in view; a change of a closed year
brings up the reason, and the correction is saved with it and shows in the change history."""

from decimal import Decimal

import pytest

from accounts.models import Role
from households import choices as c
from households.models import Income
from tests import factories as f
from tests.conftest import browser_login

IN_VIEW = """(sel) => {
  const r = document.querySelector(sel).getBoundingClientRect();
  return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_years_table_fits_a_phone_and_a_closed_year_is_corrected_with_a_reason(page):
    province = f.region("210000000000", "辽宁省", f.Level.PROVINCE)
    city = f.region("211200000000", "铁岭市", f.Level.CITY, province)
    county = f.region("211224000000", "昌图县", f.Level.COUNTY, city)
    township = f.region("211224100000", "昌图镇", f.Level.TOWNSHIP, county)
    village = f.region("211224100001", "东村", f.Level.VILLAGE, township)
    clerk = f.user("clerk", Role.VILLAGE_CLERK, village)
    h = f.household(
        village,
        by=clerk,
        identification_year=2014,
        members=[f.member(name="王大山"), f.member(c.Relationship.SON, name="王小明")],
    )
    f.income(h, 2019, wages=6000, dibao=400)
    f.income(h, 2020, wages=9000)

    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "clerk")
    page.goto(page.base + f"/households/{h.number}/edit/")
    table = page.locator("[data-testid=income-table]")
    table.scroll_into_view_if_needed()
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    # Seven years (2014–2020) side by side, the working year first.
    assert table.locator("thead th[data-year]").count() == 7
    assert table.locator("thead th[data-year]").first.get_attribute("data-year") == "2020"
    net = table.locator("[data-testid=income-net] th")
    per_capita = table.locator("[data-testid=income-per-capita] th")
    assert net.is_visible() and "纯收入" in net.inner_text()
    assert per_capita.is_visible() and "人均" in per_capita.inner_text()
    for selector in (
        "[data-testid=income-net] th",
        "[data-testid=income-per-capita] th",
        "td[data-total=net][data-year='2020']",
        "td[data-total=per_capita][data-year='2020']",
    ):
        assert page.evaluate(IN_VIEW, selector), selector
    assert page.locator("td[data-total=per_capita][data-year='2020']").inner_text() == "4500.00"
    reason = page.locator("[data-testid=income-reason]")
    assert reason.is_hidden()

    # A change of 2019 (closed) updates its totals and asks for the reason.
    page.fill("#id_income-2019-wages", "7000")
    assert page.locator("td[data-total=net][data-year='2019']").inner_text() == "7400.00"
    assert page.locator("td[data-total=per_capita][data-year='2019']").inner_text() == "3700.00"
    assert reason.is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.fill("#id_income-reason", "补报务工收入")
    page.click("[data-testid=save]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/households/{h.number}/")
    record = Income.objects.get(household=h, year=2019)
    assert record.wages == Decimal("7000")
    assert record.history.order_by("-history_id").first().history_change_reason == "补报务工收入"
    # The page reads its change history only when opened (households:history); the correction is there.
    history = page.locator("[data-testid=history]")
    assert history.locator("[data-testid=history-entry]").count() == 0
    history.locator("summary").click()
    history.locator("[data-testid=history-reason]").first.wait_for()
    assert "补报务工收入" in history.locator("[data-testid=history-reason]").all_inner_texts()
