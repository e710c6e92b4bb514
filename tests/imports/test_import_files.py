"""Uploads that are not what they should be (§13): refused or neutralised with a clear message."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from households.models import Household
from imports.models import ImportJob, JobState
from tests.conftest import login

from .conftest import H_HEADERS, M_HEADERS, commit, household_row, member_row, post_file, xlsx_bytes

pytestmark = pytest.mark.django_db


def _error_codes(response):
    return [e.code for e in response.context["form"].errors.as_data()["file"]]


def test_a_non_excel_upload_is_refused(client, users, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    response = post_file(client, django_capture_on_commit_callbacks, b"name,id\n1,2\n", name="households.csv")
    assert response.status_code == 400 and _error_codes(response) == ["not_xlsx"]
    assert ImportJob.objects.count() == 0


def test_a_damaged_or_old_excel_file_is_refused(client, users, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    truncated = xlsx_bytes([household_row("1")], [member_row("1")])[:500]
    response = post_file(client, django_capture_on_commit_callbacks, truncated)
    assert response.status_code == 400 and _error_codes(response) == ["not_xlsx"]
    response = post_file(client, django_capture_on_commit_callbacks, b"\xd0\xcf\x11\xe0" + b"0" * 100, name="a.xls")
    assert response.status_code == 400 and _error_codes(response) == ["xls"]


def test_a_workbook_without_the_template_sheets_is_refused(client, users, django_capture_on_commit_callbacks):
    wb = Workbook()
    wb.active.append(["户编号"])
    buffer = io.BytesIO()
    wb.save(buffer)
    login(client, users.clerk_a)
    response = post_file(client, django_capture_on_commit_callbacks, buffer.getvalue())
    assert response.status_code == 400 and _error_codes(response) == ["not_xlsx"]


def test_a_too_large_file_is_refused(client, users, settings, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("imports.forms.MAX_UPLOAD_BYTES", 1000)
    login(client, users.clerk_a)
    response = post_file(
        client, django_capture_on_commit_callbacks, xlsx_bytes([household_row("1")], [member_row("1")])
    )
    assert response.status_code == 400 and _error_codes(response) == ["too_large"]


def test_a_missing_required_column_fails_the_job_with_a_message(
    client, users, tree, django_capture_on_commit_callbacks
):
    headers = [h for h in H_HEADERS if h != "主要致贫原因"]
    data = xlsx_bytes([household_row("1")], [member_row("1")], h_headers=headers)
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, data)
    job = ImportJob.objects.get()
    assert job.state == JobState.FAILED and "主要致贫原因" in job.message


def test_a_formula_in_a_cell_is_refused_and_never_stored(client, users, tree, django_capture_on_commit_callbacks):
    data = xlsx_bytes(
        [household_row("1", 联系电话='=HYPERLINK("http://x","1")'), household_row("2")],
        [member_row("1"), member_row("2")],
    )
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, data)
    job = ImportJob.objects.get()
    assert {(i.sheet, i.row, i.column, i.code) for i in job.issues.all()} == {("户信息", 2, "C", "formula")}
    commit(client, django_capture_on_commit_callbacks, job, valid_only=True)
    assert list(Household.objects.values_list("phone", flat=True)) == [""]
    # The annotated copy carries the formula as text, marked, never as a formula.
    annotated = load_workbook(io.BytesIO(client.get(f"/imports/{job.pk}/errors.xlsx").getvalue()))
    cell = annotated["户信息"]["C2"]
    assert cell.data_type == "s" and cell.comment is not None


def test_the_template_downloads_with_both_sheets_and_drop_downs(client, users):
    login(client, users.clerk_a)
    response = client.get("/imports/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert {"填表说明", "户信息", "家庭成员", "选项"} <= set(wb.sheetnames)
    assert [c.value for c in wb["户信息"][1]] == H_HEADERS
    assert [c.value for c in wb["家庭成员"][1]] == M_HEADERS
    assert len(wb["家庭成员"].data_validations.dataValidation) > 10
    assert wb["家庭成员"]["A2"].value == "示例"


def test_the_template_filled_in_imports_without_its_example_row(
    client, users, tree, django_capture_on_commit_callbacks
):
    login(client, users.clerk_a)
    wb = load_workbook(io.BytesIO(client.get("/imports/template.xlsx").content))
    h, m = wb["户信息"], wb["家庭成员"]
    h.append([household_row("1").get(c.value) for c in h[1]])
    m.append([member_row("1").get(c.value) for c in m[1]])
    buffer = io.BytesIO()
    wb.save(buffer)
    post_file(client, django_capture_on_commit_callbacks, buffer.getvalue())
    job = ImportJob.objects.get()
    assert job.state == JobState.VALIDATED and job.error_count == 0 and job.households_total == 1
