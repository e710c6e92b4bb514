"""The data-quality page (§8.2, §12): a cadre's list, an official's counts, scope and query counts."""

from django.urls import reverse

from households import choices as c
from households.models import Household, Member
from monitoring.models import QualityCode
from monitoring.services import quality_run_county

from .conftest import AS_OF, clean_household

URL = reverse("monitoring:quality")


def faulty(village, n=1):
    """n households with a DQ12 finding each (housing area 0)."""
    homes = [clean_household(village) for _ in range(n)]
    Household.objects.filter(pk__in=[h.pk for h in homes]).update(housing_area=0)
    return homes


def test_a_clerk_sees_the_findings_of_the_village_with_links_to_the_household(client, tree, users):
    (mine,) = faulty(tree.village_a)
    faulty(tree.village_b)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    client.force_login(users.clerk_a)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.context["page"]
    assert [f.household_id for f in page] == [mine.pk]
    assert f'href="/households/{mine.number}/"' in response.content.decode()


def test_the_list_filters_by_code(client, tree, users):
    (h,) = faulty(tree.village_a)
    Member.objects.filter(household=h, relationship=c.Relationship.HEAD).update(labour_ability="lost")
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    client.force_login(users.clerk_a)
    codes = {f.code for f in client.get(URL, {"code": "DQ07"}).context["page"]}
    assert codes == {"DQ07"}
    assert {f.code for f in client.get(URL).context["page"]} == {"DQ07", "DQ12"}


def test_only_the_latest_run_of_a_county_is_shown(client, tree, users):
    (h,) = faulty(tree.village_a)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    Household.objects.filter(pk=h.pk).update(housing_area=90)
    quality_run_county(as_of=AS_OF.replace(day=30), county_id=tree.county.pk)  # an older night replayed
    quality_run_county(as_of=AS_OF.replace(year=2020, month=1, day=1), county_id=tree.county.pk)
    client.force_login(users.clerk_a)
    assert list(client.get(URL).context["page"]) == []


def test_a_clerk_of_another_village_gets_404_for_village_a(client, tree, users):
    faulty(tree.village_a)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    client.force_login(users.clerk_b)
    assert client.get(URL, {"region": tree.village_a.code}).status_code == 404
    assert list(client.get(URL).context["page"]) == []
    client.force_login(users.county2)
    assert client.get(URL, {"region": tree.county.code}).status_code == 404


def test_an_official_sees_counts_per_child_region_and_code(client, tree, users):
    faulty(tree.village_a, 2)
    faulty(tree.village_c, 1)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    client.force_login(users.county)
    response = client.get(URL)
    rows = {r["region"].code: r for r in response.context["rows"]}
    assert rows[tree.township.code]["total"] == 2
    assert rows[tree.township2.code]["total"] == 1
    dq12 = QualityCode.values.index("DQ12")
    assert rows[tree.township.code]["counts"][dq12] == 2
    assert response.context["grand_total"] == 3
    down = client.get(URL, {"region": tree.township.code}).context["rows"]
    assert {r["region"].code: r["total"] for r in down} == {tree.village_a.code: 2, tree.village_b.code: 0}
    village = client.get(URL, {"region": tree.village_a.code})
    assert village.context["page"].paginator.count == 2


def test_the_list_page_runs_a_fixed_number_of_queries(client, tree, users, django_assert_max_num_queries):
    faulty(tree.village_a, 3)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    client.force_login(users.clerk_a)
    client.get(URL)
    with django_assert_max_num_queries(8):
        small = client.get(URL)
    faulty(tree.village_a, 12)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    with django_assert_max_num_queries(8):
        big = client.get(URL)
    assert big.context["page"].paginator.count == 15 > small.context["page"].paginator.count


def test_the_counts_page_runs_a_fixed_number_of_queries(client, tree, users, django_assert_max_num_queries):
    faulty(tree.village_a, 2)
    faulty(tree.village_c, 2)
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    client.force_login(users.province)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_bad_filter_values_are_ignored_not_an_error(client, tree, users):
    client.force_login(users.clerk_a)
    response = client.get(URL, {"code": "DQ99", "region": tree.village_a.code})
    assert response.status_code == 200
    assert response.context["region"] == tree.village_a
    assert client.get(URL, {"region": "nonsense"}).status_code == 404


def test_a_helper_sees_the_findings_of_the_paired_households_only(client, tree, users):
    from households.models import Pairing

    from .conftest import helper_for

    mine, other = faulty(tree.village_a, 2)
    Pairing.objects.create(
        helper=helper_for(tree.county, user=users.helper), household=mine, start=AS_OF.replace(year=2018)
    )
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    client.force_login(users.helper)
    response = client.get(URL)
    assert response.context["show_list"]
    assert {f.household_id for f in response.context["page"]} == {mine.pk}
