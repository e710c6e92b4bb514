"""Bad input gets 400 (or 413) with the errors by field, and changes nothing (§3, §8.1)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from households.models import Assessment, Household, Income, Member, StatusEvent
from tests import factories as f

from .conftest import household_document

LIST = "/api/v1/households/"


def snapshot():
    """Everything a household write could touch."""
    return (
        list(Household.objects.order_by("id").values()),
        list(Member.objects.order_by("id").values()),
        list(Income.objects.order_by("id").values()),
        Assessment.objects.count(),
        StatusEvent.objects.count(),
    )


@pytest.fixture
def unchanged(homes):
    """Asserts, after the test, that the database is exactly as before."""
    before = snapshot()
    yield
    assert snapshot() == before


def post(api, users, doc):
    return api(users.clerk_a).post(LIST, doc, format="json")


def patch(api, users, homes, body):
    return api(users.clerk_a).patch(f"{LIST}{homes.a.number}/", body, format="json")


def test_an_id_number_with_a_wrong_check_character_is_refused_on_its_field(api, tree, users, unchanged):
    doc = household_document(tree.village_a.code)
    good = doc["members"][1]["id_number"]
    doc["members"][1]["id_number"] = good[:17] + ("0" if good[17] != "0" else "1")
    response = post(api, users, doc)
    assert response.status_code == 400
    assert "id_number" in response.json()["members"]["1"]


@pytest.mark.parametrize("bad", ["21122419701301001X", "12345", "211224199001011234567", "2112242090010100AX"])
def test_malformed_id_numbers_are_refused(api, tree, users, unchanged, bad):
    doc = household_document(tree.village_a.code, members=1)
    doc["members"][0]["id_number"] = bad
    response = post(api, users, doc)
    assert response.status_code == 400
    assert "id_number" in response.json()["members"]["0"]


def test_a_negative_area_is_refused(api, tree, users, unchanged):
    response = post(api, users, household_document(tree.village_a.code, arable_land="-1.00"))
    assert response.status_code == 400 and "arable_land" in response.json()


def test_irrigated_land_beyond_the_arable_land_is_refused(api, tree, users, unchanged):
    response = post(api, users, household_document(tree.village_a.code, arable_land="1", irrigated_land="2"))
    assert response.status_code == 400 and "irrigated_land" in response.json()


def test_more_than_12_months_worked_is_refused(api, tree, users, unchanged):
    doc = household_document(tree.village_a.code)
    doc["members"][0]["months_worked"] = 13
    response = post(api, users, doc)
    assert response.status_code == 400 and "months_worked" in response.json()["members"]["0"]


def test_a_negative_income_is_refused(api, tree, users, unchanged):
    doc = household_document(tree.village_a.code)
    doc["income"]["wages"] = "-5"
    response = post(api, users, doc)
    assert response.status_code == 400 and "wages" in response.json()["income"]


def test_a_household_without_a_head_is_refused(api, tree, users, unchanged):
    doc = household_document(tree.village_a.code)
    doc["members"][0]["relationship"] = "son"
    response = post(api, users, doc)
    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_a_household_without_members_is_refused(api, tree, users, unchanged):
    response = post(api, users, household_document(tree.village_a.code, members=0))
    assert response.status_code == 400 and "members" in response.json()


def test_a_person_already_in_another_household_is_refused_with_the_service_message(api, tree, users, homes, unchanged):
    doc = household_document(tree.village_a.code)
    doc["members"][2]["id_number"] = homes.d.members.get().id_number
    response = post(api, users, doc)
    assert response.status_code == 400
    message = response.json()["non_field_errors"][0]
    assert homes.d.members.get().id_number in message
    assert homes.d.number not in message  # household D lies outside clerk A's scope (§1)


def test_the_same_person_twice_in_one_household_is_refused(api, tree, users, unchanged):
    doc = household_document(tree.village_a.code)
    doc["members"][2]["id_number"] = doc["members"][1]["id_number"]
    assert post(api, users, doc).status_code == 400


def test_an_update_that_removes_the_head_is_refused(api, tree, users, homes, unchanged):
    head = homes.a.members.get()
    response = patch(api, users, homes, {"phone": "13900000000", "members": [{"id": head.pk, "relationship": "son"}]})
    assert response.status_code == 400


def test_an_unknown_member_id_is_refused(api, tree, users, homes, unchanged):
    other = homes.b.members.get()
    response = patch(api, users, homes, {"members": [{"id": other.pk, "name": "偷改"}]})
    assert response.status_code == 400 and "id" in response.json()["members"]["0"]


def test_a_new_member_in_an_update_needs_a_name_id_number_and_relationship(api, tree, users, homes, unchanged):
    response = patch(api, users, homes, {"members": [{"id_number": f.id_number()}]})
    assert response.status_code == 400
    assert set(response.json()["members"]["0"]) == {"name", "relationship"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("main_cause", "bad_luck"),
        ("household_type", "rich"),
        ("housing_grade", "E"),
        ("road_type", "highway"),
        ("identification_year", 1999),
    ],
)
def test_unknown_choices_and_impossible_values_are_refused(api, tree, users, unchanged, field, value):
    response = post(api, users, household_document(tree.village_a.code, **{field: value}))
    assert response.status_code == 400 and field in response.json()


def test_an_unknown_member_choice_is_refused(api, tree, users, unchanged):
    doc = household_document(tree.village_a.code)
    doc["members"][0]["relationship"] = "boss"
    response = post(api, users, doc)
    assert response.status_code == 400 and "relationship" in response.json()["members"]["0"]


def test_another_cause_repeating_the_main_cause_is_refused(api, tree, users, unchanged):
    response = post(api, users, household_document(tree.village_a.code, other_cause_1="illness"))
    assert response.status_code == 400 and "other_cause_1" in response.json()


def test_an_assessment_in_the_future_is_refused(api, tree, users, homes, unchanged):
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    body = {"assessment": {"assessed_on": tomorrow, "food_secure": True, "clothing_secure": True}}
    response = patch(api, users, homes, body)
    assert response.status_code == 400 and "assessed_on" in response.json()["assessment"]


def test_malformed_json_is_400(api, tree, users, homes, unchanged):
    client = api(users.clerk_a)
    response = client.generic("POST", LIST, '{"village": "2112', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    response = client.generic("PATCH", f"{LIST}{homes.a.number}/", b"\xff\xfe", content_type="application/json")
    assert response.status_code == 400


def test_a_form_encoded_body_is_refused_as_unsupported(api, tree, users, unchanged):
    response = api(users.clerk_a).post(LIST, {"village": tree.village_a.code})
    assert response.status_code == 415


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2 * 1024 * 1024)
def test_a_body_over_the_upload_limit_gets_a_json_413(api, tree, users, homes, unchanged):
    doc = household_document(tree.village_a.code)
    doc["members"][0]["name"] = "x" * (2 * 1024 * 1024 + 10)
    response = api(users.clerk_a).post(LIST, doc, format="json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_the_limit_follows_the_setting(api, tree, users, homes, unchanged, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = patch(api, users, homes, {"phone": "1" * 200})
    assert response.status_code == 413
    assert response.json()["detail"]


def test_an_assessment_must_be_given_whole_even_in_a_patch(api, tree, users, homes, unchanged):
    response = patch(api, users, homes, {"assessment": {"assessed_on": "2020-01-01"}})
    assert response.status_code == 400
    assert set(response.json()["assessment"]) == {"food_secure", "clothing_secure"}


def test_a_household_number_already_used_is_refused(api, tree, users, homes, unchanged):
    response = post(api, users, household_document(tree.village_a.code, number=homes.a.number))
    assert response.status_code == 400 and "number" in response.json()
