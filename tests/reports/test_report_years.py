"""Report years (§12, issues 12 and 13): year filters and annual targets accept the policy's years only
(povertymgmt.dates: 2013 to next year), and a report's default year is the working year, never the
calendar year."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from households import choices as c
from povertymgmt.dates import POLICY_FIRST_YEAR, policy_last_year
from reports import selectors, services
from reports.tables import REGISTRY, filter_form_class
from tests import factories as f
from villages.models import AnnualTarget, WorkingYear

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("exits", "year"),
        ("returns", "year"),
        ("households", "identified"),
        ("fund_ledger", "year"),
        ("projects", "year"),
    ],
)
def test_a_year_filter_takes_the_policy_years_only(users, key, name):
    form_class = filter_form_class(REGISTRY[key], users.province)
    for year, ok in (
        (POLICY_FIRST_YEAR - 1, False),
        (POLICY_FIRST_YEAR, True),
        (policy_last_year(), True),
        (policy_last_year() + 1, False),
        (2100, False),
    ):
        assert form_class(data={name: str(year)}).is_valid() is ok, (key, year)


def test_an_out_of_range_year_filter_is_ignored_with_a_message(client, tree, users):
    f.household(tree.village_a, by=users.admin, status=c.Status.EXITED, exit_year=2019)
    client.force_login(users.clerk_a)
    r = client.get("/reports/tables/exits/", {"year": "2100"})
    assert r.status_code == 200
    assert r.context["ctx"].year != 2100
    assert any("忽略" in str(m) or "ignored" in str(m) for m in r.context["messages"])


def test_the_tables_default_to_the_working_year(client, tree, users):
    f.household(tree.village_a, by=users.admin, status=c.Status.EXITED, exit_year=2018)
    f.household(tree.village_a, by=users.admin, status=c.Status.EXITED, exit_year=2019)
    WorkingYear.objects.create(year=2018)
    client.force_login(users.clerk_a)
    r = client.get("/reports/tables/exits/")
    assert r.context["ctx"].year == 2018 and r.context["page"].paginator.count == 1
    WorkingYear.objects.create(year=2019)
    r = client.get("/reports/tables/exits/")
    assert r.context["ctx"].year == 2019 and r.context["page"].paginator.count == 1
    assert client.get("/reports/tables/exits/", {"year": "2018"}).context["ctx"].year == 2018


def test_without_an_opened_year_the_default_is_the_configured_one_not_the_calendar(client, tree, users, settings):
    settings.WORKING_YEAR_DEFAULT = 2016
    assert timezone.localdate().year != 2016
    client.force_login(users.province)
    assert client.get("/reports/tables/exits/").context["ctx"].year == 2016
    # The dashboard before any nightly run: the working year too.
    assert selectors.dashboard(users.province, tree.province, None)["year"] == 2016


def test_annual_targets_take_the_policy_years_only(client, tree, users):
    for year in (POLICY_FIRST_YEAR - 1, policy_last_year() + 1):
        with pytest.raises(ValidationError) as refused:
            services.annual_target_save(
                user=users.province, region=tree.province, year=year, people=1, villages=1, counties=1
            )
        assert "policy_year" in str(refused.value.error_list[0].code)
    services.annual_target_save(
        user=users.province, region=tree.province, year=policy_last_year(), people=1, villages=1, counties=1
    )
    client.force_login(users.province)
    assert client.get(f"/reports/{tree.province.code}/targets/2100/").status_code == 404
    assert client.get(f"/reports/{tree.province.code}/targets/{POLICY_FIRST_YEAR}/").status_code == 200
    assert list(AnnualTarget.objects.values_list("year", flat=True)) == [policy_last_year()]
