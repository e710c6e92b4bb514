"""A county official sets a village's classification of the working year in headless Chromium (issue 14):
from the region page to the year's page, a refused input that changes nothing, then the saved change and
its line in the change history (old → new)."""

import pytest

from tests.conftest import browser_login
from villages.flags import flags_for
from villages.models import RegionYear, WorkingYear


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_county_official_marks_a_border_village_and_sees_the_history(page, tree, users):
    WorkingYear.objects.create(year=2020)
    RegionYear.objects.create(region=tree.village_a, year=2020, rural_population=800, is_border_village=False)

    browser_login(page, "county")
    page.goto(page.base + f"/regions/{tree.village_a.code}/")
    assert page.locator("[data-testid=region-flags] [data-flag=is_border_village]").count() == 0
    page.click("[data-testid=edit-year]")
    page.wait_for_selector("[data-testid=flags-form]")
    assert page.locator("[data-testid=no-history]").count() == 0  # the row's creation is in the history

    # A value the form does not offer (a tampered request): refused next to the field, nothing saved.
    page.evaluate("document.querySelector('#id_is_border_village').add(new Option('也许', 'maybe', true, true))")
    page.click("[data-testid=save-flags]")
    page.wait_for_selector("[data-field-error=is_border_village]")
    assert flags_for(tree.village_a, 2020).is_border_village is False

    page.select_option("#id_is_border_village", "true")
    page.fill("#id_reason", "县政府关于抵边村认定的通知")
    page.click("[data-testid=save-flags]")
    page.wait_for_selector(".alert-success")
    assert flags_for(tree.village_a, 2020).is_border_village is True

    lines = page.locator("[data-testid=history-line]").all_inner_texts()
    border = [line for line in lines if "抵边村" in line or "border village" in line]
    assert border and "→" in border[0]
    assert any("县政府关于抵边村认定的通知" in line for line in lines)

    page.goto(page.base + f"/regions/{tree.village_a.code}/")
    assert page.locator("[data-testid=region-flags] [data-flag=is_border_village]").count() == 1
