"""Every year and date the policy can mean lies from 2013 (the start of 精准扶贫) to the year after the
working year (issue 12, item 9; issue 13): refused otherwise with one Chinese message, next to the field,
in the forms and in the API. Most tests here work in this year (the fixture below); the bound's own
tests set the working year themselves."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from assistance.models import AssistanceRecord, SmallLoan, Visit
from funds.models import Allocation, Arrangement, Disbursement
from households.models import Household, Income, MemberEvent
from povertymgmt import dates
from povertymgmt.dates import POLICY_FIRST_YEAR, PolicyDateValidator, PolicyYearValidator, policy_last_year
from projects.models import Project
from tests.conftest import login
from villages.models import AnnualTarget, RegionYear, WorkingYear
from villages.working_year import working_year

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1
YEAR_MESSAGE = f"请输入 2013 年至 {NEXT_YEAR} 年之间的年份。"
DATE_MESSAGE = f"请输入 2013-01-01 至 {NEXT_YEAR}-12-31 之间的日期。"


@pytest.fixture(autouse=True)
def working_year_is_this_year():
    """The province works in this year: the bound is next year, as the messages above say."""
    WorkingYear.objects.get_or_create(year=NEXT_YEAR - 1)


YEAR_FIELDS = [
    (Allocation, "year"),
    (Project, "year"),
    (RegionYear, "year"),
    (AnnualTarget, "year"),
    (Income, "year"),
    (Household, "identification_year"),
    (Household, "exit_year"),
    (Household, "return_year"),
]
DATE_FIELDS = [
    (Allocation, "date"),
    (Arrangement, "date"),
    (Disbursement, "date"),
    (AssistanceRecord, "date"),
    (Visit, "visited_on"),
    (SmallLoan, "issued_on"),
    (SmallLoan, "repaid_on"),
    (SmallLoan, "due_on"),
    (SmallLoan, "extended_to"),
    (Project, "planned_start"),
    (Project, "planned_end"),
    (MemberEvent, "date"),
]


def _errors(model, name, value) -> list[str]:
    with translation.override("zh-hans"):
        try:
            model._meta.get_field(name).run_validators(value)
        except ValidationError as exc:
            return list(exc.messages)
    return []


@pytest.mark.parametrize(("model", "name"), YEAR_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_policy_years_are_bounded(model, name):
    # PostgreSQL also adds its integer range's own message for a number this large.
    assert YEAR_MESSAGE in _errors(model, name, 7954641)
    assert _errors(model, name, 2012) == [YEAR_MESSAGE]
    assert _errors(model, name, NEXT_YEAR + 1) == [YEAR_MESSAGE]
    assert _errors(model, name, POLICY_FIRST_YEAR) == []
    assert _errors(model, name, NEXT_YEAR) == []


@pytest.mark.parametrize(("model", "name"), DATE_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_policy_dates_are_bounded(model, name):
    (message,) = _errors(model, name, dt.date(1, 1, 1))
    assert message.startswith("请输入 2013-01-01 至 ")
    assert _errors(model, name, dt.date(2012, 12, 31)) == [message]
    assert _errors(model, name, dt.date(9999, 12, 31)) == [message]
    assert _errors(model, name, dt.date(2013, 1, 1)) == []
    assert _errors(model, name, dt.date(NEXT_YEAR, 12, 31)) == []


def test_due_dates_look_further_ahead_than_next_year():
    """A loan runs up to 120 months (§10): its due date may lie years ahead, never before 2013."""
    assert _errors(SmallLoan, "due_on", dt.date(NEXT_YEAR + 9, 6, 1)) == []
    assert _errors(SmallLoan, "due_on", dt.date(2012, 6, 1))


def test_the_bound_follows_the_working_year_not_the_calendar(monkeypatch):
    """villages/apps.py hands the working year to povertymgmt.dates: with the working year 2020 the
    policy year 2021 is accepted and 2022 refused, whatever today's date."""
    WorkingYear.objects.all().delete()
    WorkingYear.objects.create(year=2020)
    assert dates._working_year_source is working_year
    assert policy_last_year() == 2021
    with translation.override("zh-hans"):
        assert _errors(Project, "year", 2021) == []
        assert _errors(Income, "year", 2022) == ["请输入 2013 年至 2021 年之间的年份。"]
        monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2020, 11, 3))
        assert _errors(Visit, "visited_on", dt.date(2021, 12, 31)) == []
        assert _errors(Visit, "visited_on", dt.date(2022, 1, 1)) == ["请输入 2013-01-01 至 2021-12-31 之间的日期。"]
    WorkingYear.objects.create(year=2021)  # 年度切换: the bound moves with it
    assert policy_last_year() == 2022
    assert _errors(Income, "year", 2022) == []


def test_a_date_of_today_is_never_refused_when_the_working_year_lags(monkeypatch):
    """The demo works in 2020 on today's real date: a visit of today is recorded, a policy year is not."""
    WorkingYear.objects.all().delete()
    WorkingYear.objects.create(year=2020)
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2026, 12, 5))
    assert _errors(Visit, "visited_on", dt.date(2026, 12, 5)) == []
    assert _errors(Visit, "visited_on", dt.date(2028, 1, 1))
    assert _errors(Income, "year", 2026)


def test_without_the_hook_the_bound_is_the_calendar_year(monkeypatch):
    """Before villages is ready (a migration, a script): the calendar year of timezone.localdate()."""
    monkeypatch.setattr(dates, "_working_year_source", None)
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2030, 6, 1))
    assert policy_last_year() == 2031
    assert _errors(Project, "year", 2031) == []
    assert _errors(Project, "year", 2032)


def test_the_validators_stay_deconstructible():
    """A model field keeps them in its migration without a year: makemigrations sees no change."""
    path, args, kwargs = PolicyYearValidator().deconstruct()
    assert (path, args, kwargs) == ("povertymgmt.dates.PolicyYearValidator", (), {})
    assert PolicyDateValidator(years_ahead=15).deconstruct()[2] == {"years_ahead": 15}
    assert PolicyDateValidator(years_ahead=15) == PolicyDateValidator(years_ahead=15)


# --- forms: the message next to the field ---


@pytest.mark.parametrize("value", ["0001-01-01", "2012-12-31", f"{NEXT_YEAR + 1}-01-01"])
def test_assistance_form_refuses_a_date_out_of_the_policy(client, users, homes, value):
    login(client, users.clerk_a)
    url = reverse("assistance:record_create", args=[homes.a.number])
    resp = client.post(url, {"category": "health", "date": value, "content": "体检", "amount": "30"})
    assert resp.status_code == 200
    assert resp.context["form"].errors["date"] == [DATE_MESSAGE]
    assert DATE_MESSAGE in resp.content.decode()
    assert AssistanceRecord.objects.count() == 0


def test_allocation_form_refuses_a_fund_year_out_of_the_policy(client, users, tree):
    login(client, users.county)
    resp = client.post(
        reverse("funds:allocation_create"),
        {"source": "central", "county": tree.county.pk, "document_number": "D1", "amount": "10", "date": "2019-01-01"}
        | {"year": "7954641"},
    )
    assert resp.status_code == 200
    assert resp.context["form"].errors["year"] == [YEAR_MESSAGE]
    assert Allocation.objects.count() == 0


def test_visit_form_refuses_a_date_before_2013(client, users, homes):
    login(client, users.clerk_a)
    resp = client.post(
        reverse("assistance:visit_create", args=[homes.a.number]), {"visited_on": "2012-01-01", "findings": "x"}
    )
    assert resp.status_code == 200
    assert resp.context["form"].errors["visited_on"] == [DATE_MESSAGE]
    assert Visit.objects.count() == 0


# --- the API: the same message under the field's name ---


def _api_cases(tree, homes):
    return [
        (
            "/api/v1/funds/allocations/",
            {"source": "provincial", "county": tree.county.code, "document_number": "D1", "amount": "8"},
            {"date": "1999-04-01"},
            "date",
        ),
        (
            "/api/v1/funds/allocations/",
            {"source": "provincial", "county": tree.county.code, "document_number": "D1", "amount": "8"},
            {"date": "2019-04-01", "year": 7954641},
            "year",
        ),
        (
            "/api/v1/assistance/records/",
            {"household": homes.a.number, "category": "employment", "content": "公益岗", "amount": "600.00"},
            {"date": "0001-01-01"},
            "date",
        ),
        (
            "/api/v1/assistance/visits/",
            {"household": homes.a.number, "findings": "x"},
            {"visited_on": "2012-12-31"},
            "visited_on",
        ),
        (
            "/api/v1/projects/",
            {
                "name": "修路",
                "county": tree.county.code,
                "villages": [tree.village_a.code],
                "category": "infra_road",
                "implementing_unit": "交通局",
                "benefit_linkage": "employment",
            },
            {"year": 7954641},
            "year",
        ),
    ]


@pytest.mark.parametrize("case", range(5), ids=["allocation-date", "allocation-year", "record", "visit", "project"])
def test_api_refuses_dates_and_years_out_of_the_policy(client, users, tree, homes, case):
    url, body, bad, field = _api_cases(tree, homes)[case]
    login(client, users.county)
    before = {m: m.objects.count() for m in (Allocation, AssistanceRecord, Visit, Project)}
    resp = client.post(url, body | bad, content_type="application/json")
    assert resp.status_code == 400, resp.content
    messages = resp.json()[field]  # on PostgreSQL a huge year also breaks the integer range
    assert YEAR_MESSAGE in messages or DATE_MESSAGE in messages
    assert before == {m: m.objects.count() for m in (Allocation, AssistanceRecord, Visit, Project)}
