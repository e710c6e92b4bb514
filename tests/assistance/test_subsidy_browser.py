"""In a browser on a phone-sized screen: a county official creates a project, arranges funds to it, pays a
household subsidy, and the household's page shows the assistance (§4, §10, §11)."""

import pytest

from assistance.models import AssistanceRecord
from funds.models import Arrangement, Disbursement
from projects.models import Project
from tests.conftest import browser_login
from tests.funds.helpers import allocation


def submit(page, testid):
    page.click(f"[data-testid={testid}]")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_county_official_pays_a_household_subsidy_that_shows_on_the_household_page(page, tree, users, homes):
    funds = allocation(tree.county, users.county, "50000.00")
    browser_login(page, "county")

    page.goto(page.base + "/projects/new/")
    page.fill("#id_name", "肉牛养殖到户补助")
    page.select_option("#id_county", str(tree.county.pk))
    page.fill("#id_year", "2019")
    page.select_option("#id_category", "industry")
    page.fill("#id_implementing_unit", "昌图县畜牧局")
    page.fill("#id_beneficiary_people", "3")
    page.fill("#id_beneficiary_numbers", homes.a.number)
    page.fill("#id_budget_central", "20000")
    submit(page, "project-save")
    project = Project.objects.get(name="肉牛养殖到户补助")
    assert page.url.endswith(f"/projects/{project.pk}/")

    page.select_option("#id_to_status", "approved")
    page.fill("#id_reason", "县扶贫领导小组批复")
    submit(page, "transition-submit")
    assert page.locator("[data-testid=project-status]").get_attribute("data-status") == "approved"

    submit(page, "arrange-funds")
    page.select_option("#id_allocation", str(funds.pk))
    page.fill("#id_amount", "20000")
    page.fill("#id_date", "2019-05-01")
    submit(page, "entry-save")
    arrangement = Arrangement.objects.get(project=project)

    submit(page, "pay-household")
    page.fill("#id_household_number", homes.a.number)
    page.select_option("#id_category", "industry")
    page.fill("#id_amount", "3500.00")
    page.fill("#id_date", "2019-06-10")
    submit(page, "entry-save")
    assert page.locator("[data-testid=disbursement-row]").count() == 1
    d = Disbursement.objects.get(arrangement=arrangement)
    assert d.household == homes.a and AssistanceRecord.objects.get(disbursement=d).amount == d.amount

    page.goto(page.base + f"/households/{homes.a.number}/")
    section = page.locator("[data-testid=household-assistance]")
    assert section.locator("[data-testid=assistance-row]").count() == 1
    # Digit grouping follows the language (Chinese groups by four), so compare without separators.
    assert section.locator("[data-testid=assistance-amount]").inner_text().replace(",", "") == "3500.00"
    assert section.locator("tr[data-year='2019'] [data-testid=year-total]").inner_text().replace(",", "") == "3500.00"
