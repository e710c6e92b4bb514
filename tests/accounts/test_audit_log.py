"""§9: every change (old → new) is kept in an audit log nobody can edit (accounts.audit, docs/audit.md):
creates, changes and deletes of the tracked models through the real forms, the Django admin and the
services, with who, where and the values; an import commits one entry per job."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.audit import acting_as
from accounts.models import AuditAction, AuditLog
from assistance.models import AssistanceRecord
from households.models import Household, Income, Member
from imports.models import ImportJob
from projects.models import Project
from tests import factories as f
from tests.conftest import login
from tests.households.test_views_form import form_data, member_data
from tests.imports.conftest import commit, household_row, member_row, post_file, xlsx_bytes
from villages.models import RegionYear
from villages.working_year import working_year

pytestmark = pytest.mark.django_db


def entries(object_type: str, action: str | None = None):
    qs = AuditLog.objects.filter(object_type=object_type).order_by("id")
    return list(qs.filter(action=action) if action else qs)


def admin_post_data(response) -> dict:
    """The admin change form's current values as a POST body (inline management forms included)."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else [str(v) for v in value] if isinstance(value, list) else str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    return data


def test_a_household_registered_and_edited_in_the_form_is_audited_old_to_new(client, tree, users):
    login(client, users.clerk_a)
    client.post("/households/new/", form_data(tree.village_a, [member_data(0, name="王大")], phone="13811112222"))
    h = Household.objects.get()
    [created] = entries("household", AuditAction.CREATE)
    assert (created.user, created.region, created.object_id, created.object_repr) == (
        users.clerk_a,
        tree.village_a,
        str(h.pk),
        h.number,
    )
    values = created.detail["fields"]
    assert values["phone"] == "13811112222" and values["village"] == tree.village_a.pk
    head = h.members.get()
    [member_created] = entries("member", AuditAction.CREATE)
    assert (member_created.object_repr, member_created.region) == ("王大", tree.village_a)

    rows = [member_data(0, name="王大伟", id_number=head.id_number)]
    url = f"/households/{h.number}/edit/"
    data = form_data(tree.village_a, rows, existing_ids=[head.pk], phone="13899998888")
    assert client.post(url, data).status_code == 302
    [changed] = entries("household", AuditAction.CHANGE)
    assert changed.user == users.clerk_a and changed.region == tree.village_a
    assert changed.detail == {"changes": {"phone": ["13811112222", "13899998888"]}}
    [member_changed] = entries("member", AuditAction.CHANGE)
    assert member_changed.detail["changes"]["name"] == ["王大", "王大伟"]
    assert member_changed.user == users.clerk_a


def test_an_income_edited_in_the_form_is_audited(client, tree, users, homes):
    year = working_year()
    f.income(homes.a, year, wages="1000")
    head = homes.a.members.get()
    login(client, users.clerk_a)
    rows = [member_data(0, name=head.name, id_number=head.id_number)]
    data = form_data(tree.village_a, rows, existing_ids=[head.pk], phone=homes.a.phone)
    data.update({f"income-{year}-wages": "1500.50", f"income-{year}-pension": "200"})
    assert client.post(f"/households/{homes.a.number}/edit/", data).status_code == 302
    income = Income.objects.get(household=homes.a, year=year)
    [changed] = entries("income", AuditAction.CHANGE)
    assert (changed.user, changed.object_id, changed.region) == (users.clerk_a, str(income.pk), tree.village_a)
    assert changed.detail["changes"]["wages"] == ["1000.00", "1500.50"]
    assert changed.detail["changes"]["pension"] == ["0.00", "200.00"]  # as stored: two decimals
    assert "net" not in changed.detail["changes"]  # computed by the database, never tracked


def test_a_save_that_changes_nothing_writes_no_entry(homes):
    before = AuditLog.objects.count()
    homes.a.save()
    Member.objects.get(household=homes.a).save(update_fields=["name"])
    assert AuditLog.objects.count() == before


def test_the_region_figures_are_audited(client, tree, users):
    login(client, users.county)
    url = f"/regions/{tree.village_a.code}/years/2019/edit/"
    client.post(url, {"rural_population": "1200", "collective_income": "35000.50"})
    client.post(url, {"rural_population": "1300", "collective_income": "35000.50"})
    figures = RegionYear.objects.get(region=tree.village_a, year=2019)
    created, changed = entries("region_year")
    assert (created.action, created.user, created.region) == (AuditAction.CREATE, users.county, tree.village_a)
    assert created.detail["fields"]["collective_income"] == "35000.50"
    assert (changed.action, changed.object_id) == (AuditAction.CHANGE, str(figures.pk))
    assert changed.detail == {"changes": {"rural_population": [1200, 1300]}}


def test_a_project_changed_and_deleted_in_the_admin_is_audited_with_the_user(client, tree, users):
    project = Project.objects.create(
        county=tree.county, name="养殖项目", year=2019, category="industry", implementing_unit="农业局"
    )
    client.force_login(users.admin)
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_post_data(client.get(url))
    response = client.post(url, {**data, "name": "养牛项目", "beneficiary_people": "30"})
    assert response.status_code == 302
    [changed] = entries("project", AuditAction.CHANGE)
    assert (changed.user, changed.region, changed.object_repr) == (users.admin, tree.county, "养牛项目")
    assert changed.detail == {"changes": {"name": ["养殖项目", "养牛项目"], "beneficiary_people": [0, 30]}}

    delete = reverse("admin:projects_project_delete", args=[project.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    [deleted] = entries("project", AuditAction.DELETE)
    assert (deleted.user, deleted.object_id, deleted.region) == (users.admin, str(project.pk), tree.county)
    assert deleted.detail["fields"]["name"] == "养牛项目"


def test_an_assistance_record_changed_and_deleted_in_the_admin_is_audited(client, tree, users, homes):
    record = AssistanceRecord.objects.create(
        household=homes.a, category="industry", date=dt.date(2019, 5, 1), content="发放鸡苗", amount="500"
    )
    client.force_login(users.admin)
    url = reverse("admin:assistance_assistancerecord_change", args=[record.pk])
    data = admin_post_data(client.get(url))
    assert client.post(url, {**data, "amount": "800.00"}).status_code == 302
    [changed] = entries("assistance_record", AuditAction.CHANGE)
    assert (changed.user, changed.region) == (users.admin, tree.village_a)
    assert changed.detail == {"changes": {"amount": ["500.00", "800.00"]}}
    delete = reverse("admin:assistance_assistancerecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    [deleted] = entries("assistance_record", AuditAction.DELETE)
    assert deleted.user == users.admin and deleted.detail["fields"]["content"] == "发放鸡苗"


def test_a_change_that_is_rolled_back_leaves_no_entry(homes):
    before = AuditLog.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        homes.a.phone = "13700000000"
        homes.a.save()
        raise RuntimeError
    assert AuditLog.objects.count() == before


def test_acting_as_names_the_user_outside_a_request(users, homes):
    with acting_as(users.county):
        homes.a.phone = "13700000000"
        homes.a.save()
    homes.a.phone = "13700000001"
    homes.a.save()
    first, second = entries("household", AuditAction.CHANGE)
    assert (first.user, second.user) == (users.county, None)


def test_a_password_change_is_audited_without_the_hash(users):
    users.clerk_a.set_password("another-pass-456")
    users.clerk_a.save()
    [changed] = entries("user", AuditAction.CHANGE)
    assert changed.detail == {"changes": {"password": ["***", "***"]}} and changed.region is None


def test_an_import_writes_one_entry_per_job_with_its_counts(
    client, settings, tmp_path, tree, users, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    login(client, users.clerk_a)
    data = xlsx_bytes([household_row("1"), household_row("2")], [member_row("1"), member_row("2")])
    post_file(client, django_capture_on_commit_callbacks, data)
    job = ImportJob.objects.get()
    commit(client, django_capture_on_commit_callbacks, job)
    [entry] = entries("import")
    assert (entry.user, entry.action, entry.object_id, entry.region) == (
        users.clerk_a,
        AuditAction.CHANGE,
        str(job.pk),
        tree.village_a,
    )
    assert entry.detail == {
        "created": 2,
        "updated": 0,
        "members_created": 2,
        "members_updated": 0,
        "skipped": 0,
        "as_identified": False,  # the clerk's households came in as applicants (issue 14)
    }
    assert not entries("household")  # written in bulk: the job's entry stands for them


def test_entries_are_never_updated_or_deleted(client, users, homes):
    entry = AuditLog.objects.filter(object_type="household", object_id=str(homes.a.pk)).get()
    for attempt in (entry.save, entry.delete, AuditLog.objects.all().delete):
        with pytest.raises(PermissionError):
            attempt()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(object_id="x")
    client.force_login(users.admin)  # a superuser: the admin shows the entry and changes nothing
    change = reverse("admin:accounts_auditlog_change", args=[entry.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"object_id": "x"}).status_code == 403
    assert client.post(reverse("admin:accounts_auditlog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.object_id == str(homes.a.pk)
