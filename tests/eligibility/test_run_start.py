"""A recompute on demand asks for its date and confirms (issue 15, item 3): the runs page offers the
working year's policy date, the next page shows the policy year the date evaluates, the run and figures it
supersedes and which pages change; only its POST, with the date and the CSRF token, starts the run."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from eligibility.models import RecomputeRun, RunState
from eligibility.rules.run import recompute_sync
from tests.conftest import login
from villages.models import RegionIndicator, RegionYear

from .conftest import AS_OF, good_household

pytestmark = pytest.mark.django_db

START = "/eligibility/runs/start/"
YEAR_END = dt.date(2019, 12, 31)  # the world's working year 2019 as of its policy date


def test_the_runs_page_offers_the_policy_date_of_the_working_year(world, users, client):
    html = login(client, users.province).get("/eligibility/").content.decode()
    assert 'data-testid="run-date-form"' in html and 'method="get"' in html
    assert 'type="date"' in html and 'value="2019-12-31"' in html
    # the auditor watches the runs but starts none: no form
    assert 'data-testid="run-date-form"' not in login(client, users.auditor).get("/eligibility/").content.decode()


def test_choosing_a_date_starts_nothing_and_shows_what_it_replaces(world, users, client):
    good_household(world.village_a)
    RegionYear.objects.create(region=world.province, year=2019, rural_population=3000)
    run = recompute_sync(as_of=YEAR_END)
    r = login(client, users.province).get(START, {"as_of": "2019-12-31"})
    assert r.status_code == 200 and RecomputeRun.objects.count() == 1
    html = r.content.decode()
    assert 'data-testid="run-confirm-form"' in html and 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert 'name="as_of" value="2019-12-31"' in html
    assert f'data-testid="replaced-run" data-run="{run.pk}"' in html
    assert 'data-testid="superseded-eligible">1<' in html
    province = RegionIndicator.objects.get(region=world.province, as_of=YEAR_END)
    assert province.incidence is not None and f"{province.incidence:.2f}%" in html
    assert 'data-testid="current-pages" data-changes="true"' in html
    assert 'data-testid="other-year"' not in html
    assert "国家标准（默认）" in html or "national standard (default)" in html


def test_an_earlier_date_of_the_year_names_the_run_it_follows_and_the_next_one(world, users, client):
    first = recompute_sync(as_of=dt.date(2019, 6, 30))
    recompute_sync(as_of=YEAR_END)
    html = login(client, users.province).get(START, {"as_of": "2019-10-15"}).content.decode()
    assert f'data-testid="previous-run" data-run="{first.pk}"' in html
    assert 'data-testid="next-run"' in html and "2019-12-31" in html
    # a later run of the working year holds the current pages, and the reports keep their latest date
    assert 'data-testid="current-pages" data-changes="false"' in html
    assert 'data-testid="report-pages" data-changes="false"' in html
    # but the changes since the previous run will compare 31 December with this date, not 30 June
    assert 'data-testid="changes-page" data-changes="true"' in html


def test_a_date_of_another_year_warns_and_leaves_the_current_pages(world, users, client):
    recompute_sync(as_of=YEAR_END)
    today = timezone.localdate().isoformat()  # any day of another year than 2019 will do
    html = login(client, users.province).get(START, {"as_of": today}).content.decode()
    assert 'data-testid="other-year"' in html
    assert 'data-testid="no-previous-run"' in html
    assert 'data-testid="current-pages" data-changes="false"' in html
    assert 'data-testid="changes-page" data-changes="false"' in html
    # later than every finished run, but of another year: the reports keep opening on the working year's
    # run (eligibility.rules.reads.report_date), which the page says
    assert 'data-testid="report-pages" data-changes="false"' in html


def test_the_confirmation_starts_the_run_of_the_date_and_its_year(
    world, users, client, django_capture_on_commit_callbacks
):
    good_household(world.village_a)
    login(client, users.province)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(START, {"as_of": AS_OF.isoformat()})
    assert r.status_code == 302 and r["Location"] == "/eligibility/"
    run = RecomputeRun.objects.get()
    assert (run.as_of, run.policy_year, run.state) == (AS_OF, 2019, RunState.DONE)
    assert run.requested_by == users.province


@pytest.mark.parametrize("value", ["", "2019/13/40", "2012-12-31", "2999-01-01"])
def test_a_missing_or_impossible_date_is_refused_with_a_message_and_nothing_starts(world, users, client, value):
    login(client, users.province)
    for r in (client.get(START, {"as_of": value}), client.post(START, {"as_of": value})):
        assert r.status_code == 200 and 'data-testid="run-date-error"' in r.content.decode()
    assert not RecomputeRun.objects.exists()


def test_the_start_needs_the_csrf_token(world, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.province)
    assert client.post(START, {"as_of": "2019-12-31"}).status_code == 403
    assert not RecomputeRun.objects.exists()


def test_only_province_staff_see_the_confirmation(world, users, client):
    for user in (users.clerk_a, users.clerk_b, users.township, users.county, users.city, users.auditor, users.admin):
        assert login(client, user).get(START, {"as_of": "2019-12-31"}).status_code == 404
        assert login(client, user).post(START, {"as_of": "2019-12-31"}).status_code == 404
    assert not RecomputeRun.objects.exists()


def test_a_running_date_shows_no_start_button(world, users, client):
    RecomputeRun.objects.create(
        as_of=YEAR_END, policy_year=2019, params_version=0, trigger="nightly", state=RunState.RUNNING
    )
    html = login(client, users.province).get(START, {"as_of": "2019-12-31"}).content.decode()
    assert 'data-testid="run-running"' in html and 'data-testid="confirm-run"' not in html
    assert 'data-testid="replaced-run"' in html  # the incomplete run is resumed, which the page says


def test_the_parameters_are_named_not_numbered(world, users, client):
    """Issue 15, item 9: "parameters version 0" is the national standard, shown as such."""
    from decimal import Decimal

    from eligibility.policy import policy_parameter_save

    default_run = recompute_sync(as_of=dt.date(2019, 6, 30))
    policy_parameter_save(user=users.province, year=2019, values={"poverty_line": Decimal("3500")})
    province_run = recompute_sync(as_of=YEAR_END)
    login(client, users.province)
    html = client.get(f"/eligibility/runs/{default_run.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "national standard (default)" in html and "version 0" not in html
    html = client.get(f"/eligibility/runs/{province_run.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "province parameters, version 1" in html
