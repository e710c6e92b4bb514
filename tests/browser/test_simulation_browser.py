"""Province staff's path through a policy scenario in headless Chromium (issue 17): create it from the
year's live parameters, watch its progress, read the comparison, open the changed households, export."""

import csv
import io

import pytest

from eligibility.models import RunState
from simulations.models import Scenario
from simulations.services import scenario_run
from tests.conftest import browser_login
from tests.simulations.conftest import household_with_income, village_figures
from villages.models import WorkingYear


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_province_staff_create_run_watch_compare_and_export(page, tree, users, monkeypatch):
    WorkingYear.objects.create(year=2019)
    village_figures(tree.village_a, 100)
    for per_head in ("3300", "3400", "9000"):
        household_with_income(tree.village_a, per_head, size=2)
    household_with_income(tree.village_d, "3300")
    # The run waits for the test (so that its progress can be watched): nothing is enqueued.
    monkeypatch.setattr("simulations.services.scenario_enqueue", lambda scenario: None)

    browser_login(page, "province")
    page.goto(page.base + "/simulations/")
    page.click("[data-testid=new-scenario]")
    form = page.locator("[data-testid=scenario-form]")
    assert form.locator("input[name=poverty_line]").input_value() == "3218"  # the live line of 2019
    assert form.locator("input[name=as_of]").input_value() == "2019-12-31"  # the year's policy date, ISO
    form.locator("input[name=name]").fill("标准提高到3500元")
    form.locator("input[name=as_of]").fill("2019-10-15")
    form.locator("input[name=poverty_line]").fill("3500")
    page.click("[data-testid=run-scenario]")

    progress = page.locator("[data-testid=scenario-progress]")
    progress.wait_for()
    assert progress.get_attribute("data-state") == RunState.PENDING
    scenario = Scenario.objects.get()
    Scenario.objects.filter(pk=scenario.pk).update(state=RunState.RUNNING, progress=60)
    page.wait_for_selector("[data-testid=scenario-progress][data-progress='60']")  # polled every second
    scenario_run(scenario_id=scenario.pk)
    page.wait_for_selector("[data-testid=summary]")  # the page reloads on the comparison

    assert page.locator("[data-testid=summary-households_changed]").inner_text() == "3"
    assert page.locator("[data-testid=summary-people_affected]").inner_text() == "5"
    assert page.locator("[data-testid=overrides] [data-parameter=poverty_line]").count() == 1
    page.wait_for_selector("[data-testid=chart-counties][data-rendered='1']")
    assert (
        page.locator(f"[data-testid=by-county] tr[data-county='{tree.county.code}'] [data-col=losing]").inner_text()
        == "2"
    )
    assert page.locator("[data-testid=changed-villages] tr[data-region]").count() == 1

    page.click("[data-testid=households-link]")
    page.wait_for_selector("[data-testid=changed-households]")
    assert page.locator("[data-testid=changed-households] tr[data-household][data-after=false]").count() == 3

    page.go_back()
    with page.expect_download() as download:
        page.click("[data-testid=export-households-csv]")
    with open(download.value.path(), encoding="utf-8-sig") as fh:
        rows = list(csv.reader(io.StringIO(fh.read())))
    assert rows[0][0] == "户编号" and len(rows) == 4
