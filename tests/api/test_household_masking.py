"""§9: personal data is masked in API responses unless the role may view it; unmasked views are audited."""

from accounts.models import AuditLog
from tests import factories as f


def detail(number):
    return f"/api/v1/households/{number}/"


def sick_disabled_home(tree, users):
    head = f.member(has_chronic_disease=True, is_disabled=True, disability_category="4", disability_grade="2")
    head.disability_certificate = head.id_number + "42"
    return f.household(
        tree.village_a, by=users.clerk_a, members=[head], phone="13812345678", bank_account="6228480012345678"
    )


def test_province_staff_receive_masked_identifiers_and_no_health_details(api, tree, users):
    home = sick_disabled_home(tree, users)
    member = home.members.get()
    data = api(users.province).get(detail(home.number)).json()
    assert data["phone"] == "138****5678"
    assert data["bank_account"] == "************5678"
    m = data["members"][0]
    assert m["id_number"] == member.id_number[:4] + "*" * 10 + member.id_number[-4:]
    assert m["disability_certificate"].count("*") == 12
    for withheld in ("has_chronic_disease", "is_disabled", "disability_category", "disability_grade", "birth_date"):
        assert m[withheld] is None
    assert m["name"] == member.name
    assert not AuditLog.objects.filter(action="view_sensitive").exists()


def test_lists_are_masked_too(api, tree, users):
    home = sick_disabled_home(tree, users)
    row = api(users.province).get("/api/v1/households/").json()["results"][0]
    assert row["number"] == home.number
    assert "*" in row["phone"] and "*" in row["members"][0]["id_number"]


def test_a_village_clerk_receives_unmasked_data_and_the_view_is_audited(api, tree, users):
    home = sick_disabled_home(tree, users)
    member = home.members.get()
    data = api(users.clerk_a).get(detail(home.number)).json()
    assert (data["phone"], data["bank_account"]) == ("13812345678", "6228480012345678")
    m = data["members"][0]
    assert m["id_number"] == member.id_number
    assert (m["has_chronic_disease"], m["is_disabled"], m["disability_category"]) == (True, True, "4")
    assert m["birth_date"] == member.birth_date.isoformat()
    entry = AuditLog.objects.get(action="view_sensitive", object_type="household")
    assert (entry.user, entry.object_id) == (users.clerk_a, home.number)


def test_an_unmasked_list_is_audited_with_the_numbers_it_showed(api, tree, users, homes):
    api(users.clerk_a).get("/api/v1/households/", {"status": "poor"})
    entry = AuditLog.objects.get(action="view_sensitive", object_type="household_list")
    assert entry.user == users.clerk_a
    assert entry.detail["numbers"] == [homes.a.number]


def test_a_masked_value_sent_back_unchanged_keeps_the_stored_value(api, tree, users):
    # A township reviewer may edit but not see personal data: echoing the masked document changes nothing.
    home = f.household(tree.village_a, by=users.clerk_a, phone="13812345678", bank_account="6228480012345678")
    member = home.members.get()
    client = api(users.township)
    data = client.get(detail(home.number)).json()
    data.pop("income"), data.pop("assessment")
    data["housing_area"] = "80.00"
    response = client.put(detail(home.number), data, format="json")
    assert response.status_code == 200, response.json()
    home.refresh_from_db()
    member.refresh_from_db()
    assert (home.phone, home.bank_account, str(home.housing_area)) == ("13812345678", "6228480012345678", "80.00")
    assert home.members.get().id_number == member.id_number
