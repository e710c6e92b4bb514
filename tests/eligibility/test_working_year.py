"""The working year (issue 13, items 1, 4 and 7): the nightly run and every current page evaluate the
working year Y as of min(run date, 31 December Y); province staff open Y+1 (年度切换) through a preview
and a confirmation, with history and an audit entry; the demo's working year is 2020."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from accounts.models import AuditLog, Role
from eligibility import services
from eligibility.models import HouseholdCheck, PolicyParameter, RecomputeRun, RunState
from eligibility.policy import policy_parameter_save
from eligibility.rules.run import recompute_sync
from eligibility.tasks import nightly_recompute
from eligibility.year_switch import year_switch_preview
from households import choices as c
from tests import factories as f
from tests.conftest import login
from villages.models import RegionIndicator, RegionYear, WorkingYear
from villages.working_year import current_policy_date, working_year

from .conftest import good_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def on(monkeypatch):
    """on(day): make `timezone.localdate()` (today, Asia/Shanghai) answer `day` from now on."""
    real = timezone.localdate

    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(
            timezone, "localdate", lambda value=None, tz=None: day if value is None else real(value, tz)
        )

    return set_today


def results(day: dt.date) -> dict:
    """What the run of `day` says of every household: eligibility, every criterion and the values."""
    return {
        ch.household_id: (
            ch.policy_year,
            ch.eligible,
            tuple(ch.passed(code) for code in ("income", "food", "clothing", "education", "medical", "housing")),
            ch.member_count,
            ch.net_income,
        )
        for ch in HouseholdCheck.objects.on(day)
    }


def three_households(world):
    """An eligible household, one below the line and one without an income of 2019 (but one of 2020)."""
    eligible = good_household(world.village_a)
    below = good_household(world.village_b, wages="1000")
    unsurveyed = good_household(world.village_d, wages=None)
    f.income(unsurveyed, 2020, wages="90000")  # the next year's survey: no part of 2019's results
    return eligible, below, unsurveyed


# ---------------------------------------------------------------------------------------------------
# The nightly run (item 1, §5.6)


def test_the_nightly_run_on_5_january_gives_the_results_of_31_december(world, on, django_capture_on_commit_callbacks):
    eligible, below, unsurveyed = three_households(world)  # the world's working year is 2019
    on(dt.date(2019, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):
        nightly_recompute.delay()
    december = results(dt.date(2019, 12, 31))
    assert december[eligible.pk][1] is True and december[below.pk][1] is False
    assert december[unsurveyed.pk][2][0] is None  # no income of 2019: missing

    on(dt.date(2020, 1, 5))  # the calendar turned, the working year did not
    assert current_policy_date() == (2019, dt.date(2019, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):
        nightly_recompute.delay()
    run = RecomputeRun.objects.order_by("-id").first()
    assert (run.as_of, run.policy_year, run.state) == (dt.date(2019, 12, 31), 2019, RunState.DONE)
    assert results(dt.date(2019, 12, 31)) == december
    assert HouseholdCheck.objects.count() == 3  # the rerun of the date replaced, never duplicated
    indicator = RegionIndicator.objects.get(region=world.county)
    assert (indicator.as_of, indicator.year) == (dt.date(2019, 12, 31), 2019)

    # The command without --as-of does the same; with --as-of it evaluates that date's own year.
    assert recompute_sync().as_of == dt.date(2019, 12, 31)
    explicit = recompute_sync(as_of=dt.date(2020, 1, 5))
    assert (explicit.as_of, explicit.policy_year) == (dt.date(2020, 1, 5), 2020)
    assert results(dt.date(2020, 1, 5))[eligible.pk][2][0] is None  # no income record of 2020


def test_the_start_button_runs_the_working_year_as_of_its_policy_date(world, users, client, on, monkeypatch):
    from eligibility import views

    on(dt.date(2020, 1, 5))
    calls = []
    monkeypatch.setattr(views, "recompute_enqueue", lambda **kw: calls.append(kw))
    login(client, users.province)
    assert b'value="2019-12-31"' in client.get("/eligibility/").content  # the date offered
    assert client.post("/eligibility/runs/start/", {"as_of": "2019-12-31"}).status_code == 302
    assert calls == [{"as_of": dt.date(2019, 12, 31), "user": users.province, "year": 2019}]
    # another date evaluates its own year (issue 15, item 3)
    assert client.post("/eligibility/runs/start/", {"as_of": "2020-01-05"}).status_code == 302
    assert calls[1] == {"as_of": dt.date(2020, 1, 5), "user": users.province, "year": 2020}


# ---------------------------------------------------------------------------------------------------
# The year switch (item 1): preview, confirmation, refusals


def test_the_preview_counts_what_the_year_leaves_open(world, users, on):
    from workflows.definitions import CaseType, State
    from workflows.models import Case

    on(dt.date(2020, 1, 10))
    policy_parameter_save(user=users.province, year=2019, values={"poverty_line": Decimal("3500"), "notice_days": 9})
    surveyed = good_household(world.village_a)  # poor, with its 2019 income: not counted
    good_household(world.village_a, wages=None)  # poor without: counted
    good_household(world.village_b, wages=None, status=c.Status.RETURNED)  # returned without: counted as poor
    good_household(world.village_c, wages=None, status=c.Status.EXITED)  # exited without: monitored
    good_household(world.village_c, status=c.Status.EXITED_NO_POLICY)  # exited with: not counted
    good_household(world.village_d, wages=None, status=c.Status.CLOSED)  # closed: not counted
    good_household(world.village_d, wages=None, status=c.Status.NOT_POOR)  # 边缘易致贫户 without: monitored
    good_household(world.village_d, wages=None, status=c.Status.APPLICANT)  # an applicant: not counted
    f.income(surveyed, 2018, wages="1")  # another year's record does not count for 2019
    RegionYear.objects.create(region=world.village_a, year=2019, rural_population=500, collective_income=1000)
    RegionYear.objects.create(region=world.village_b, year=2019, rural_population=300)
    RegionYear.objects.create(region=world.village_c, year=2018, rural_population=300, collective_income=5)
    RegionYear.objects.create(region=world.village_d, year=2019)
    case = dict(household=surveyed, region=world.village_a, year=2019, opened_by=users.clerk_a)
    Case.objects.create(case_type=CaseType.HOUSEHOLD_EXIT, state=State.APPRAISED, state_since=timezone.now(), **case)
    Case.objects.create(
        case_type=CaseType.RETURN, state=State.WITHDRAWN, state_since=timezone.now(), closed_at=timezone.now(), **case
    )

    p = year_switch_preview(users.province)
    assert (p.current, p.next, p.next_as_of, p.not_begun) == (2019, 2020, dt.date(2020, 1, 10), False)
    assert (p.poor_without_income, p.monitored_without_income) == (2, 2)
    assert [(str(item.label), item.count) for item in p.open_items] == [(str(CaseType.HOUSEHOLD_EXIT.label), 1)]
    assert (p.villages, p.villages_without_population, p.villages_without_collective_income) == (4, 2, 3)
    # No parameters of 2020: 2019's are copied, the line raised to the national line of 2020 (§5.1).
    assert p.next_params is None
    assert (p.copied_params.poverty_line, p.copied_params.notice_days) == (Decimal("4000"), 9)

    on(dt.date(2019, 12, 20))
    assert year_switch_preview(users.province).not_begun is True


def test_province_staff_open_the_next_year_through_preview_and_confirmation(
    world, users, client, on, django_capture_on_commit_callbacks
):
    on(dt.date(2020, 1, 10))
    policy_parameter_save(user=users.province, year=2019, values={"poverty_line": Decimal("4200"), "notice_days": 9})
    login(client, users.province)
    page = client.get("/eligibility/working-year/")
    assert page.status_code == 200 and b'data-testid="year-switch"' in page.content
    preview = client.get("/eligibility/working-year/open/")
    assert preview.status_code == 200 and b'data-testid="switch-form"' in preview.content
    assert b'data-testid="next-parameters" data-copied="true"' in preview.content

    # Not confirmed, or the wrong year typed: the form again, nothing changed.
    for data in ({"year": "2020"}, {"year": "2021", "understood": "on"}):
        r = client.post("/eligibility/working-year/open/", data)
        assert r.status_code == 200 and r.context["form"].errors
    assert working_year() == 2019 and not AuditLog.objects.filter(object_type="working_year", action="change")

    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/eligibility/working-year/open/", {"year": "2020", "understood": "on", "note": "年度切换"})
    assert r.status_code == 302 and r["Location"] == "/eligibility/working-year/"
    row = WorkingYear.objects.get(year=2020)
    assert (row.opened_by, row.note, working_year()) == (users.province, "年度切换", 2020)
    entry = AuditLog.objects.get(object_type="working_year", action="change", object_id="2020")
    assert entry.user == users.province and entry.detail["previous_year"] == 2019
    assert entry.detail["parameters_copied_from"] == 2019
    params = PolicyParameter.objects.get(year=2020)
    assert (params.poverty_line, params.notice_days, params.version) == (Decimal("4200"), 9, 1)
    run = RecomputeRun.objects.get()  # the new year's results are computed at once
    assert (run.policy_year, run.as_of, run.state, run.requested_by) == (
        2020,
        dt.date(2020, 1, 10),
        "done",
        users.province,
    )

    history = client.get("/eligibility/working-year/")
    assert b'data-year="2020"' in history.content and b'data-testid="working-years"' in history.content


def test_after_opening_the_next_year_a_household_without_its_income_is_missing_and_the_page_says_why(
    world, users, client, on, django_capture_on_commit_callbacks
):
    h = good_household(world.village_a)  # income of 2019 only
    on(dt.date(2020, 3, 1))
    recompute_sync()
    login(client, users.clerk_a)
    before = client.get(f"/households/{h.number}/").content.decode()
    assert 'data-testid="exit-check" data-eligible="true"' in before
    assert 'data-testid="policy-date" data-year="2019" data-day="2019-10-15"' not in before
    assert 'data-year="2019" data-day="2019-12-31"' in before

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.working_year_open(user=users.province, year=2020)
    # Before the new year's run: the page evaluates 2020 live.
    live = client.get(f"/households/{h.number}/").content.decode()
    assert 'data-testid="exit-check" data-eligible="false"' in live
    assert 'data-criterion="income" data-passed="missing"' in live
    assert (
        'data-testid="income-missing-why"' in live and "2020" in live.split('data-testid="income-missing-why"')[1][:200]
    )
    assert 'data-year="2020" data-day="2020-03-01"' in live

    for callback in callbacks:  # the recompute of 2020 started by the opening
        callback()
    check = HouseholdCheck.objects.get(household=h, since=dt.date(2020, 3, 1))
    assert (check.policy_year, check.income_passed, check.eligible) == (2020, None, False)
    stored = client.get(f"/households/{h.number}/").content.decode()
    assert 'data-criterion="income" data-passed="missing"' in stored and 'data-testid="income-missing-why"' in stored

    # The API says the same.
    api = client.get(f"/api/v1/households/{h.number}/exit-check/").json()
    assert (api["policy_year"], api["as_of"], api["source"]) == (2020, "2020-03-01", "nightly")
    assert api["criteria"]["income"]["passed"] is None


def test_a_second_or_concurrent_opening_of_the_same_year_is_refused_and_changes_nothing(world, users, on, monkeypatch):
    on(dt.date(2020, 1, 10))
    services.working_year_open(user=users.province, year=2020)
    entries = AuditLog.objects.filter(object_type="working_year", action="change").count()

    def refused(year: int) -> str:
        with pytest.raises(ValidationError) as exc:
            services.working_year_open(user=users.province, year=year)
        (error,) = exc.value.error_dict["year"]
        return error.code

    assert refused(2020) == "already_open"
    assert refused(2022) == "not_next"
    # A switch that read the year before the other one committed: the unique year refuses it.
    monkeypatch.setattr(services, "working_year", lambda: 2019)
    assert refused(2020) == "already_open"
    assert WorkingYear.objects.filter(year=2020).count() == 1
    assert AuditLog.objects.filter(object_type="working_year", action="change").count() == entries
    assert PolicyParameter.objects.filter(year=2020).count() == 1


def test_a_year_that_has_not_begun_cannot_be_opened(world, users, on):
    on(dt.date(2019, 12, 20))
    with pytest.raises(ValidationError) as exc:
        services.working_year_open(user=users.province, year=2020)
    assert exc.value.error_dict["year"][0].code == "not_begun"
    assert working_year() == 2019 and not PolicyParameter.objects.filter(year=2020).exists()


def test_only_province_staff_of_the_province_open_the_year_and_others_get_404(world, users, client, on):
    on(dt.date(2020, 1, 10))
    city_staff = f.user("province_city", Role.PROVINCE_STAFF, world.city)
    for user in (users.clerk_a, users.helper, users.township, users.county, users.city, users.auditor, users.admin):
        login(client, user)
        assert client.get("/eligibility/working-year/open/").status_code == 404
        assert client.post("/eligibility/working-year/open/", {"year": "2020", "understood": "on"}).status_code == 404
        with pytest.raises(PermissionDenied):
            services.working_year_open(user=user, year=2020)
    login(client, city_staff)
    assert client.post("/eligibility/working-year/open/", {"year": "2020", "understood": "on"}).status_code == 404
    assert working_year() == 2019
    # The page with the history: the province's readers; a village or county user gets 404.
    for user in (users.province, users.auditor, users.admin):
        r = login(client, user).get("/eligibility/working-year/")
        assert r.status_code == 200 and (b'data-testid="year-switch"' in r.content) == (user == users.province)
    for user in (users.clerk_a, users.clerk_b, users.county, users.city):
        assert login(client, user).get("/eligibility/working-year/").status_code == 404
    # The menu links the page for those who may open it.
    assert b'data-menu-link="eligibility:working_year"' in login(client, users.auditor).get("/eligibility/").content
    assert b'data-menu-link="eligibility:working_year"' not in login(client, users.clerk_a).get("/households/").content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_switches_open_the_year_once(tree, users, on, monkeypatch):
    on(dt.date(2020, 1, 10))
    WorkingYear.objects.create(year=2019)
    monkeypatch.setattr(services, "recompute_enqueue", lambda **kw: None)
    second = f.user("province_b", Role.PROVINCE_STAFF, tree.province)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def open_year(user):
        try:
            barrier.wait(timeout=10)
            services.working_year_open(user=user, year=2020)
            result = "opened"
        except ValidationError as e:
            result = "refused:" + ",".join(err.code for err in e.error_dict.get("year", []))
        except Exception as e:  # noqa: BLE001 - every failure must be reported, not lost
            result = f"error:{type(e).__name__}:{e}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=open_year, args=(u,)) for u in (users.province, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["opened", "refused:already_open"], outcomes
    assert WorkingYear.objects.filter(year=2020).count() == 1
    assert AuditLog.objects.filter(object_type="working_year", action="change").count() == 1


# ---------------------------------------------------------------------------------------------------
# Current pages say which year and date they show (item 1)


def test_current_pages_say_the_working_year_and_its_date(world, users, client, on):
    on(dt.date(2020, 1, 5))
    good_household(world.village_a)
    recompute_sync()
    line = b'data-testid="policy-date" data-year="2019" data-day="2019-12-31"'
    login(client, users.county)
    assert line in client.get(f"/regions/{world.county.code}/").content
    assert line in client.get("/eligibility/changes/").content
    assert b'data-testid="working-year-badge"' in client.get("/eligibility/parameters/").content
    assert line in login(client, users.province).get("/eligibility/").content
    # The region page's "edit the figures" link is for the working year, not the calendar's.
    assert (
        b"/regions/211224000000/years/2019/edit/"
        in login(client, users.county).get(f"/regions/{world.county.code}/").content
    )


# ---------------------------------------------------------------------------------------------------
# The demo (item 7)


def test_the_demo_s_working_year_is_2020_and_its_run_evaluates_31_december_2020(db, on):
    from demo.seed import seed_demo

    on(dt.date(2026, 12, 5))
    seed_demo(households=0, seed=1)
    row = WorkingYear.objects.get()
    assert (row.year, row.opened_by.username) == (2020, Role.PROVINCE_STAFF)
    assert current_policy_date() == (2020, dt.date(2020, 12, 31))
