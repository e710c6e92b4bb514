"""A new member's school status and labour ability (issue 15 item 10): proposed from the age, never
silently assumed; existing members, the import and the API keep their values and defaults."""

import pytest
from django.utils import timezone

from households import choices as c
from households.age_defaults import Proposal, proposal_for
from households.models import Household, Member
from monitoring.rules.quality import IN_SCHOOL_SENIOR_OR_ABOVE, LABOURERS, NO_LABOUR, PRIMARY_OR_BELOW
from tests import factories as f
from tests.conftest import login
from tests.households.test_views_form import NEW, form_data, member_data
from tests.households.test_views_form_masked import FormInputs, shown

S, L = c.SchoolStatus, c.LabourAbility


@pytest.mark.parametrize(
    ("age", "school", "labour"),
    [
        (0, S.PRESCHOOL, L.NONE),
        (5, S.PRESCHOOL, L.NONE),
        (6, S.PRIMARY, L.NONE),
        (11, S.PRIMARY, L.NONE),
        (12, S.GRADE_7, L.NONE),
        (13, S.GRADE_8, L.NONE),
        (14, S.GRADE_9, L.NONE),
        (15, "", L.NONE),
        (16, "", ""),
        (17, "", ""),
        (18, S.NOT_IN_SCHOOL, L.ORDINARY),
        (59, S.NOT_IN_SCHOOL, L.ORDINARY),
        (60, S.NOT_IN_SCHOOL, L.WEAK),
        (69, S.NOT_IN_SCHOOL, L.WEAK),
        (70, S.NOT_IN_SCHOOL, L.NONE),
        (104, S.NOT_IN_SCHOOL, L.NONE),
    ],
)
def test_the_proposal_by_age(age, school, labour):
    assert proposal_for(age) == Proposal(school, labour)


def test_the_labour_ability_follows_a_chosen_school_status():
    assert proposal_for(16, S.NOT_IN_SCHOOL).labour_ability == L.ORDINARY
    assert proposal_for(15, S.SENIOR_HIGH).labour_ability == L.NONE
    assert proposal_for(17, S.SECONDARY_VOCATIONAL).labour_ability == L.WEAK  # DQ07: no labourer in school,
    assert proposal_for(20, S.BACHELOR).labour_ability == L.WEAK  # and a healthy 16–60 can work some
    assert proposal_for(20, S.NOT_IN_SCHOOL).labour_ability == L.ORDINARY


@pytest.mark.parametrize("age", range(0, 101))
def test_no_proposal_trips_the_data_quality_checks_of_school_and_labour(age):
    """DQ06 (a pupil too young or too old, a child of 6–15 out of school without a reason) and DQ07 (a
    healthy person of 16–60 without labour ability, a child or a student as a labourer)."""
    first = proposal_for(age).school_status
    if first:
        assert not (first in IN_SCHOOL_SENIOR_OR_ABOVE and age < 15)
        assert not (first in PRIMARY_OR_BELOW and age >= 20)
        assert not (first == S.NOT_IN_SCHOOL and 6 <= age <= 15)
    # Where the school status is left to the user, the labour ability follows what they choose.
    for school in [first] if first else [S.NOT_IN_SCHOOL, S.SENIOR_HIGH, S.SECONDARY_VOCATIONAL]:
        labour = proposal_for(age, school).labour_ability
        assert not (labour in NO_LABOUR and 16 <= age <= 60)
        assert not (labour in LABOURERS and (age < 16 or school != S.NOT_IN_SCHOOL))


def selected(html: str) -> dict[str, str]:
    parser = FormInputs()
    parser.feed(html)
    return parser.values


def test_a_new_members_fields_start_empty_and_are_marked_for_the_proposal(client, tree, users):
    login(client, users.clerk_a)
    html = client.get(NEW).content.decode()
    values = selected(html)
    assert values["members-0-school_status"] == "" and values["members-0-labour_ability"] == ""
    assert 'data-propose="school_status"' in html and 'data-propose="labour_ability"' in html
    assert "data-proposals=" in html and f'data-today="{timezone.localdate().isoformat()}"' in html


def test_a_new_member_without_them_is_refused_at_the_fields_and_nothing_is_saved(client, tree, users):
    login(client, users.clerk_a)
    row = member_data(0)
    del row["school_status"], row["labour_ability"]
    response = client.post(NEW, form_data(tree.village_a, [row]))
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors.as_data()
    assert [e.code for e in errors["school_status"]] == ["required"]
    assert [e.code for e in errors["labour_ability"]] == ["required"]
    html = response.content.decode()
    assert 'data-field-error="members-0-school_status"' in html
    assert 'data-field-error="members-0-labour_ability"' in html
    assert not Household.objects.exists() and not Member.objects.exists()


def test_an_existing_member_keeps_its_stored_values(client, tree, users):
    h = f.household(
        tree.village_a,
        by=users.admin,
        members=[f.member(school_status=S.NOT_IN_SCHOOL, labour_ability=L.SKILLED)],
    )
    login(client, users.clerk_a)
    html, values = shown(client, h)
    assert (values["members-0-school_status"], values["members-0-labour_ability"]) == (S.NOT_IN_SCHOOL, L.SKILLED)
    assert 'data-propose="labour_ability"' not in html.split("<template")[0]
    response = client.post(f"/households/{h.number}/edit/", values)
    assert response.status_code == 302
    assert h.members.get().labour_ability == L.SKILLED


def test_the_api_keeps_the_models_defaults_when_the_fields_are_left_out(tree, users):
    from rest_framework.test import APIClient

    from tests.api.conftest import household_document

    client = APIClient()
    client.force_authenticate(users.clerk_a)
    doc = household_document(tree.village_a.code, members=1)
    assert "school_status" not in doc["members"][0] and "labour_ability" not in doc["members"][0]
    assert client.post("/api/v1/households/", doc, format="json").status_code == 201
    head = Member.objects.get()
    assert (head.school_status, head.labour_ability) == (S.NOT_IN_SCHOOL, L.ORDINARY)
