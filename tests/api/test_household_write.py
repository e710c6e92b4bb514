"""Registering and changing households through the API (§3), with the write permissions of §1."""

import datetime as dt
from decimal import Decimal

import pytest

from households import choices as c
from households.models import Assessment, Household, Income, Member, StatusEvent
from tests import factories as f
from villages.working_year import working_year

from .conftest import household_document

LIST = "/api/v1/households/"


def detail(number):
    return f"{LIST}{number}/"


def test_a_clerk_registers_a_household_with_three_members_and_income_in_one_post(api, tree, users):
    doc = household_document(tree.village_a.code)
    response = api(users.clerk_a).post(LIST, doc, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    home = Household.objects.get(number=data["number"])
    assert data["number"] == "2112241000010001"
    assert (home.village, home.county, home.created_by) == (tree.village_a, tree.county, users.clerk_a)
    assert home.members.count() == 3
    head = home.members.get(relationship=c.Relationship.HEAD)
    assert (head.birth_date, head.sex) == (dt.date(1970, 3, 1), c.Sex.MALE)
    income = Income.objects.get(household=home)
    assert income.year == working_year()
    # 12000 + 3000 + 1800 − 1000 = 15800, over 3 current members.
    assert (data["income"]["transfer"], data["income"]["net"]) == ("1800.00", "15800.00")
    assert data["income"]["per_capita_net"] == "5266.67"
    assert Assessment.objects.get(household=home).food_secure is True
    assert data["assessment"]["assessed_on"] == "2019-06-01"
    assert StatusEvent.objects.filter(household=home).count() == 1
    assert data["village"] == tree.village_a.code and data["county"] == tree.county.code
    assert [m["birth_date"] for m in data["members"]] == ["1970-03-01", "1972-05-06", "2010-09-01"]


def test_birth_date_and_sex_typed_for_a_resident_id_are_ignored(api, tree, users):
    doc = household_document(tree.village_a.code, members=1)
    doc["members"][0].update(birth_date="2000-01-01", sex="female")
    response = api(users.clerk_a).post(LIST, doc, format="json")
    assert response.status_code == 201
    head = Member.objects.get()
    assert (head.birth_date, head.sex) == (dt.date(1970, 3, 1), "male")


def test_a_member_with_another_kind_of_id_gives_birth_date_and_sex(api, tree, users):
    doc = household_document(tree.village_a.code, members=1)
    doc["members"].append({"name": "外籍", "id_type": "other", "id_number": "P1234567", "relationship": "spouse"})
    client = api(users.clerk_a)
    refused = client.post(LIST, doc, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["members"]["1"]) == {"birth_date", "sex"}
    doc["members"][1].update(birth_date="1980-02-02", sex="female")
    assert client.post(LIST, doc, format="json").status_code == 201
    assert Member.objects.get(id_type="other").birth_date == dt.date(1980, 2, 2)


def test_a_put_updates_fields_matches_members_and_adds_new_ones_without_deleting(api, tree, users, homes):
    head = homes.a.members.get()
    client = api(users.clerk_a)
    data = client.get(detail(homes.a.number)).json()
    data.update(housing_grade="C", renovation="accepted", income={"wages": "9000", "pension": "600"})
    data["assessment"] = {"assessed_on": "2020-01-10", "food_secure": True, "clothing_secure": False}
    data["members"] = [
        {"id": head.pk, "months_worked": 10, "work_status": "in_county"},
        {"name": "新生儿", "id_number": f.id_number(dt.date(2019, 5, 1), male=False), "relationship": "daughter"},
    ]
    response = client.put(detail(homes.a.number), data, format="json")
    assert response.status_code == 200, response.json()
    homes.a.refresh_from_db()
    assert (homes.a.housing_grade, homes.a.renovation) == ("C", "accepted")
    head.refresh_from_db()
    assert (head.months_worked, head.work_status) == (10, "in_county")
    assert homes.a.members.count() == 2
    income = Income.objects.get(household=homes.a, year=working_year())
    assert (income.wages, income.net) == (Decimal("9000.00"), Decimal("9600.00"))
    assert response.json()["income"]["per_capita_net"] == "4800.00"
    assert response.json()["assessment"]["clothing_secure"] is False
    assert homes.a.assessments.count() == 1


def test_a_patch_changes_only_what_it_sends_and_updates_the_income_of_the_year(api, tree, users, homes):
    f.income(homes.a, year=working_year(), wages=5000, dibao=1000)
    client = api(users.clerk_a)
    response = client.patch(detail(homes.a.number), {"income": {"wages": "6000"}}, format="json")
    assert response.status_code == 200, response.json()
    income = Income.objects.get(household=homes.a)
    assert (income.wages, income.dibao, income.net) == (Decimal("6000"), Decimal("1000"), Decimal("7000"))
    # A second assessment is added, never overwritten.
    for day in ("2020-01-01", "2020-02-01"):
        body = {"assessment": {"assessed_on": day, "food_secure": True, "clothing_secure": True}}
        assert client.patch(detail(homes.a.number), body, format="json").status_code == 200
    assert homes.a.assessments.count() == 2
    assert client.get(detail(homes.a.number)).json()["assessment"]["assessed_on"] == "2020-02-01"


def test_members_left_out_of_an_update_are_kept(api, tree, users):
    home = f.household(tree.village_a, members=[f.member(), f.member("son")])
    body = {"members": [{"id": home.members.get(relationship="head").pk, "name": "改名"}]}
    assert api(users.clerk_a).patch(detail(home.number), body, format="json").status_code == 200
    assert home.members.count() == 2
    assert home.members.get(relationship="head").name == "改名"


def test_a_member_is_matched_by_id_number_when_no_id_is_given(api, tree, users, homes):
    head = homes.a.members.get()
    body = {"members": [{"id_number": head.id_number, "has_family_doctor": True}]}
    assert api(users.clerk_a).patch(detail(homes.a.number), body, format="json").status_code == 200
    assert homes.a.members.get().has_family_doctor is True


def test_departure_and_status_are_read_only(api, tree, users, homes):
    head = homes.a.members.get()
    body = {"status": "exited", "members": [{"id": head.pk, "departure": "deceased"}]}
    assert api(users.clerk_a).patch(detail(homes.a.number), body, format="json").status_code == 200
    homes.a.refresh_from_db()
    assert homes.a.status == "poor" and homes.a.members.get().departure == ""


@pytest.mark.parametrize("role", ["province", "auditor", "city", "admin"])
def test_read_only_roles_get_403_on_every_write(api, tree, users, homes, role):
    client = api(getattr(users, role))
    assert client.post(LIST, household_document(tree.village_a.code), format="json").status_code == 403
    assert client.patch(detail(homes.a.number), {"phone": "13900000000"}, format="json").status_code == 403
    assert client.put(detail(homes.a.number), {}, format="json").status_code == 403
    assert Household.objects.count() == 4
    homes.a.refresh_from_db()
    assert homes.a.phone == "13812345678"


@pytest.mark.parametrize("role", ["clerk_a", "township", "county"])
def test_editing_roles_register_in_villages_of_their_scope(api, tree, users, role):
    assert (
        api(getattr(users, role)).post(LIST, household_document(tree.village_a.code), format="json").status_code == 201
    )


def test_a_clerk_cannot_register_into_another_village(api, tree, users, homes):
    response = api(users.clerk_a).post(LIST, household_document(tree.village_b.code), format="json")
    assert response.status_code == 400
    assert "village" in response.json()
    assert Household.objects.count() == 4


def test_a_township_or_region_code_is_not_a_village(api, tree, users):
    response = api(users.county).post(LIST, household_document(tree.township.code), format="json")
    assert response.status_code == 400 and "village" in response.json()


def test_a_clerk_cannot_change_a_household_of_another_village(api, tree, users, homes):
    client = api(users.clerk_b)
    assert client.patch(detail(homes.a.number), {"phone": "13900000000"}, format="json").status_code == 404
    assert client.put(detail(homes.a.number), household_document(tree.village_b.code), format="json").status_code == 404
    homes.a.refresh_from_db()
    assert homes.a.phone == "13812345678"


def test_a_clerk_cannot_move_a_household_out_of_their_village(api, tree, users, homes):
    response = api(users.clerk_a).patch(detail(homes.a.number), {"village": tree.village_b.code}, format="json")
    assert response.status_code == 400 and "village" in response.json()
    homes.a.refresh_from_db()
    assert homes.a.village == tree.village_a


def test_the_household_number_cannot_be_changed(api, tree, users, homes):
    response = api(users.clerk_a).patch(detail(homes.a.number), {"number": "2112241000019999"}, format="json")
    assert response.status_code == 400 and "number" in response.json()


def test_households_cannot_be_deleted(api, tree, users, homes):
    assert api(users.clerk_a).delete(detail(homes.a.number)).status_code == 405
    assert Household.objects.filter(pk=homes.a.pk).exists()


def test_a_household_number_given_at_registration_is_kept(api, tree, users):
    doc = household_document(tree.village_a.code, number="2112241000015555")
    response = api(users.clerk_a).post(LIST, doc, format="json")
    assert response.status_code == 201
    assert Household.objects.filter(number="2112241000015555", village=tree.village_a).exists()


def test_a_helper_reads_a_paired_household_but_changes_no_household(api, tree, users, homes):
    """§1 (issue 14): a helper visits and records assistance; household edits are refused by role (403),
    before any record is read, for a paired household as for another."""
    from households.models import Helper, Pairing

    helper = Helper.objects.create(
        name="张帮", sex="male", unit="县农业局", unit_level="county", county=tree.county, user=users.helper
    )
    Pairing.objects.create(helper=helper, household=homes.c, start=dt.date(2019, 1, 1))
    client = api(users.helper)
    assert client.get(detail(homes.c.number)).status_code == 200
    assert client.patch(detail(homes.c.number), {"has_sanitary_toilet": True}, format="json").status_code == 403
    assert client.patch(detail(homes.b.number), {"has_sanitary_toilet": True}, format="json").status_code == 403
    homes.c.refresh_from_db()
    homes.b.refresh_from_db()
    assert (homes.c.has_sanitary_toilet, homes.b.has_sanitary_toilet) == (None, None)


def test_a_county_official_moves_a_household_to_another_village_of_the_county(api, tree, users, homes):
    response = api(users.county).patch(detail(homes.a.number), {"village": tree.village_c.code}, format="json")
    assert response.status_code == 200
    homes.a.refresh_from_db()
    assert (homes.a.village, homes.a.county) == (tree.village_c, tree.county)
