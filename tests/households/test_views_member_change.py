"""Recording a member's departure or other change (§3.2, §6.2)."""

import datetime as dt

import pytest
from django.utils import timezone

from households import choices as c
from households.models import MemberEvent
from tests import factories as f
from tests.conftest import login


def url(h, m):
    return f"/households/{h.number}/members/{m.pk}/change/"


def test_a_death_keeps_the_member_with_the_reason(client, tree, users):
    h = f.household(tree.village_a, by=users.admin, members=[f.member(), f.member(c.Relationship.SON)])
    son = h.members.get(relationship="son")
    login(client, users.clerk_a)
    response = client.post(url(h, son), {"kind": "death", "date": "2019-05-01", "note": "病故"})
    assert response.status_code == 302
    son.refresh_from_db()
    assert (son.departure, son.departed_on) == (c.Departure.DECEASED, dt.date(2019, 5, 1))
    assert MemberEvent.objects.get(member=son).kind == "death"


def test_the_services_refusal_is_shown_and_nothing_changes(client, tree, users):
    h = f.household(tree.village_a, by=users.admin, members=[f.member(), f.member(c.Relationship.SON)])
    head = h.members.get(relationship="head")
    login(client, users.clerk_a)
    response = client.post(url(h, head), {"kind": "moved_away", "date": "2019-05-01"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    head.refresh_from_db()
    assert head.departure == "" and not MemberEvent.objects.exists()


def test_a_future_date_is_refused(client, tree, users, homes):
    login(client, users.clerk_a)
    m = homes.a.members.get()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(url(homes.a, m), {"kind": "other", "date": future})
    assert response.status_code == 200 and not MemberEvent.objects.exists()


def test_birth_is_not_offered_here(client, users, homes):
    login(client, users.clerk_a)
    response = client.post(url(homes.a, homes.a.members.get()), {"kind": "birth", "date": "2019-01-01"})
    assert "kind" in response.context["form"].errors


@pytest.mark.parametrize(
    ("who", "status"), [("clerk_a", 200), ("clerk_b", 404), ("township", 200), ("province", 404), ("helper", 404)]
)
def test_only_editors_inside_the_scope_reach_the_member_change(client, users, homes, who, status):
    login(client, getattr(users, who))
    assert client.get(url(homes.a, homes.a.members.get())).status_code == status


def test_a_member_of_another_household_is_404_even_inside_the_scope(client, tree, users, homes):
    other = f.household(tree.village_a, by=users.admin)
    login(client, users.clerk_a)
    assert client.get(url(homes.a, other.members.get())).status_code == 404
