"""The Django admin (issue 2, item 9): scoped like every read (§1), read-only for auditors, audit log (§9)."""

from io import StringIO

import pytest
from django.urls import reverse

from accounts.masking import mask_id_number
from accounts.models import AuditAction, AuditLog
from accounts.services import audit_record
from tests import factories as f

pytestmark = pytest.mark.django_db


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def changelist(model: str) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_changelist")


def test_a_staff_user_scoped_to_a_county_sees_only_that_countys_households(client, users, homes):
    client.force_login(staff(users.county2))
    response = client.get(changelist("households.household"))
    assert response.status_code == 200
    assert [h.pk for h in response.context["cl"].result_list] == [homes.d.pk]
    members = client.get(changelist("households.member"))
    assert {m.household_id for m in members.context["cl"].result_list} == {homes.d.pk}
    regions = client.get(changelist("villages.region"))
    assert all(r.code.startswith("211221") for r in regions.context["cl"].result_list)


def test_a_household_outside_the_scope_is_404_in_the_admin(client, users, homes):
    client.force_login(staff(users.clerk_b))
    assert client.get(reverse("admin:households_household_change", args=[homes.a.pk])).status_code == 404
    assert client.get(reverse("admin:households_household_change", args=[homes.b.pk])).status_code == 200


def test_users_without_is_staff_never_reach_the_admin(client, users, homes):
    client.force_login(users.county)
    response = client.get(changelist("households.household"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_household_changelist_runs_a_bounded_number_of_queries(
    client, users, tree, homes, django_assert_max_num_queries
):
    for _ in range(15):
        f.household(tree.village_a, by=users.admin, members=[f.member()])
    client.force_login(staff(users.province))
    with django_assert_max_num_queries(10):
        response = client.get(changelist("households.household"))
    assert len(response.context["cl"].result_list) == 19
    for model in ("households.member", "households.income", "households.pairing", "villages.region"):
        with django_assert_max_num_queries(10):
            assert client.get(changelist(model)).status_code == 200


def test_the_auditor_views_but_cannot_change_anything(client, users, homes, tree):
    client.force_login(staff(users.auditor))
    url = reverse("admin:households_household_change", args=[homes.a.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"phone": "13900000000"}).status_code == 403
    region_url = reverse("admin:villages_region_change", args=[tree.village_a.pk])
    assert client.post(region_url, {"name": "改名"}).status_code == 403
    assert (
        client.post(reverse("admin:villages_region_delete", args=[tree.village_a.pk]), {"post": "yes"}).status_code
        == 403
    )
    tree.village_a.refresh_from_db()
    assert tree.village_a.name == "东村"


def test_households_are_read_only_in_the_admin_for_staff_who_are_not_superusers(client, users, homes):
    client.force_login(staff(users.county))
    url = reverse("admin:households_household_change", args=[homes.a.pk])
    assert client.post(url, {"phone": "13900000000"}).status_code == 403
    homes.a.refresh_from_db()
    assert homes.a.phone == "13812345678"


def test_id_numbers_are_masked_for_staff_without_view_sensitive(client, users, homes):
    client.force_login(staff(users.township))  # township reviewers do not see personal data unmasked (§9)
    member = homes.a.members.get()
    response = client.get(changelist("households.member"))
    assert member.id_number not in response.content.decode()
    assert mask_id_number(member.id_number) in response.content.decode()


def test_the_audit_log_is_read_by_auditors_only_and_never_edited_or_deleted(client, users):
    audit_record(user=users.county, action=AuditAction.EXPORT, object_type="household", object_id="1", rows=3)
    entry = AuditLog.objects.get(action=AuditAction.EXPORT)  # besides the users' creation (accounts.audit)
    client.force_login(staff(users.province))
    assert client.get(changelist("accounts.auditlog")).status_code == 403
    client.force_login(staff(users.auditor))
    response = client.get(changelist("accounts.auditlog"))
    assert response.status_code == 200 and entry in response.context["cl"].result_list
    client.force_login(users.admin)  # a superuser
    change = reverse("admin:accounts_auditlog_change", args=[entry.pk])
    assert client.post(change, {"action": AuditAction.CHANGE}).status_code == 403
    assert client.post(reverse("admin:accounts_auditlog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:accounts_auditlog_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.action == AuditAction.EXPORT


@pytest.mark.parametrize("username", ["admin", "township_reviewer", "auditor"])
def test_every_admin_page_of_the_three_apps_opens_on_demo_data(client, username, settings, tmp_path):
    from django.contrib import admin
    from django.core.management import call_command

    from accounts.models import User

    settings.MEDIA_ROOT = tmp_path  # the demo's evidence files and import workbook
    call_command("seed_demo", households=30, seed=3, stdout=StringIO())
    user = User.objects.get(username=username)
    staff(user)
    client.force_login(user)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("accounts", "villages", "households"):
            continue
        name = f"{model._meta.app_label}.{model._meta.model_name}"
        response = client.get(changelist(name))
        expected = 403 if model is AuditLog and username == "township_reviewer" else 200
        assert response.status_code == expected, name
        if expected != 200:
            continue
        obj = model_admin.get_queryset(response.wsgi_request).first()
        if obj is not None:
            url = reverse(f"admin:{name.replace('.', '_')}_change", args=[obj.pk])
            assert client.get(url).status_code == 200, name


def test_an_unmasked_admin_view_is_audit_logged_and_a_masked_one_is_not(client, users, homes):
    client.force_login(staff(users.township))  # masked: nothing to log
    client.get(reverse("admin:households_member_changelist"))
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()
    client.force_login(staff(users.county))  # county officials see personal data (§9)
    client.get(reverse("admin:households_household_change", args=[homes.a.pk]))
    entry = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE)
    assert (entry.user, entry.action, entry.object_id) == (users.county, AuditAction.VIEW_SENSITIVE, str(homes.a.pk))


def test_the_admin_paginator_counts_at_most_its_cap(homes, monkeypatch):
    from accounts.admin import CappedPaginator
    from households.models import Household

    monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 3)
    assert CappedPaginator(Household.objects.order_by("id"), 2).count == 3
    assert CappedPaginator(Household.objects.filter(pk=homes.a.pk), 2).count == 1


def test_member_search_by_id_number_household_number_or_name(client, users, homes):
    client.force_login(staff(users.county))
    member = homes.a.members.get()
    for term in (member.id_number, homes.a.number, member.name):
        response = client.get(changelist("households.member"), {"q": term})
        assert [m.pk for m in response.context["cl"].result_list] == [member.pk]
