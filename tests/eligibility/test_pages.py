"""Pages of exit eligibility: run history and start (province staff), changes (scoped), parameters with
history, and the partials on the household and region pages."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from eligibility.models import PolicyParameter, RecomputeRun, RunState
from eligibility.rules.run import recompute_sync
from tests.conftest import login

from .conftest import AS_OF, good_household

pytestmark = pytest.mark.django_db


def test_run_history_is_for_province_staff_and_auditors(world, users, client):
    recompute_sync(as_of=AS_OF)
    for user in (users.province, users.auditor):
        r = login(client, user).get("/eligibility/")
        assert r.status_code == 200 and b'data-state="done"' in r.content
    for user in (users.clerk_a, users.county):
        assert login(client, user).get("/eligibility/").status_code == 404


def test_run_detail_polls_while_running_and_shows_a_county_error(world, users, client):
    run = recompute_sync(as_of=AS_OF)
    row = run.counties.get(county=world.county2)
    RecomputeRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    run.counties.filter(pk=row.pk).update(state=RunState.FAILED, error="boom")
    login(client, users.province)
    r = client.get(f"/eligibility/runs/{run.pk}/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b"hx-trigger" in r.content and b'data-testid="county-error"' in r.content
    assert b"<html" not in r.content
    assert login(client, users.clerk_a).get(f"/eligibility/runs/{run.pk}/").status_code == 404


def test_province_staff_start_a_run_after_commit(world, users, client, django_capture_on_commit_callbacks):
    good_household(world.village_a)
    login(client, users.province)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/eligibility/runs/start/", {"as_of": "2019-12-31"})
    assert r.status_code == 302
    run = RecomputeRun.objects.get()
    assert run.state == RunState.DONE and run.requested_by == users.province and run.households == 1
    assert (run.as_of, run.policy_year) == (dt.date(2019, 12, 31), 2019)


def test_others_cannot_start_a_run(world, users, client):
    for user in (users.clerk_a, users.county, users.auditor):
        assert login(client, user).post("/eligibility/runs/start/", {"as_of": "2019-12-31"}).status_code == 404
        assert login(client, user).get("/eligibility/runs/start/?as_of=2019-12-31").status_code == 404
    assert not RecomputeRun.objects.exists()


@pytest.fixture
def changed(world):
    h = good_household(world.village_a)
    recompute_sync(as_of=AS_OF)
    h.has_safe_water = False
    h.save()
    recompute_sync(as_of=AS_OF + dt.timedelta(days=1))
    return h


def test_changes_list_names_the_criterion(changed, users, client, django_assert_max_num_queries):
    login(client, users.clerk_a)
    with django_assert_max_num_queries(12):
        r = client.get("/eligibility/changes/")
    assert r.status_code == 200
    assert f'data-household="{changed.number}"'.encode() in r.content
    assert b'data-code="water"' in r.content


def test_changes_of_another_village_are_not_shown(changed, users, client):
    r = login(client, users.clerk_b).get("/eligibility/changes/")
    assert r.status_code == 200 and changed.number.encode() not in r.content


def test_province_staff_edit_parameters_with_history(world, users, client):
    login(client, users.province)
    assert client.get("/eligibility/parameters/").status_code == 200
    form = client.get("/eligibility/parameters/2019/")
    assert form.status_code == 200 and b'value="3218' in form.content
    data = {
        "poverty_line": "3500",
        "incidence_threshold": "2",
        "wrong_exit_threshold": "2",
        "omission_threshold": "2",
        "approval_threshold": "90",
        "notice_days": "7",
        "monitoring_income_multiplier": "1.5",
        "monitoring_drop_ratio": "0.3",
        "monitoring_notice_days": "5",
        "risk_removal_months": "6",
        "collective_income_threshold": "0",
    }
    assert client.post("/eligibility/parameters/2019/", data).status_code == 302
    assert client.post("/eligibility/parameters/2019/", data | {"poverty_line": "3600"}).status_code == 302
    row = PolicyParameter.objects.get(year=2019)
    assert (row.version, str(row.poverty_line)) == (2, "3600.00")
    assert row.history.count() == 2 and row.history.first().history_user == users.province
    page = client.get("/eligibility/parameters/")
    assert b'data-year="2019" data-version="2"' in page.content


def test_a_line_below_the_national_line_is_refused_and_nothing_changes(world, users, client):
    login(client, users.province)
    r = client.post("/eligibility/parameters/2019/", {"poverty_line": "3000", "notice_days": "7"})
    assert r.status_code == 200 and b'data-field="poverty_line"' in r.content
    assert not PolicyParameter.objects.exists()


def test_only_province_staff_edit_parameters(world, users, client):
    for user in (users.clerk_a, users.county, users.auditor):
        assert login(client, user).get("/eligibility/parameters/2019/").status_code == 404


def test_the_household_partial_shows_each_criterion(world, users, rf):
    h = good_household(world.village_a, has_safe_water=None)
    recompute_sync(as_of=AS_OF)
    html = render_to_string("households/partials/exit_check.html", {"household": h, "user": users.clerk_a})
    assert html.count("data-criterion=") == 7
    assert 'data-criterion="water" data-passed="missing"' in html
    assert 'data-criterion="income" data-passed="passed"' in html
    assert 'data-eligible="false"' in html


def test_the_household_page_includes_the_exit_check(world, users, client):
    h = good_household(world.village_a)
    r = login(client, users.clerk_a).get(f"/households/{h.number}/")
    assert r.status_code == 200 and b'data-testid="exit-check"' in r.content


def test_the_region_partial_shows_undefined_and_failing_reasons(world, users):
    good_household(world.village_a)
    recompute_sync(as_of=AS_OF)
    html = render_to_string("regions/partials/indicators.html", {"region": world.village_a, "user": users.county})
    assert 'data-testid="incidence"' in html and "%" not in html.split('data-testid="incidence"')[1][:40]
    assert 'data-code="incidence_undefined"' in html
    county = render_to_string("regions/partials/indicators.html", {"region": world.county, "user": users.county})
    assert 'data-code="awaiting_verification"' in county


def test_the_region_page_includes_the_indicators(world, users, client):
    recompute_sync(as_of=AS_OF)
    r = login(client, users.county).get(f"/regions/{world.county.code}/")
    assert r.status_code == 200 and b'data-testid="indicators"' in r.content


def test_a_second_start_while_today_runs_enqueues_nothing(world, users, client, monkeypatch):
    from eligibility import views as eligibility_views
    from villages.working_year import current_policy_date

    year, day = current_policy_date()  # what the button starts: the working year as of its policy date
    RecomputeRun.objects.create(
        as_of=day, policy_year=year, params_version=0, trigger="nightly", state=RunState.RUNNING
    )
    calls = []
    monkeypatch.setattr(eligibility_views, "recompute_enqueue", lambda **kw: calls.append(kw))
    r = login(client, users.province).post("/eligibility/runs/start/", {"as_of": day.isoformat()})
    assert r.status_code == 302
    assert calls == [] and RecomputeRun.objects.count() == 1
