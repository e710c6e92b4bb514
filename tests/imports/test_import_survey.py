"""The survey sheets of the import (issue 13): 收入情况 (incomes by household and year) and 两不愁评估
(dated assessments), with the same dry run, cell errors and annotated copy as the household sheets; a
workbook of only these sheets is a village's survey of the year."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from accounts.models import AuditLog
from households.models import Assessment, Household, Income
from imports.models import ImportJob, JobState
from imports.xlsx.columns import ASSESSMENT_COLUMNS, INCOME_COLUMNS
from imports.xlsx.template import build_template
from tests import factories as f
from tests.conftest import login

from .conftest import H_HEADERS, M_HEADERS, commit, household_row, member_row, post_file

pytestmark = pytest.mark.django_db

I_HEADERS = [col.header for col in INCOME_COLUMNS]
A_HEADERS = [col.header for col in ASSESSMENT_COLUMNS]


def income_row(key, year, reason=None, **amounts):
    row = {"户编号": key, "年度": year, "更正原因": reason}
    row.update({f"{name}（元）": value for name, value in amounts.items()})
    return row


def assessment_row(key, day, food="是", clothing="是", note=None):
    return {"户编号": key, "评估日期": day, "不愁吃": food, "不愁穿": clothing, "备注": note}


def workbook(**sheets) -> bytes:
    """A workbook of the given sheets: households, members, incomes, assessments (lists of row dicts)."""
    titles = {
        "households": ("户信息", H_HEADERS),
        "members": ("家庭成员", M_HEADERS),
        "incomes": ("收入情况", I_HEADERS),
        "assessments": ("两不愁评估", A_HEADERS),
    }
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        title, headers = titles[name]
        ws = wb.create_sheet(title)
        ws.append(headers)
        for row in rows:
            ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _job():
    return ImportJob.objects.latest("id")


def _issues(job):
    return {(i.sheet, i.row, i.column, i.code): i for i in job.issues.all()}


def test_the_template_has_the_two_survey_sheets_with_their_chinese_headers(db):
    wb = load_workbook(io.BytesIO(build_template()))
    assert {"收入情况", "两不愁评估"} <= set(wb.sheetnames)
    assert [c.value for c in wb["收入情况"][1]][:3] == ["户编号", "年度", "工资性收入（元）"]
    assert [c.value for c in wb["两不愁评估"][1]] == ["户编号", "评估日期", "不愁吃", "不愁穿", "备注"]


def test_an_income_sheet_with_bad_cells_reports_each_cell_and_changes_nothing(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    f.income(homes.a, 2019, wages=3000)
    a, d = homes.a.number, homes.d.number
    incomes = [
        income_row(a, 2020, 工资性收入="abc"),  # row 2: not a number (C)
        income_row(a, 2015, 工资性收入=1000),  # row 3: before the identification year 2016 (B)
        income_row(d, 2020, 工资性收入=1000),  # row 4: a household of another county (A)
        income_row("2112249999990001", 2020),  # row 5: no such household (A), the same answer
        income_row(a, 2018, 低保金=-5),  # row 6: negative (G)
        income_row(a, 2017, "补录", 工资性收入=100),  # row 7
        income_row(a, 2017, "补录", 工资性收入=200),  # row 8: the same household and year twice (B)
        income_row(a, 2019, 工资性收入=3500),  # row 9: a closed year changed without a reason (P)
        income_row(a, 2021),  # row 10: after the working year 2020 (B)
    ]
    assessments = [
        assessment_row(a, "2999-01-01"),  # row 2: in the future (B)
        assessment_row(a, "2020-05-01", food="也许"),  # row 3: not 是/否 (C)
    ]
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, workbook(incomes=incomes, assessments=assessments))
    job = _job()
    assert job.state == JobState.VALIDATED
    found = _issues(job)
    expected = {
        ("收入情况", 2, "C", "invalid_decimal"),
        ("收入情况", 3, "B", "year_out_of_range"),
        ("收入情况", 4, "A", "household_not_in_scope"),
        ("收入情况", 5, "A", "household_not_in_scope"),
        ("收入情况", 6, "G", "invalid_decimal"),
        ("收入情况", 8, "B", "duplicate_income"),
        ("收入情况", 9, "P", "reason_required"),
        ("收入情况", 10, "B", "year_out_of_range"),
        ("两不愁评估", 2, "B", "future"),
        ("两不愁评估", 3, "C", "invalid_bool"),
    }
    assert expected <= set(found), set(found) ^ expected
    assert job.error_count == len(found) == len(expected)
    # §1: the number of another county gets exactly the answer of a number that does not exist.
    assert found[("收入情况", 4, "A", "household_not_in_scope")].message == (
        found[("收入情况", 5, "A", "household_not_in_scope")].message
    )
    assert job.households_invalid == 3 and job.result == {"incomes_total": 9, "assessments_total": 2}
    # Nothing changed, and the file cannot be imported as it is.
    commit(client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.state == JobState.VALIDATED
    assert list(Income.objects.values_list("household__number", "year", "wages")) == [(a, 2019, Decimal("3000"))]
    assert not Assessment.objects.exists()
    # The page lists each error; the annotated copy marks each cell on its sheet.
    page = client.get(f"/imports/{job.pk}/")
    assert page.content.count(b'data-testid="issue"') == job.error_count
    copy = load_workbook(io.BytesIO(client.get(f"/imports/{job.pk}/errors.xlsx").getvalue()))
    assert copy["收入情况"]["C2"].comment is not None and copy["收入情况"]["P9"].comment is not None
    assert copy["两不愁评估"]["B2"].comment is not None and copy["收入情况"]["C7"].comment is None


def test_an_income_only_workbook_commits_and_a_reimport_changes_nothing(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    f.income(homes.a, 2018, wages=2000)
    a, b = homes.a.number, homes.b.number
    incomes = [
        income_row(a, 2020, 工资性收入=12000, 低保金="1800.50", 生产经营性支出=1000),
        income_row(a, 2018, "补报外出务工收入", 工资性收入=2600),  # a closed year corrected, with its reason
        income_row(b, 2019, "2019年入户核实", 工资性收入=3300),  # a closed year recorded, with its reason
    ]
    assessments = [assessment_row(a, "2020-10-15", note="入户走访"), assessment_row(b, "2020-10-16", clothing="否")]
    data = workbook(incomes=incomes, assessments=assessments)
    login(client, users.township)  # both villages A and B
    post_file(client, django_capture_on_commit_callbacks, data)
    job = _job()
    assert (job.state, job.error_count, job.households_total) == (JobState.VALIDATED, 0, 2)
    assert not Income.objects.exclude(year=2018).exists()  # a dry run writes nothing
    commit(client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    result = job.result
    assert (result["incomes_created"], result["incomes_updated"]) == (2, 1)
    assert (result["assessments_created"], result["assessments_updated"], result["survey_skipped"]) == (2, 0, 0)
    record = Income.objects.get(household=homes.a, year=2020)
    assert (record.dibao, record.net) == (Decimal("1800.50"), Decimal("12800.50"))
    corrected = Income.objects.get(household=homes.a, year=2018)
    assert corrected.wages == Decimal("2600")
    latest = corrected.history.order_by("-history_id").first()
    assert latest.history_type == "~" and "补报外出务工收入" in latest.history_change_reason
    assert Income.objects.get(household=homes.b, year=2019).history.get().history_change_reason
    [entry] = [e for e in AuditLog.objects.filter(object_type="income") if "corrections" in e.detail]
    assert sorted((c["number"], c["year"]) for c in entry.detail["corrections"]) == [(a, 2018), (b, 2019)]
    assessment = Assessment.objects.get(household=homes.b)
    assert (assessment.assessed_on, assessment.food_secure, assessment.clothing_secure) == (
        dt.date(2020, 10, 16),
        True,
        False,
    )
    page = client.get(f"/imports/{job.pk}/")
    assert b'data-testid="survey-result"' in page.content
    # The same file again: every row equals what is stored, nothing is written twice.
    post_file(client, django_capture_on_commit_callbacks, data)
    again = _job()
    assert again.error_count == 0
    commit(client, django_capture_on_commit_callbacks, again)
    again.refresh_from_db()
    assert again.result["survey_unchanged"] == 5
    assert Income.objects.count() == 3 and Assessment.objects.count() == 2
    assert corrected.history.count() == 2


def test_the_survey_rows_may_name_a_new_household_of_the_same_file(
    client, users, tree, django_capture_on_commit_callbacks
):
    data = workbook(
        households=[household_row("1", 识别年度=2020)],
        members=[member_row("1")],
        incomes=[income_row("1", 2020, 工资性收入=5000)],
        assessments=[assessment_row("1", "2020-09-01")],
    )
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, data)
    job = _job()
    assert job.error_count == 0 and job.households_total == 1
    commit(client, django_capture_on_commit_callbacks, job)
    household = Household.objects.get()
    assert household.incomes.get().wages == Decimal("5000")
    assert household.assessments.get().assessed_on == dt.date(2020, 9, 1)


def test_a_survey_row_of_a_new_household_before_its_identification_year_is_refused(
    client, users, tree, django_capture_on_commit_callbacks
):
    data = workbook(
        households=[household_row("1", 识别年度=2020)],
        members=[member_row("1")],
        incomes=[income_row("1", 2019, "补录", 工资性收入=5000)],
    )
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, data)
    assert set(_issues(_job())) == {("收入情况", 2, "B", "year_out_of_range")}


def test_valid_only_skips_the_households_with_a_bad_survey_row(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    incomes = [income_row(homes.a.number, 2020, 工资性收入=100), income_row(homes.b.number, 2020, 工资性收入="x")]
    assessments = [assessment_row(homes.b.number, "2020-01-02")]
    login(client, users.township)
    post_file(client, django_capture_on_commit_callbacks, workbook(incomes=incomes, assessments=assessments))
    job = _job()
    assert (job.error_count, job.households_invalid, job.households_total) == (1, 1, 2)
    commit(client, django_capture_on_commit_callbacks, job, valid_only=True)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert list(Income.objects.values_list("household", flat=True)) == [homes.a.pk]
    assert not Assessment.objects.exists()  # household B had an error: none of its rows is imported
    assert job.result["survey_skipped"] == 2
