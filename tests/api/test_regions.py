def codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_a_village_clerk_sees_only_their_village(api, tree, users):
    response = api(users.clerk_a).get("/api/v1/regions/")
    assert response.status_code == 200
    assert codes(response) == [tree.village_a.code]


def test_a_township_reviewer_sees_their_township_and_its_villages(api, tree, users):
    response = api(users.township).get("/api/v1/regions/")
    assert codes(response) == [tree.township.code, tree.village_a.code, tree.village_b.code]


def test_province_staff_see_the_whole_tree(api, tree, users):
    response = api(users.province).get("/api/v1/regions/")
    assert response.json()["count"] == 11


def test_regions_filter_by_level_and_by_parent_code(api, tree, users):
    client = api(users.province)
    assert codes(client.get("/api/v1/regions/", {"level": "county"})) == [tree.county2.code, tree.county.code]
    assert codes(client.get("/api/v1/regions/", {"parent": tree.township.code})) == [
        tree.village_a.code,
        tree.village_b.code,
    ]
    assert client.get("/api/v1/regions/", {"level": "planet"}).status_code == 400


def test_a_region_by_code_carries_its_parent_and_children_count(api, tree, users):
    response = api(users.county).get(f"/api/v1/regions/{tree.township.code}/")
    assert response.status_code == 200
    data = response.json()
    assert (data["parent"], data["children_count"], data["level"]) == (tree.county.code, 2, "township")


def test_a_region_outside_the_scope_is_404(api, tree, users):
    assert api(users.clerk_b).get(f"/api/v1/regions/{tree.village_a.code}/").status_code == 404
    assert api(users.county).get(f"/api/v1/regions/{tree.county2.code}/").status_code == 404
    assert api(users.clerk_a).get("/api/v1/regions/999999999999/").status_code == 404


def test_regions_are_read_only(api, tree, users):
    client = api(users.county)
    assert client.post("/api/v1/regions/", {"code": "211224100009"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/regions/{tree.village_a.code}/").status_code == 405


def test_the_region_list_takes_a_fixed_number_of_queries(api, tree, users, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert api(users.province).get("/api/v1/regions/").status_code == 200
