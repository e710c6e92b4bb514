"""County officials record a region's yearly figures (§2, §5.4)."""

from decimal import Decimal

import pytest

from tests.conftest import login
from villages.models import RegionYear


def url(region, year=2019):
    return f"/regions/{region.code}/years/{year}/edit/"


DATA = {
    "rural_population": "1200",
    "has_hard_road": "true",
    "has_safe_water": "true",
    "has_electricity": "true",
    "has_broadband": "false",
    "has_standard_clinic": "unknown",
    "has_cultural_venue": "true",
    "collective_income": "35000.50",
}


def test_a_county_official_records_a_villages_figures(client, tree, users):
    login(client, users.county)
    assert client.get(url(tree.village_a)).status_code == 200
    response = client.post(url(tree.village_a), DATA)
    assert response.status_code == 302
    y = RegionYear.objects.get(region=tree.village_a, year=2019)
    assert (y.rural_population, y.has_broadband, y.has_standard_clinic) == (1200, False, None)
    assert y.collective_income == Decimal("35000.50")
    client.post(url(tree.village_a), {**DATA, "rural_population": "1300"})
    assert RegionYear.objects.get(region=tree.village_a, year=2019).rural_population == 1300


@pytest.mark.parametrize("field", ["rural_population", "collective_income"])
def test_negative_figures_are_refused_and_nothing_is_saved(client, tree, users, field):
    login(client, users.county)
    response = client.post(url(tree.village_a), {**DATA, field: "-1"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not RegionYear.objects.exists()


@pytest.mark.parametrize(
    ("who", "region", "status"),
    [
        ("county", "village_a", 200),
        ("county", "county", 200),
        ("county", "village_d", 404),
        ("county2", "village_a", 404),
        ("clerk_a", "village_a", 404),
        ("clerk_b", "village_a", 404),
        ("township", "village_a", 404),
        ("province", "township", 404),  # province staff set villages' and counties' flags only (issue 14)
        ("county", "city", 404),
    ],
)
def test_only_county_officials_inside_their_county_edit_figures(client, tree, users, who, region, status):
    login(client, getattr(users, who))
    assert client.get(url(getattr(tree, region))).status_code == status
    if status == 404:
        assert client.post(url(getattr(tree, region)), DATA).status_code == 404
        assert not RegionYear.objects.exists()


def test_the_latest_figures_show_on_the_region_page(client, tree, users):
    RegionYear.objects.create(region=tree.village_a, year=2018, rural_population=900)
    RegionYear.objects.create(region=tree.village_a, year=2019, rural_population=1000)
    login(client, users.clerk_a)
    assert client.get(f"/regions/{tree.village_a.code}/").context["latest"].year == 2019


def test_an_impossible_year_is_404(client, tree, users):
    login(client, users.county)
    assert client.get(url(tree.village_a, 1999)).status_code == 404


def test_province_staff_see_the_year_page_for_the_flags_but_record_no_figures(client, tree, users):
    login(client, users.province)
    page = client.get(url(tree.village_a))
    assert page.status_code == 200 and page.context["form"] is None and page.context["flags_form"] is not None
    assert client.post(url(tree.village_a), DATA).status_code == 404
    assert not RegionYear.objects.exists()
