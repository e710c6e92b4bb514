"""Reports open on the working year (issue 13): the latest nightly run of the working year up to its
policy date, even when a run of another year's date is newer; that run stays on offer. The run
confirmation says the same (one rule: eligibility.rules.reads.report_date)."""

import datetime as dt

import pytest

from eligibility.rules.reads import report_date
from eligibility.run_preview import run_preview
from reports.selectors import resolve_as_of, snapshot_dates
from tests.reports.conftest import DAY2, run_nightly
from villages.models import WorkingYear

pytestmark = pytest.mark.django_db
LATER = dt.date(2020, 3, 1)


def test_the_rule():
    runs = [(LATER, 2020), (DAY2, 2019), (dt.date(2019, 12, 31), 2019)]
    assert report_date(runs, 2019, dt.date(2019, 12, 31)) == dt.date(2019, 12, 31)
    assert report_date(runs, 2019, DAY2) == DAY2
    assert report_date(runs, 2018, dt.date(2018, 12, 31)) == LATER
    assert report_date([], 2019, DAY2) is None


def test_the_report_opens_on_the_working_years_latest_run(world, django_capture_on_commit_callbacks):
    run_nightly(LATER, django_capture_on_commit_callbacks)  # a run of a 2020 date
    WorkingYear.objects.create(year=2019)
    dates = snapshot_dates()
    assert dates[0] == LATER and DAY2 in dates
    assert resolve_as_of(None, dates) == (DAY2, False, "")
    assert resolve_as_of(LATER.isoformat(), dates) == (LATER, True, "")


def test_without_a_run_of_the_working_year_the_latest_run(world):
    WorkingYear.objects.create(year=2018)
    assert resolve_as_of(None, snapshot_dates())[0] == DAY2


def test_the_run_confirmation_agrees(world, users):
    WorkingYear.objects.create(year=2019)
    preview = run_preview(users.province, LATER)  # another year's date: offered, not the default
    assert preview.report_default == DAY2 and not preview.becomes_report_default
    preview = run_preview(users.province, dt.date(2019, 11, 1))  # a later date of the working year
    assert preview.becomes_report_default
