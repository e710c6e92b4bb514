"""A clerk's whole import in the browser (§13): template, errors, correction, import, search."""

import io

import pytest
from openpyxl import load_workbook

from tests import factories as f
from tests.conftest import browser_login

from .conftest import household_row, member_row

NUMBER = "2112241000010007"


def _fill(template: bytes, id_number: str, path) -> str:
    wb = load_workbook(io.BytesIO(template))
    h, m = wb["户信息"], wb["家庭成员"]
    h.append([household_row(NUMBER).get(c.value) for c in h[1]])
    m.append([member_row(NUMBER, id_number=id_number, name="孙悟").get(c.value) for c in m[1]])
    wb.save(path)
    return str(path)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_clerk_downloads_the_template_fixes_the_errors_and_imports(page, users, tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    browser_login(page, "clerk_a")
    page.goto(page.base + "/imports/")
    with page.expect_download() as download:
        page.click("[data-testid=template-download]")
    template = download.value.path().read_bytes()

    good_id = f.id_number()
    page.set_input_files(
        "#id_file", _fill(template, good_id[:-1] + ("0" if good_id[-1] != "0" else "1"), tmp_path / "bad.xlsx")
    )
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=issue]")
    issue = page.locator("[data-testid=issue]").first
    assert issue.get_attribute("data-code") == "id_checksum"
    assert issue.get_attribute("data-sheet") == "家庭成员" and issue.get_attribute("data-row") == "3"
    assert page.locator("[data-testid=commit]").count() == 0

    page.goto(page.base + "/imports/")
    page.set_input_files("#id_file", _fill(template, good_id, tmp_path / "good.xlsx"))
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=commit]")
    assert page.locator("[data-testid=issue]").count() == 0
    page.click("[data-testid=commit]")
    page.wait_for_selector("[data-testid=result]")

    page.goto(page.base + f"/households/?q={NUMBER}")
    assert NUMBER in page.locator("#results").inner_text()
