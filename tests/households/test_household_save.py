import pytest
from django.core.exceptions import ValidationError

from households import choices as c
from households.models import Household, Member, StatusEvent
from households.selectors import household_list_for
from tests import factories as f


def test_a_new_household_gets_a_number_its_county_and_a_registration_event(tree, users):
    h = f.household(tree.village_a, by=users.clerk_a)
    assert h.number == "2112241000010001"
    assert h.county == tree.county
    assert StatusEvent.objects.filter(household=h, to_status=c.Status.POOR).count() == 1


def test_birth_date_and_sex_come_from_the_id_number(tree, users):
    h = f.household(tree.village_a, members=[f.member(id_number="11010519491231002X")])
    m = h.members.get()
    assert (m.birth_date.isoformat(), m.sex) == ("1949-12-31", "female")


def test_a_person_cannot_be_a_current_member_of_two_households(tree, users, homes):
    taken = homes.a.members.get().id_number
    with pytest.raises(ValidationError) as e:
        f.household(tree.village_a, by=users.clerk_a, members=[f.member(id_number=taken)])
    assert homes.a.number in str(e.value)
    assert Household.objects.count() == 4


def test_the_other_household_is_not_named_to_a_user_who_cannot_see_it(tree, users, homes):
    taken = homes.b.members.get().id_number
    with pytest.raises(ValidationError) as e:
        f.household(tree.village_a, by=users.clerk_a, members=[f.member(id_number=taken)])
    assert homes.b.number not in str(e.value)


def test_the_database_refuses_a_second_current_membership(tree, users, homes):
    from django.db import IntegrityError, transaction

    existing = homes.a.members.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=homes.b,
            name="x",
            id_number=existing.id_number,
            birth_date=existing.birth_date,
            sex=existing.sex,
            relationship=c.Relationship.OTHER,
        )


def test_a_household_without_a_head_is_refused(tree, users):
    with pytest.raises(ValidationError):
        f.household(tree.village_a, members=[f.member(c.Relationship.SPOUSE)])
    assert not Household.objects.exists()


def test_scopes_of_every_role(tree, users, homes):
    def seen(u):
        return set(household_list_for(u).values_list("number", flat=True))

    assert seen(users.clerk_a) == {homes.a.number}
    assert seen(users.township) == {homes.a.number, homes.b.number}
    assert seen(users.county) == {homes.a.number, homes.b.number, homes.c.number}
    assert (
        seen(users.city)
        == seen(users.province)
        == seen(users.auditor)
        == {homes.a.number, homes.b.number, homes.c.number, homes.d.number}
    )
    assert seen(users.helper) == set()


def test_saving_again_without_changes_writes_no_member_history(tree, users, homes):
    member = homes.a.members.get()
    before = member.history.count()
    f_members = list(homes.a.members.all())
    from households.services import household_save

    household_save(user=users.clerk_a, household=homes.a, members=f_members)
    assert member.history.count() == before
    f_members[0].name = "新名字"
    household_save(user=users.clerk_a, household=homes.a, members=f_members)
    assert member.history.count() == before + 1
