"""A region's flags are kept per year (§2, issue 14): read through villages.flags, set on the region's year
page by the county office (its villages) and province staff, with the change history on the page."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditLog
from tests.conftest import login
from villages.flags import flags_for, region_flags_save, year_flags
from villages.models import Region, RegionYear, WorkingYear

pytestmark = pytest.mark.django_db


def url(region, year=2020, page="edit"):
    return f"/regions/{region.code}/years/{year}/{page}/"


VILLAGE = {
    "is_poverty_village": "true",
    "is_deep_poverty": "true",
    "is_border_village": "false",
    "reason": "省扶贫办文件",
}


# --- The rule: the year's value, else the latest earlier year's, else the Region's standing field. ---


def test_a_year_without_a_record_reads_the_regions_standing_flags(tree):
    flags = flags_for(tree.village_a, 2020)
    assert (flags.is_poverty_village, flags.is_deep_poverty, flags.recorded) == (True, False, False)
    assert flags_for(tree.county, 2020).poverty_county == "provincial"


def test_each_year_reads_its_own_record_and_a_later_year_carries_the_last_one(tree):
    RegionYear.objects.create(region=tree.village_a, year=2019, is_deep_poverty=True, is_border_village=True)
    RegionYear.objects.create(region=tree.village_a, year=2020, is_deep_poverty=False)  # border left empty
    assert flags_for(tree.village_a, 2018).is_deep_poverty is False  # before any record: the region's
    assert flags_for(tree.village_a, 2019).is_deep_poverty is True
    y2020 = flags_for(tree.village_a, 2020)
    assert (y2020.is_deep_poverty, y2020.is_border_village, y2020.recorded) == (False, True, True)
    assert flags_for(tree.village_a, 2021).is_deep_poverty is False  # 2020's, carried over


@pytest.mark.parametrize("year", [2018, 2019, 2020, 2021])
def test_the_annotation_for_lists_agrees_with_flags_for(tree, year):
    RegionYear.objects.create(region=tree.village_a, year=2019, is_poverty_village=False, is_border_village=True)
    RegionYear.objects.create(region=tree.village_b, year=2020, is_poverty_village=True, is_deep_poverty=True)
    RegionYear.objects.create(region=tree.county, year=2020, poverty_county="")
    RegionYear.objects.create(region=tree.county2, year=2019, poverty_county="national")
    rows = Region.objects.annotate(**year_flags(year)).order_by("code")
    for region in rows:
        expected = flags_for(region, year)
        assert region.year_is_poverty_village == expected.is_poverty_village, region
        assert region.year_is_deep_poverty == expected.is_deep_poverty, region
        assert region.year_is_border_village == expected.is_border_village, region
        assert region.year_poverty_county == expected.poverty_county, region


def test_the_migration_copies_the_regions_flags_into_every_year_in_one_update(tree):
    Region.objects.filter(pk=tree.village_a.pk).update(is_border_village=True)
    for year in (2018, 2019):
        RegionYear.objects.create(region=tree.village_a, year=year, rural_population=100)
        RegionYear.objects.create(region=tree.county, year=year, rural_population=1000)
    migration = importlib.import_module("villages.migrations.0005_region_exit_year_and_flags_by_year")
    with CaptureQueriesContext(connection) as queries:
        migration.copy_region_flags(apps, None)
    assert len(queries) == 1  # set-based: one UPDATE whatever the number of rows
    village_years = RegionYear.objects.filter(region=tree.village_a)
    assert set(village_years.values_list("is_poverty_village", "is_deep_poverty", "is_border_village")) == {
        (True, False, True)
    }
    assert set(RegionYear.objects.filter(region=tree.county).values_list("poverty_county", flat=True)) == {"provincial"}


# --- The page. ---


def test_a_county_official_sets_a_villages_flags_of_a_year_and_sees_the_history(client, tree, users):
    RegionYear.objects.create(region=tree.village_a, year=2020, rural_population=500, is_deep_poverty=False)
    login(client, users.county)
    page = client.get(url(tree.village_a))
    assert page.status_code == 200
    assert page.context["flags_form"].initial["is_poverty_village"] == "true"
    response = client.post(url(tree.village_a, page="flags"), VILLAGE)
    assert response.status_code == 302 and response["Location"] == url(tree.village_a)
    year = RegionYear.objects.get(region=tree.village_a, year=2020)
    assert (year.is_poverty_village, year.is_deep_poverty, year.is_border_village) == (True, True, False)
    assert year.rural_population == 500  # the figures are left as they were
    entry = AuditLog.objects.get(object_type="region_year", object_id=str(year.pk), action="change")
    assert entry.user == users.county and entry.detail["reason"] == "省扶贫办文件"

    history = client.get(url(tree.village_a)).context["history"]
    lines = [line for e in history for line in e["lines"]]
    assert any("深度贫困" in line or "deep poverty" in line for line in lines)
    deep = next(line for line in lines if "深度贫困" in line or "deep poverty" in line)
    assert "→" in deep and deep.index("否" if "否" in deep else "No") < deep.index("是" if "是" in deep else "Yes")
    assert history[0]["user"] == users.county
    assert flags_for(tree.village_a, 2020).is_deep_poverty is True
    assert flags_for(tree.village_a, 2019).is_deep_poverty is False  # another year is left alone


def test_a_year_without_a_row_gets_one_with_the_flags_only(client, tree, users):
    login(client, users.county)
    assert client.post(url(tree.village_c, 2019, "flags"), VILLAGE).status_code == 302
    year = RegionYear.objects.get(region=tree.village_c, year=2019)
    assert (year.is_deep_poverty, year.rural_population, year.created_by) == (True, None, users.county)


@pytest.mark.parametrize(
    ("who", "region", "status"),
    [
        ("county2", "village_a", 404),  # a county official of another county
        ("clerk_a", "village_a", 404),  # the village's own clerk
        ("township", "village_a", 404),
        ("city", "village_a", 404),
        ("auditor", "village_a", 404),
        ("county", "county", 404),  # a county does not classify itself
        ("county", "township", 404),  # townships have no flags
        ("province", "township", 404),
    ],
)
def test_only_the_county_office_and_province_staff_set_flags(client, tree, users, who, region, status):
    login(client, getattr(users, who))
    target = getattr(tree, region)
    assert client.post(url(target, page="flags"), VILLAGE | {"poverty_county": "national"}).status_code == status
    assert not RegionYear.objects.exists()


def test_province_staff_set_a_countys_flags(client, tree, users):
    login(client, users.province)
    assert client.get(url(tree.county)).status_code == 200
    data = {"poverty_county": "none", "is_deep_poverty": "true", "reason": "2020年脱贫摘帽"}
    assert client.post(url(tree.county, page="flags"), data).status_code == 302
    assert flags_for(tree.county, 2020).poverty_county == ""
    assert flags_for(tree.county, 2020).is_deep_poverty is True
    assert client.post(url(tree.village_d, page="flags"), VILLAGE).status_code == 302  # any village


@pytest.mark.parametrize(
    "bad",
    [
        {"is_deep_poverty": "maybe"},
        {"is_deep_poverty": ""},
        {"is_border_village": None},
        {"reason": "很长" * 200},
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, tree, users, bad):
    RegionYear.objects.create(region=tree.village_a, year=2020, is_deep_poverty=False)
    login(client, users.county)
    data = {k: v for k, v in (VILLAGE | bad).items() if v is not None}
    before = AuditLog.objects.count()
    response = client.post(url(tree.village_a, page="flags"), data)
    assert response.status_code == 200
    assert response.context["flags_form"].errors
    assert b"data-field-error" in response.content
    assert RegionYear.objects.get(region=tree.village_a, year=2020).is_deep_poverty is False
    assert AuditLog.objects.count() == before


def test_a_bad_county_kind_is_refused(client, tree, users):
    login(client, users.province)
    response = client.post(url(tree.county, page="flags"), {"poverty_county": "global", "is_deep_poverty": "false"})
    assert response.status_code == 200 and "poverty_county" in response.context["flags_form"].errors
    assert not RegionYear.objects.exists()


def test_a_year_outside_the_policy_is_404(client, tree, users):
    login(client, users.county)
    assert client.post(url(tree.village_a, 1999, "flags"), VILLAGE).status_code == 404


def test_the_region_page_shows_the_working_years_flags(client, tree, users):
    WorkingYear.objects.create(year=2020)
    region_flags_save(
        region=tree.village_a,
        year=2020,
        flags={"is_poverty_village": True, "is_deep_poverty": False, "is_border_village": True},
    )
    RegionYear.objects.create(region=tree.village_b, year=2020, is_poverty_village=True)
    login(client, users.township)
    page = client.get(f"/regions/{tree.village_a.code}/")
    assert page.context["flags"].is_border_village is True
    assert b'data-flag="is_border_village"' in page.content
    children = {c.code: c for c, _n in client.get(f"/regions/{tree.township.code}/").context["rows"]}
    assert children[tree.village_b.code].year_is_poverty_village is True  # its 2020 record, not its standing field


def test_the_region_api_gives_the_working_years_flags_and_the_exit_year(client, tree, users):
    WorkingYear.objects.create(year=2020)
    RegionYear.objects.create(region=tree.village_a, year=2019, is_deep_poverty=True)
    RegionYear.objects.create(region=tree.village_a, year=2020, is_deep_poverty=False, is_poverty_village=False)
    Region.objects.filter(pk=tree.village_a.pk).update(exit_year=2019)
    login(client, users.clerk_a)
    data = client.get(f"/api/v1/regions/{tree.village_a.code}/").json()
    assert (data["is_poverty_village"], data["is_deep_poverty"], data["exit_year"]) == (False, False, 2019)
