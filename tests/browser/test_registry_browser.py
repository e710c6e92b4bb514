"""A village clerk registers a household in headless Chromium on a phone-sized screen (§1, §3, §13)."""

import os
import tempfile

import pytest

from accounts.models import Role
from households.models import Household
from tests import factories as f
from tests.conftest import browser_login

SHOTS = os.environ.get("UI_SCREENSHOTS", tempfile.gettempdir())


def shot(page, name: str) -> None:
    page.screenshot(path=os.path.join(SHOTS, f"ui-{name}.png"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_clerk_registers_a_household_fixes_a_wrong_id_and_finds_it_again(page):
    province = f.region("210000000000", "辽宁省", f.Level.PROVINCE)
    city = f.region("211200000000", "铁岭市", f.Level.CITY, province)
    county = f.region("211224000000", "昌图县", f.Level.COUNTY, city)
    township = f.region("211224100000", "昌图镇", f.Level.TOWNSHIP, county)
    village = f.region("211224100001", "东村", f.Level.VILLAGE, township)
    f.user("clerk", Role.VILLAGE_CLERK, village)
    head_id, spouse_id, son_id = f.id_number(), f.id_number(male=False), f.id_number(male=True)
    wrong = head_id[:17] + ("0" if head_id[17] != "0" else "1")

    page.set_viewport_size({"width": 360, "height": 780})
    browser_login(page, "clerk")
    page.goto(page.base + "/households/new/")
    assert page.locator("#id_village").input_value() == str(village.pk)  # the clerk's only village
    page.select_option("#id_main_cause", "illness")
    page.fill("#id_members-0-name", "王大山")
    page.fill("#id_members-0-id_number", wrong)
    assert page.locator("#id_members-0-birth_date").is_hidden()  # derived from a resident ID card
    page.click("[data-testid=add-member]")
    page.click("[data-testid=add-member]")
    page.fill("#id_members-1-name", "李秀兰")
    page.select_option("#id_members-1-relationship", "spouse")
    page.fill("#id_members-1-id_number", spouse_id)
    page.select_option("#id_members-1-join_reason", "marriage_in")
    page.fill("#id_members-2-name", "王小明")
    page.select_option("#id_members-2-relationship", "son")
    page.fill("#id_members-2-id_number", son_id)
    page.click("[data-testid=save]")
    page.wait_for_load_state("networkidle")

    error = page.locator('[data-field-error="members-0-id_number"]')
    assert error.is_visible()
    assert not Household.objects.exists()
    page.locator('[data-field-error="members-0-id_number"]').scroll_into_view_if_needed()
    shot(page, "form-error-phone")

    page.fill("#id_members-0-id_number", head_id)
    page.click("[data-testid=save]")
    page.wait_for_load_state("networkidle")
    household = Household.objects.get()
    assert page.url.endswith(f"/households/{household.number}/")
    assert page.locator("[data-testid=member-row]").count() == 3
    assert household.members.get(relationship="head").id_number == head_id
    shot(page, "detail-phone")

    page.goto(page.base + "/households/")
    page.fill("#id_q", son_id)
    page.click("[data-testid=search]")
    page.wait_for_selector("[data-testid=household-row]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("[data-testid=household-row]")
    assert rows.count() == 1
    assert household.number in rows.first.inner_text()
    shot(page, "list-phone")
