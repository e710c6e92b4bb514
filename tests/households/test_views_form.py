"""Registering and editing a household in the browser form (§3, §8.1): scope, validation, one transaction."""

import datetime as dt

import pytest

from households import choices as c
from households.models import Assessment, Household, Income, Member, MemberEvent
from tests import factories as f
from tests.conftest import login
from villages.working_year import working_year

NEW = "/households/new/"


def member_data(i: int, **fields) -> dict:
    row = {
        "name": f"成员{i}",
        "relationship": c.Relationship.HEAD if i == 0 else c.Relationship.SON,
        "id_type": c.IdType.RESIDENT_ID,
        "id_number": f.id_number(),
        "ethnicity": c.Ethnicity.HAN,
        "political_status": c.PoliticalStatus.MASSES,
        "school_status": c.SchoolStatus.NOT_IN_SCHOOL,
        "labour_ability": c.LabourAbility.ORDINARY,
        "months_worked": "0",
        "has_resident_medical": "on",
    }
    row.update(fields)
    return row


def form_data(village, members: list[dict], existing_ids=(), **fields) -> dict:
    data = {
        "village": village.pk,
        "identification_year": "2019",
        "identification_standard": c.IdentificationStandard.NATIONAL,
        "household_type": c.HouseholdType.GENERAL,
        "main_cause": c.Cause.ILLNESS,
        "renovation": c.Renovation.NONE,
        "relocation": c.Relocation.NO,
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(len(existing_ids)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(members):
        data.update({f"members-{i}-{k}": v for k, v in row.items()})
        if i < len(existing_ids):
            data[f"members-{i}-id"] = str(existing_ids[i])
    data.update(fields)
    return data


def test_a_clerk_registers_a_household_with_members_income_and_assessment(client, tree, users):
    login(client, users.clerk_a)
    assert client.get(NEW).status_code == 200
    rows = [member_data(0), member_data(1, join_reason="birth", id_number=f.id_number(dt.date(2015, 3, 2)))]
    data = form_data(
        tree.village_a,
        rows,
        **{"income-2020-wages": "12000.50", "assessment-assessed_on": "2019-06-01", "assessment-food_secure": "on"},
    )
    response = client.post(NEW, data)
    h = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/households/{h.number}/"
    assert h.members.count() == 2
    son = h.members.get(relationship="son")
    assert (son.birth_date, son.sex) == (dt.date(2015, 3, 2), "male")
    assert Income.objects.get(household=h, year=working_year()).wages == 12000.50  # 2020, not the calendar's
    a = Assessment.objects.get(household=h)
    assert (a.food_secure, a.clothing_secure) == (True, False)
    assert MemberEvent.objects.get(member=son).kind == "birth"


def test_untouched_income_and_assessment_are_not_saved(client, tree, users):
    login(client, users.clerk_a)
    client.post(NEW, form_data(tree.village_a, [member_data(0)]))
    assert Household.objects.count() == 1
    assert not Income.objects.exists() and not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("members-0-id_number", "211224197001010011"),  # wrong check character
        ("members-0-id_number", "21122419701301001X"),  # month 13
        ("arable_land", "-1"),
        ("members-0-months_worked", "13"),
        ("income-2020-wages", "-5"),  # the working year's column
        ("identification_year", ""),
    ],
)
def test_bad_input_shows_the_error_next_to_the_field_and_saves_nothing(client, tree, users, field, value):
    login(client, users.clerk_a)
    data = form_data(tree.village_a, [member_data(0)])
    data[field] = value
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert f'data-field-error="{field}"' in response.content.decode()
    assert not Household.objects.exists() and not Member.objects.exists()


def test_a_household_without_a_head_is_refused_above_the_members(client, tree, users):
    login(client, users.clerk_a)
    response = client.post(NEW, form_data(tree.village_a, [member_data(0, relationship=c.Relationship.SPOUSE)]))
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    html = response.content.decode()
    assert 'data-testid="member-errors"' in html and 'data-testid="has-errors"' in html
    assert not Household.objects.exists() and not Member.objects.exists()


def error_codes(response, index: int, field: str) -> list[str]:
    return [e.code for e in response.context["formset"].forms[index].errors.as_data().get(field, [])]


def test_a_person_already_registered_elsewhere_is_marked_at_the_id_field_with_the_other_errors(
    client, tree, users, homes
):
    """Issue 15 item 4: the duplicate check runs with the other validations, at the member's ID number."""
    login(client, users.clerk_a)
    taken = homes.a.members.get().id_number
    data = form_data(tree.village_a, [member_data(0, id_number=taken)], arable_land="-1")
    response = client.post(NEW, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field-error="members-0-id_number"' in html and 'data-field-error="arable_land"' in html
    assert error_codes(response, 0, "id_number") == ["registered_elsewhere"]
    assert homes.a.number in html  # the clerk may see household A: it is named
    assert not response.context["form"].non_field_errors()
    assert 'data-testid="has-errors"' in html
    assert Household.objects.count() == 4


def test_outside_the_scope_the_message_says_only_that_the_number_is_registered(client, tree, users, homes):
    login(client, users.clerk_a)
    taken = homes.b.members.get().id_number  # village B: not clerk A's
    response = client.post(NEW, form_data(tree.village_a, [member_data(0, id_number=taken)]))
    html = response.content.decode()
    assert error_codes(response, 0, "id_number") == ["registered_elsewhere"]
    assert homes.b.number not in html and "西村" not in html
    assert Household.objects.count() == 4


def test_a_number_typed_twice_in_the_household_is_marked_at_both_members(client, tree, users):
    login(client, users.clerk_a)
    number = f.id_number()
    rows = [member_data(0, id_number=number), member_data(1, id_number=number)]
    response = client.post(NEW, form_data(tree.village_a, rows))
    assert error_codes(response, 0, "id_number") == error_codes(response, 1, "id_number") == ["repeated"]
    assert not Household.objects.exists()


def test_other_certificates_need_a_typed_birth_date_and_sex(client, tree, users):
    login(client, users.clerk_a)
    row = member_data(0, id_type=c.IdType.OTHER, id_number="P1234567")
    response = client.post(NEW, form_data(tree.village_a, [row]))
    errors = response.context["formset"].forms[0].errors
    assert {"birth_date", "sex"} <= set(errors)
    row.update(birth_date="1980-02-03", sex="female")
    assert client.post(NEW, form_data(tree.village_a, [row])).status_code == 302
    m = Member.objects.get()
    assert (m.birth_date, m.sex) == (dt.date(1980, 2, 3), "female")


def test_the_village_must_be_inside_the_scope(client, tree, users):
    login(client, users.clerk_a)
    response = client.post(NEW, form_data(tree.village_b, [member_data(0)]))
    assert "village" in response.context["form"].errors
    assert not Household.objects.exists()


def test_editing_updates_the_household_and_adds_a_member(client, tree, users, homes):
    head = homes.a.members.get()
    login(client, users.clerk_a)
    url = f"/households/{homes.a.number}/edit/"
    assert client.get(url).status_code == 200
    rows = [
        member_data(0, name="新名字", id_number=head.id_number),
        member_data(
            1, relationship=c.Relationship.SPOUSE, join_reason="marriage_in", id_number=f.id_number(male=False)
        ),
    ]
    response = client.post(url, form_data(tree.village_a, rows, existing_ids=[head.pk], phone="13800000000"))
    assert response.status_code == 302
    homes.a.refresh_from_db()
    assert homes.a.phone == "13800000000"
    assert set(homes.a.members.values_list("name", flat=True)) == {"新名字", "成员1"}
    assert MemberEvent.objects.get().kind == "marriage_in"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("clerk_a", 200),
        ("clerk_b", 404),
        ("township", 200),
        ("county", 200),
        ("province", 404),
        ("auditor", 404),
        ("city", 404),
        ("helper", 404),
    ],
)
def test_only_editing_roles_inside_the_scope_reach_the_edit_page(client, users, homes, who, status):
    login(client, getattr(users, who))
    assert client.get(f"/households/{homes.a.number}/edit/").status_code == status


def test_clerk_b_cannot_post_to_village_a_household(client, tree, users, homes):
    login(client, users.clerk_b)
    head = homes.a.members.get()
    data = form_data(tree.village_b, [member_data(0, id_number=head.id_number)], existing_ids=[head.pk])
    assert client.post(f"/households/{homes.a.number}/edit/", data).status_code == 404
    assert homes.a.members.get().name == head.name


@pytest.mark.parametrize(("who", "status"), [("clerk_a", 200), ("province", 404), ("auditor", 404)])
def test_reading_roles_cannot_open_the_registration_form(client, users, tree, who, status):
    login(client, getattr(users, who))
    assert client.get(NEW).status_code == status


def test_an_editor_without_view_sensitive_neither_sees_nor_changes_identifiers(client, tree, users, homes):
    head = homes.a.members.get()
    login(client, users.township)
    html = client.get(f"/households/{homes.a.number}/edit/").content.decode()
    assert head.id_number not in html and "13812345678" not in html
    rows = [{k: v for k, v in member_data(0, name="改名").items() if k not in ("id_type", "id_number")}]
    response = client.post(
        f"/households/{homes.a.number}/edit/", form_data(tree.village_a, rows, existing_ids=[head.pk])
    )
    assert response.status_code == 302
    head.refresh_from_db()
    homes.a.refresh_from_db()
    assert (head.name, head.id_number, homes.a.phone) == ("改名", head.id_number, "13812345678")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"main_cause": "illness", "other_cause_1": "illness"}, "other_cause_1", "其他致贫原因不能与主要致贫原因相同"),
        ({"arable_land": "1", "irrigated_land": "2"}, "irrigated_land", "有效灌溉面积不能大于耕地面积"),
    ],
)
def test_the_models_constraints_show_their_message_next_to_their_field(client, tree, users, fields, field, message):
    """The form and the API report the database constraints with the model's one message (§3.1)."""
    login(client, users.clerk_a)
    data = form_data(tree.village_a, [member_data(0)], **fields)
    response = client.post(NEW, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-field-error="{field}"' in page and message in page
    assert not Household.objects.exists()


def test_a_masked_editor_learns_only_that_the_number_is_registered_outside_the_scope(client, tree, users, homes):
    """A township reviewer (no "view sensitive"): no household number, village or ID number of another
    township in the message; a household of their own township is named."""
    login(client, users.township)
    outside = homes.c.members.get().id_number  # township 2
    response = client.post(NEW, form_data(tree.village_b, [member_data(0, id_number=outside)]))
    assert error_codes(response, 0, "id_number") == ["registered_elsewhere"]
    message = " ".join(response.context["formset"].forms[0].errors["id_number"])
    assert homes.c.number not in message and "南村" not in message and outside not in message
    inside = homes.a.members.get().id_number  # township 1
    response = client.post(NEW, form_data(tree.village_b, [member_data(0, id_number=inside)]))
    assert homes.a.number in " ".join(response.context["formset"].forms[0].errors["id_number"])
    assert Household.objects.count() == 4


def test_the_services_own_refusal_masks_the_number_for_a_masked_role(tree, users, homes):
    """The service's message (the API, a concurrent save) shows the ID number masked to such a role."""
    from django.core.exceptions import ValidationError

    from households.services import household_save

    taken = homes.c.members.get().id_number
    h = Household(village=tree.village_b, identification_year=2019, main_cause=c.Cause.DISASTER)
    with pytest.raises(ValidationError) as refused:
        household_save(user=users.township, household=h, members=[f.member(id_number=taken)])
    message = " ".join(refused.value.messages)
    assert taken not in message and taken[:4] + "*" * 10 + taken[-4:] in message
    assert homes.c.number not in message
