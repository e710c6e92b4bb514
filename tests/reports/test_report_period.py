"""Pages and exports say which year and date they show (issue 13): the dashboard's "2019 年度 · 截至
2019-10-15" line, the year of the snapshot's run (never the calendar year of its date), and export files
whose name and second sheet carry the policy year and the as-of date."""

import datetime as dt
import io

import openpyxl
import pytest

from eligibility.tasks import nightly_recompute
from reports import selectors
from reports.models import ExportJob
from villages.models import WorkingYear

from .conftest import DAY2
from .helpers import csv_rows, response_bytes, xlsx_rows

pytestmark = pytest.mark.django_db


def _line(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="policy-date"')
    return html[html.index(">", start) + 1 : html.index("</p>", start)]


def test_the_dashboard_says_the_year_and_date_of_its_snapshot(client, world):
    client.force_login(world.users.county)
    r = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.context["data"]["year"] == 2019 and r.context["data"]["day"] == DAY2
    assert _line(r) == "2019 年度 · 截至 2019-10-15"


def test_before_any_run_the_dashboard_shows_the_working_year_and_its_policy_date(client, tree, users):
    WorkingYear.objects.create(year=2020)
    client.force_login(users.province)
    r = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.context["as_of"] is None
    assert 'data-year="2020" data-day="2020-12-31"' in r.content.decode()  # today is after 2020


def test_the_dashboard_year_is_the_runs_policy_year_not_the_calendar_year_of_its_date(
    client, world, django_capture_on_commit_callbacks
):
    """A run on 5 January 2020 of policy year 2019 (the year not yet turned) is a 2019 snapshot."""
    with django_capture_on_commit_callbacks(execute=True):
        nightly_recompute.delay("2020-01-05", year=2019).get()
    assert selectors.snapshot_year(dt.date(2020, 1, 5)) == 2019
    client.force_login(world.users.province)
    r = client.get("/reports/")
    assert r.context["as_of"] == dt.date(2020, 1, 5) and r.context["data"]["year"] == 2019
    assert 'data-year="2019" data-day="2020-01-05"' in r.content.decode()


def test_a_csv_export_says_its_year_and_date_in_its_name(client, world):
    client.force_login(world.users.county)
    r = client.post("/reports/tables/households/export/", {"format": "csv"})
    assert r["Content-Disposition"] == 'attachment; filename="households-211224000000-2020-as-of-2019-10-15.csv"'
    assert csv_rows(r)[0][0]  # the header stays the first line: the rows are unchanged


def test_an_xlsx_export_says_its_year_and_date_on_a_second_sheet(client, world):
    client.force_login(world.users.county)
    r = client.post("/reports/tables/exits/export/?year=2019", {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r["Content-Disposition"] == 'attachment; filename="exits-211224000000-2019-as-of-2019-10-15.xlsx"'
    data = response_bytes(r)
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert len(wb.sheetnames) == 2
    about = [list(row) for row in wb.worksheets[1].iter_rows(values_only=True)]
    assert about[1:4] == [["行政区划", "昌图县 (211224000000)"], ["政策年度", "2019"], ["截至日期", "2019-10-15"]]
    rows = xlsx_rows(data)  # the rows' sheet is the first, the one a spreadsheet opens on
    assert rows[0] == [str(h) for h in client.get("/reports/tables/exits/?year=2019").context["headers"]]


def test_a_background_export_keeps_the_same_name_and_sheet(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.REPORTS_EXPORT_SYNC_MAX_ROWS = 1
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.users.province)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/tables/households/export/", {"format": "xlsx"})
    job = ExportJob.objects.get()
    # No ?year= nor ?as_of=: the working year (2020 here) with the latest snapshot's date.
    assert job.filename == "households-210000000000-2020-as-of-2019-10-15.xlsx"
    download = client.get(f"/reports/exports/{job.pk}/download/")
    wb = openpyxl.load_workbook(io.BytesIO(response_bytes(download)), read_only=True)
    about = [list(row) for row in wb.worksheets[1].iter_rows(values_only=True)]
    assert ["政策年度", "2020"] in about and ["截至日期", "2019-10-15"] in about
