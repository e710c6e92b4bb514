"""In a browser on a phone-sized screen: a clerk finds the night's alert and dismisses it (§7)."""

import datetime as dt

import pytest

from households import choices as c
from monitoring.models import AlertState, MonitoringAlert
from monitoring.services import monitoring_run_county, quality_run_county
from tests import factories as f
from tests.conftest import browser_login

from .conftest import clean_household


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_clerk_dismisses_an_alert_and_sees_the_quality_list(page, tree, users):
    h = clean_household(tree.village_a, status=c.Status.EXITED, housing_area=0)
    f.income(h, 2019, wages=1000)
    monitoring_run_county(as_of=dt.date(2019, 6, 30), county_id=tree.county.pk)
    quality_run_county(as_of=dt.date(2019, 6, 30), county_id=tree.county.pk)
    browser_login(page, "clerk_a")

    page.goto(page.base + "/monitoring/alerts/?state=open")
    row = page.locator("[data-testid=alert-row]")
    assert row.count() == 1
    assert row.locator("[data-trigger=low_income]").count() == 1
    row.locator("summary").click()
    row.locator("input[name=reason]").fill("已核实：外出务工收入未录入")
    row.locator("[data-testid=dismiss]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=alert-row]").count() == 0
    assert MonitoringAlert.objects.get().state == AlertState.DISMISSED

    page.goto(page.base + "/monitoring/quality/")
    finding = page.locator("[data-testid=finding-row][data-code=DQ12]")
    assert finding.count() == 1
    assert finding.locator("[data-testid=household-link]").get_attribute("href") == f"/households/{h.number}/"
