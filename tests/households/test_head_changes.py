"""A household is never without a head (§3.1, §3.2, issue 14): the head's departure names the new head in
the same step; the last member's departure goes with the household's closing (销户); a closed household
is kept and read, never edited (docs/lifecycle-closing.md)."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from households import choices as c
from households.models import Household, Member, MemberEvent
from households.services import household_save, member_change_record, members_check_roles
from tests import factories as f
from tests.conftest import login
from tests.households.test_views_form import form_data, member_data
from workflows import definitions as d
from workflows import services as ws
from workflows.models import Case

pytestmark = pytest.mark.django_db
DAY = dt.date(2019, 5, 1)


def url(h, m):
    return f"/households/{h.number}/members/{m.pk}/change/"


@pytest.fixture
def family(tree, users):
    """Head, spouse and son."""
    return f.household(
        tree.village_a,
        by=users.admin,
        members=[f.member(), f.member(c.Relationship.SPOUSE, male=False), f.member(c.Relationship.SON)],
    )


def roles(h):
    return dict(h.members.values_list("name", "relationship"))


def test_the_head_s_death_names_the_new_head_and_leaves_the_others_alone(users, family):
    head, spouse = family.members.get(relationship="head"), family.members.get(relationship="spouse")
    son = family.members.get(relationship="son")
    member_change_record(user=users.clerk_a, member=head, kind="death", date=DAY, new_head=spouse)
    head.refresh_from_db()
    spouse.refresh_from_db()
    son.refresh_from_db()
    assert (head.departure, head.departed_on) == (c.Departure.DECEASED, DAY)
    assert spouse.relationship == c.Relationship.HEAD and son.relationship == c.Relationship.SON
    members_check_roles(family.members.all())  # exactly one current head
    event = MemberEvent.objects.get(member=spouse)
    assert (event.kind, event.date) == (c.MemberEventKind.OTHER, DAY) and head.name in event.note


def test_the_head_s_departure_without_a_new_head_changes_nothing(users, family):
    head = family.members.get(relationship="head")
    before = roles(family)
    with pytest.raises(ValidationError) as err:
        member_change_record(user=users.clerk_a, member=head, kind="moved_away", date=DAY)
    assert err.value.error_list[0].code == "new_head"
    head.refresh_from_db()
    assert head.departure == "" and roles(family) == before and not MemberEvent.objects.exists()


def test_the_new_head_is_a_remaining_current_member(users, tree, family):
    head, son = family.members.get(relationship="head"), family.members.get(relationship="son")
    stranger = f.household(tree.village_a, by=users.admin).members.get()
    with pytest.raises(ValidationError):
        member_change_record(user=users.clerk_a, member=head, kind="death", date=DAY, new_head=stranger)
    with pytest.raises(ValidationError):
        member_change_record(user=users.clerk_a, member=head, kind="death", date=DAY, new_head=head)
    member_change_record(user=users.clerk_a, member=son, kind="moved_away", date=DAY)
    with pytest.raises(ValidationError):  # the son has left
        member_change_record(user=users.clerk_a, member=head, kind="death", date=DAY, new_head=son)
    with pytest.raises(ValidationError):  # a new head only when the head leaves
        member_change_record(
            user=users.clerk_a,
            member=family.members.get(relationship="spouse"),
            kind="death",
            date=DAY,
            new_head=head,
        )
    assert family.members.get(relationship="head") == head and head.departure == ""


def test_the_last_member_leaves_only_into_the_closing(users, tree):
    h = f.household(tree.village_a, by=users.admin)
    m = h.members.get()
    with pytest.raises(ValidationError) as err:
        member_change_record(user=users.clerk_a, member=m, kind="death", date=DAY)
    assert err.value.error_list[0].code == "last_member"
    with pytest.raises(ValidationError):  # only by death or moving away
        member_change_record(user=users.clerk_a, member=m, kind="marriage_out", date=DAY, closing=True)
    with pytest.raises(ValidationError):  # the township does not close households
        member_change_record(user=users.township, member=m, kind="death", date=DAY, closing=True)
    m.refresh_from_db()
    assert m.departure == "" and not MemberEvent.objects.exists()
    member_change_record(user=users.clerk_a, member=m, kind="death", date=DAY, closing=True)
    m.refresh_from_db()
    assert m.departure == c.Departure.DECEASED


def test_closing_is_refused_while_other_members_remain(users, family):
    son = family.members.get(relationship="son")
    with pytest.raises(ValidationError):
        member_change_record(user=users.clerk_a, member=son, kind="death", date=DAY, closing=True)
    son.refresh_from_db()
    assert son.departure == ""


# ---------------------------------------------------------------------------------------------------
# The page


def test_the_form_offers_the_remaining_members_for_the_head_only(client, users, family):
    head, son = family.members.get(relationship="head"), family.members.get(relationship="son")
    login(client, users.clerk_a)
    form = client.get(url(family, head)).context["form"]
    assert set(form.fields["new_head"].queryset) == set(family.members.exclude(pk=head.pk))
    assert "closing" not in form.fields
    assert "new_head" not in client.get(url(family, son)).context["form"].fields


def test_the_page_records_the_head_s_death_with_the_new_head(client, users, family):
    head, son = family.members.get(relationship="head"), family.members.get(relationship="son")
    login(client, users.clerk_a)
    response = client.post(url(family, head), {"kind": "death", "date": DAY.isoformat()})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    head.refresh_from_db()
    assert head.departure == ""
    response = client.post(url(family, head), {"kind": "death", "date": DAY.isoformat(), "new_head": son.pk})
    assert response.status_code == 302
    son.refresh_from_db()
    assert son.relationship == c.Relationship.HEAD


def test_the_last_member_s_death_goes_on_to_the_closing_case(client, users, tree):
    h = f.household(tree.village_a, by=users.admin)
    m = h.members.get()
    login(client, users.clerk_a)
    page = client.get(url(h, m))
    assert page.context["last_member"] and "closing" in page.context["form"].fields
    assert 'data-testid="last-member-note"' in page.content.decode()
    refused = client.post(url(h, m), {"kind": "death", "date": DAY.isoformat()})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    response = client.post(url(h, m), {"kind": "death", "date": DAY.isoformat(), "closing": "on"})
    target = urlparse(response["Location"])
    assert target.path == "/workflows/cases/new/"
    assert parse_qs(target.query) == {"case_type": ["closing"], "household": [h.number], "closing_reason": ["deceased"]}
    m.refresh_from_db()
    assert m.departure == c.Departure.DECEASED
    # The clerk writes the justification there; the township and the county approve: the household closes.
    client.post(
        "/workflows/cases/new/",
        {"case_type": "closing", "household": h.number, "closing_reason": "deceased", "justification": "户主病故"},
    )
    case = Case.objects.get(case_type=d.CaseType.CLOSING)
    ws.case_transition(user=users.township, case=case, transition="township_approve")
    ws.case_transition(user=users.county, case=case, transition="county_approve")
    h.refresh_from_db()
    assert h.status == c.Status.CLOSED


def test_the_township_is_not_offered_the_closing(client, users, tree):
    h = f.household(tree.village_a, by=users.admin)
    m = h.members.get()
    login(client, users.township)
    assert "closing" not in client.get(url(h, m)).context["form"].fields
    response = client.post(url(h, m), {"kind": "death", "date": DAY.isoformat(), "closing": "on"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    m.refresh_from_db()
    assert m.departure == ""


# ---------------------------------------------------------------------------------------------------
# The edit form and a closed household


def test_the_edit_form_refuses_taking_the_head_away_without_another(client, tree, users, family):
    members = list(family.members.order_by("id"))
    rows = [
        member_data(i, name=m.name, id_number=m.id_number, relationship=m.relationship) for i, m in enumerate(members)
    ]
    rows[0]["relationship"] = c.Relationship.FATHER  # the head is no longer the head, and nobody else is
    login(client, users.clerk_a)
    data = form_data(tree.village_a, rows, existing_ids=[m.pk for m in members])
    response = client.post(f"/households/{family.number}/edit/", data)
    assert response.status_code == 200 and response.context["formset"].non_form_errors()
    assert family.members.get(pk=members[0].pk).relationship == c.Relationship.HEAD
    rows[1]["relationship"] = c.Relationship.HEAD  # naming another head is accepted
    rows[1]["sex"] = c.Sex.FEMALE
    data = form_data(tree.village_a, rows, existing_ids=[m.pk for m in members])
    assert client.post(f"/households/{family.number}/edit/", data).status_code == 302
    assert family.members.get(pk=members[1].pk).relationship == c.Relationship.HEAD


def test_a_closed_household_is_read_only(client, tree, users):
    h = f.household(tree.village_a, by=users.admin)
    Household.objects.filter(pk=h.pk).update(status=c.Status.CLOSED)
    h.refresh_from_db()
    login(client, users.clerk_a)
    detail = client.get(f"/households/{h.number}/")
    html = detail.content.decode()
    assert 'data-testid="edit-household"' not in html and 'data-testid="closed-note"' in html
    assert not detail.context["can_edit"] and not detail.context["may_close"]
    for path in (f"/households/{h.number}/edit/", url(h, h.members.get())):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == f"/households/{h.number}/"
        assert any(h.number in str(m) for m in get_messages(response.wsgi_request))
    data = form_data(tree.village_a, [member_data(0)])
    client.post(f"/households/{h.number}/edit/", data)
    assert h.members.count() == 1
    with pytest.raises(ValidationError) as err:
        household_save(user=users.clerk_a, household=h, members=[f.member()])
    assert err.value.error_list[0].code == "closed"
    with pytest.raises(ValidationError):
        member_change_record(user=users.clerk_a, member=h.members.get(), kind="other", date=DAY)
    assert Member.objects.filter(household=h).count() == 1 and not MemberEvent.objects.exists()
