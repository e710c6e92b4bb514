"""The household page (§3): scope, masking and its audit (§9), income figures, history."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditLog
from households import choices as c
from households.models import Helper, Pairing
from households.services import member_change_record
from tests import factories as f
from tests.conftest import login


def url(h):
    return f"/households/{h.number}/"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("clerk_a", 200),
        ("clerk_b", 404),
        ("township", 200),
        ("county", 200),
        ("county2", 404),
        ("province", 200),
        ("helper", 404),
    ],
)
def test_village_a_household_is_seen_only_inside_the_scope(client, users, homes, who, status):
    login(client, getattr(users, who))
    assert client.get(url(homes.a)).status_code == status


def test_a_helper_sees_the_household_paired_to_them(client, tree, users, homes):
    helper = Helper.objects.create(
        name="李四", sex="male", unit="县农业局", unit_level="county", county=tree.county, user=users.helper
    )
    Pairing.objects.create(helper=helper, household=homes.a, start=dt.date(2019, 1, 1))
    login(client, users.helper)
    response = client.get(url(homes.a))
    assert response.status_code == 200
    assert response.context["pairing"].helper == helper
    assert client.get(url(homes.b)).status_code == 404


def test_a_role_without_view_sensitive_sees_masked_identifiers_and_no_audit_is_written(client, users, homes):
    member = homes.a.members.get()
    login(client, users.province)
    html = client.get(url(homes.a)).content.decode()
    assert member.id_number not in html
    assert member.id_number[:4] + "*" * 10 + member.id_number[-4:] in html
    assert "13812345678" not in html and "138****5678" in html
    assert not AuditLog.objects.filter(action="view_sensitive").exists()


def test_a_clerk_sees_identifiers_unmasked_and_the_view_is_audited(client, users, homes):
    member = homes.a.members.get()
    login(client, users.clerk_a)
    html = client.get(url(homes.a)).content.decode()
    assert member.id_number in html and "13812345678" in html
    entry = AuditLog.objects.get(action="view_sensitive")
    assert (entry.user, entry.object_type, entry.object_id) == (users.clerk_a, "household", homes.a.number)


def test_income_shows_net_and_per_capita_net_over_current_members(client, tree, users):
    h = f.household(tree.village_a, by=users.admin, members=[f.member(), f.member(c.Relationship.SPOUSE, male=False)])
    f.income(h, 2019, wages=10000, dibao=1234.5, business_costs=1000)
    login(client, users.clerk_a)
    response = client.get(url(h))
    income = response.context["incomes"][0]
    assert str(income.net) == "10234.50"
    assert str(income.per_capita) == "5117.25"
    assert "10,234.50" in response.content.decode()


def test_departed_members_are_listed_apart_and_not_counted(client, tree, users):
    son = f.member(c.Relationship.SON)
    h = f.household(tree.village_a, by=users.admin, members=[f.member(), son])
    f.income(h, 2019, wages=3000)
    member_change_record(
        user=users.clerk_a, member=h.members.get(relationship="son"), kind="death", date=dt.date(2019, 5, 1)
    )
    login(client, users.clerk_a)
    response = client.get(url(h))
    assert len(response.context["current_members"]) == 1
    assert len(response.context["departed_members"]) == 1
    assert str(response.context["incomes"][0].per_capita) == "3000.00"
    assert len(response.context["member_events"]) == 1


def test_the_change_history_shows_old_and_new_values_and_masks_them_for_others(client, tree, users, homes):
    from households.models import Household

    h = Household.objects.get(pk=homes.a.pk)
    h.phone, h.arable_land = "13900001111", 5
    h.save()
    login(client, users.clerk_a)
    changes = [ch for e in client.get(url(homes.a) + "history/").context["history"] for ch in e["changes"]]
    assert {"old": "13812345678", "new": "13900001111"}.items() <= next(
        ch for ch in changes if ch["new"] == "13900001111"
    ).items()
    login(client, users.province)
    html = client.get(url(homes.a) + "history/").content.decode()
    assert "13900001111" not in html and "139****1111" in html


def test_the_detail_page_query_count_does_not_grow_with_members_incomes_and_history(
    client, tree, users, django_assert_num_queries
):
    small = f.household(tree.village_a, by=users.admin)
    big = f.household(
        tree.village_a, by=users.admin, members=[f.member()] + [f.member(c.Relationship.SON) for _ in range(6)]
    )
    for y in (2017, 2018, 2019):
        f.income(small, y, wages=1000)
        f.income(big, y, wages=1000)
    member_change_record(
        user=users.clerk_a,
        member=big.members.filter(relationship="son").first(),
        kind="death",
        date=dt.date(2019, 1, 1),
    )
    login(client, users.clerk_a)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(url(small)).status_code == 200
    with django_assert_num_queries(len(baseline)):
        assert client.get(url(big)).status_code == 200


def test_a_township_reviewer_sees_its_own_township_only(client, users, homes):
    login(client, users.township)
    assert client.get(url(homes.b)).status_code == 200
    assert client.get(url(homes.c)).status_code == 404
    assert client.get(url(homes.d)).status_code == 404


def test_province_staff_and_auditors_see_every_county(client, users, homes):
    for who in (users.province, users.auditor, users.city):
        login(client, who)
        assert client.get(url(homes.d)).status_code == 200


def test_the_edit_form_of_a_clerk_is_an_audited_unmasked_view(client, users, homes):
    login(client, users.clerk_a)
    assert client.get(f"/households/{homes.a.number}/edit/").status_code == 200
    assert AuditLog.objects.filter(action="view_sensitive", object_id=homes.a.number).count() == 1


def test_per_capita_net_income_rounds_half_up_to_the_fen(client, tree, users):
    h = f.household(tree.village_a, by=users.admin, members=[f.member(), f.member(c.Relationship.SON)])
    f.income(h, 2019, wages="0.05")  # 0.025 per person
    login(client, users.clerk_a)
    assert str(client.get(url(h)).context["incomes"][0].per_capita) == "0.03"


def test_months_worked_away_show_with_their_unit(client, tree, users):
    """Issue 15 item 9: "县外省内 11 个月", not a bare "11"."""
    h = f.household(
        tree.village_a, by=users.admin, members=[f.member(work_status=c.WorkStatus.IN_PROVINCE, months_worked=11)]
    )
    login(client, users.clerk_a)
    html = client.get(url(h), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.split('data-testid="months-worked">')[1].split("<")[0] == "11 months"
