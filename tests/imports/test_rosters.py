"""Department rosters (§13): stored, read and matched by a task with progress, previewed, applied by a task
with history; the gaps reported; unmasked ID numbers audited (§9); scoped (§1)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts import access
from accounts.models import AuditAction, AuditLog
from households.models import Member
from imports import rosters
from imports.models import Roster, RosterField, RosterState
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _csv(rows, name="dibao.csv"):
    text = "证件号码,状态\n" + "".join(f"{idn},{status}\n" for idn, status in rows)
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def post_roster(client, capture, upload, field="receives_dibao", **extra):
    """Upload through the page; the eager task reads the roster when the request's transaction commits."""
    with capture(execute=True):
        return client.post("/imports/rosters/", {"field": field, "file": upload, **extra})


def apply(client, capture, roster):
    with capture(execute=True):
        return client.post(f"/imports/rosters/{roster.pk}/apply/")


def test_roster_preview_apply_and_report(client, users, tree, homes, django_capture_on_commit_callbacks):
    second = f.household(tree.village_a, by=users.admin)
    a_head, second_head = homes.a.members.get(), second.members.get()
    outsider = homes.b.members.get()  # registered, but outside the clerk's village
    unknown = f.id_number()
    login(client, users.clerk_a)
    response = post_roster(
        client,
        django_capture_on_commit_callbacks,
        _csv([(a_head.id_number, "是"), (outsider.id_number, "是"), (unknown, "是")]),
        department="民政局",
    )
    roster = Roster.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/rosters/{roster.pk}/"
    assert roster.state == RosterState.PREVIEW and roster.rows_done == roster.rows_total == 3
    assert roster.file.name.startswith("rosters/") and "dibao" not in roster.file.name  # stored privately
    report = roster.report
    assert report["matched"] == 1 and report["changes"] == 1
    assert set(report["not_registered"]) == {outsider.id_number, unknown}  # no hint about other villages
    assert report["missing_count"] == 1 and report["missing"][0][0] == second_head.id_number
    a_head.refresh_from_db()
    assert a_head.receives_dibao is False  # a preview changes nothing
    page = client.get(f"/imports/rosters/{roster.pk}/")
    assert page.status_code == 200 and page.content.count(b'data-testid="change"') == 1
    assert b'data-testid="roster-apply"' in page.content

    assert apply(client, django_capture_on_commit_callbacks, roster).status_code == 302
    a_head.refresh_from_db()
    roster.refresh_from_db()
    assert a_head.receives_dibao is True and roster.state == RosterState.APPLIED
    assert roster.applied_by == users.clerk_a and roster.applied_at is not None
    record = a_head.history.first()
    assert str(roster.pk) in record.history_change_reason and record.history_user == users.clerk_a
    assert not Member.objects.get(pk=outsider.pk).receives_dibao
    assert AuditLog.objects.filter(object_type="roster", object_id=str(roster.pk), action="change").exists()
    # Applying twice is refused.
    apply(client, django_capture_on_commit_callbacks, roster)
    assert a_head.history.count() == 2


def test_the_roster_page_shows_the_reading_progress_until_the_preview(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    login(client, users.clerk_a)
    # Not run yet: the roster waits for the task, nothing is read in the request.
    client.post(
        "/imports/rosters/", {"field": "receives_dibao", "file": _csv([(homes.a.members.get().id_number, "是")])}
    )
    roster = Roster.objects.get()
    assert roster.state == RosterState.PENDING and roster.entries == [] and roster.report == {}
    page = client.get(f"/imports/rosters/{roster.pk}/").content.decode()
    assert f'hx-get="/imports/rosters/{roster.pk}/progress/"' in page and 'hx-trigger="every 1s"' in page
    assert "<script>" not in page  # no inline script (CSP): htmx polls the partial
    assert 'data-testid="roster-summary"' not in page and 'data-testid="roster-apply"' not in page

    Roster.objects.filter(pk=roster.pk).update(state=RosterState.MATCHING, rows_done=5000, rows_total=20000)
    response = client.get(f"/imports/rosters/{roster.pk}/progress/")
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Refresh" not in response
    assert 'data-state="matching"' in body and "5,000 / 20,000" in body and "25%" in body and "hx-get" in body

    Roster.objects.filter(pk=roster.pk).update(state=RosterState.PENDING, rows_done=0, rows_total=0)
    with django_capture_on_commit_callbacks(execute=True):
        from imports.tasks import roster_read

        roster_read.delay(roster.pk)
    response = client.get(f"/imports/rosters/{roster.pk}/progress/")
    assert response["HX-Refresh"] == "true" and b'data-state="preview"' in response.content
    assert b"hx-get" not in response.content  # the polling stops; the page reloads with the preview


def test_reading_reports_the_rows_read(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("证件号码\n" + "".join(f"{f.id_number()}\n" for _ in range(50)), encoding="utf-8")
    seen = []
    entries, errors, count = rosters.roster_read(path=str(path), field="receives_dibao", progress=seen.append)
    assert len(entries) == 50 and errors == [] and count == 0
    assert seen[-1] == 51  # the last line read, the header being line 1


def test_many_bad_lines_keep_a_bounded_list_and_a_complete_count(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("证件号码\n" + "123456789012345678\n" * 1000, encoding="utf-8")
    entries, errors, count = rosters.roster_read(path=str(path), field="receives_dibao")
    assert entries == [] and len(errors) == rosters.LIST_LIMIT and count == 1000


def test_a_disability_roster_sets_the_certificate(client, users, tree, homes, django_capture_on_commit_callbacks):
    head = homes.a.members.get()
    login(client, users.clerk_a)
    text = f"身份证号,残疾证号\n{head.id_number},{head.id_number}42\n"
    upload = SimpleUploadedFile("cdpf.csv", text.encode(), content_type="text/csv")
    post_roster(client, django_capture_on_commit_callbacks, upload, field="is_disabled")
    roster = Roster.objects.get()
    apply(client, django_capture_on_commit_callbacks, roster)
    head.refresh_from_db()
    assert head.is_disabled and head.disability_certificate.endswith("42") and head.disability_category == "4"


def test_a_roster_without_an_id_column_ends_failed_with_the_reason(
    client, users, tree, django_capture_on_commit_callbacks
):
    login(client, users.clerk_a)
    upload = SimpleUploadedFile("x.csv", "姓名\n张三\n".encode(), content_type="text/csv")
    response = post_roster(client, django_capture_on_commit_callbacks, upload)
    roster = Roster.objects.get()
    assert response.status_code == 302
    assert roster.state == RosterState.FAILED and "证件号码" in roster.message and roster.entries == []
    page = client.get(f"/imports/rosters/{roster.pk}/")
    assert 'data-testid="roster-message"' in page.content.decode() and "证件号码" in page.content.decode()
    assert b'data-testid="roster-apply"' not in page.content
    assert apply(client, django_capture_on_commit_callbacks, roster).status_code == 302
    roster.refresh_from_db()
    assert roster.state == RosterState.FAILED  # nothing to apply


def test_a_file_that_is_not_a_workbook_ends_failed(client, users, tree, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    upload = SimpleUploadedFile("x.xlsx", b"not a zip at all", content_type="application/octet-stream")
    post_roster(client, django_capture_on_commit_callbacks, upload)
    roster = Roster.objects.get()
    assert roster.state == RosterState.FAILED and ".xlsx" in roster.message


def test_a_roster_of_another_village_and_its_file_are_404(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    login(client, users.clerk_a)
    post_roster(
        client, django_capture_on_commit_callbacks, _csv([(homes.a.members.get().id_number, "是")]), "receives_tekun"
    )
    roster = Roster.objects.get()
    assert client.get(f"/imports/rosters/{roster.pk}/file/").status_code == 200
    login(client, users.clerk_b)
    for url in ("", "progress/", "file/"):
        assert client.get(f"/imports/rosters/{roster.pk}/{url}").status_code == 404, url
    assert client.post(f"/imports/rosters/{roster.pk}/apply/").status_code == 404
    roster.refresh_from_db()
    assert roster.state == RosterState.PREVIEW
    assert not AuditLog.objects.filter(user=users.clerk_b).exists()


def test_the_roster_file_is_its_author_s_or_for_roles_that_see_id_numbers(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    login(client, users.clerk_a)
    upload = _csv([(homes.a.members.get().id_number, "是")], name="低保 东村.csv")
    post_roster(client, django_capture_on_commit_callbacks, upload)
    roster = Roster.objects.get()
    url = f"/imports/rosters/{roster.pk}/file/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == upload.open().read()
    assert "%E4%BD%8E%E4%BF%9D" in response["Content-Disposition"]  # the uploaded name, not the stored one
    entry = AuditLog.objects.get(action=AuditAction.DOWNLOAD)
    assert (entry.user, entry.object_type, entry.object_id, entry.detail) == (
        users.clerk_a,
        "roster",
        str(roster.pk),
        {"rows": 1},
    )
    login(client, users.township)  # sees the roster masked, not its unmasked file
    assert client.get(f"/imports/rosters/{roster.pk}/").status_code == 200
    assert client.get(url).status_code == 404
    login(client, users.county)  # sees ID numbers: may have the file, audited
    assert client.get(url).status_code == 200
    assert AuditLog.objects.filter(action=AuditAction.DOWNLOAD, user=users.county, object_type="roster").count() == 1


def test_full_id_numbers_on_a_roster_page_are_audited(client, users, tree, homes, django_capture_on_commit_callbacks):
    f.household(tree.village_a, by=users.admin)  # missing from the roster
    head = homes.a.members.get()
    login(client, users.clerk_a)
    post_roster(client, django_capture_on_commit_callbacks, _csv([(head.id_number, "是"), (f.id_number(), "是")]))
    roster = Roster.objects.get()
    page = client.get(f"/imports/rosters/{roster.pk}/")
    assert head.id_number.encode() in page.content
    entry = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE)
    assert (entry.user, entry.object_type, entry.object_id) == (users.clerk_a, "roster", str(roster.pk))
    assert entry.detail == {"rows": 3}  # one change, one not registered, one missing
    client.get(f"/imports/rosters/{roster.pk}/progress/")  # the partial shows no ID number
    assert AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).count() == 1

    login(client, users.township)  # masked: no full ID number, no entry
    page = client.get(f"/imports/rosters/{roster.pk}/")
    assert page.status_code == 200 and head.id_number.encode() not in page.content
    assert AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).count() == 1


def test_a_roster_page_without_id_numbers_writes_no_audit(client, users, tree, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    client.post("/imports/rosters/", {"field": "receives_dibao", "file": _csv([(f.id_number(), "是")])})
    roster = Roster.objects.get()  # still waiting: nothing read, nothing shown
    assert client.get(f"/imports/rosters/{roster.pk}/").status_code == 200
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


def test_an_education_roster_in_xlsx_sets_the_school_stage(client, users, tree, django_capture_on_commit_callbacks):
    child = f.member("son", birth=dt.date(2008, 3, 1))
    home = f.household(tree.village_a, by=users.admin, members=[f.member(), child])
    child = home.members.get(relationship="son")
    wb = Workbook()
    wb.active.append(["姓名", "证件号码", "状态"])
    wb.active.append(["小明", child.id_number, "八年级"])
    buffer = io.BytesIO()
    wb.save(buffer)
    login(client, users.clerk_a)
    upload = SimpleUploadedFile("edu.xlsx", buffer.getvalue(), content_type="application/octet-stream")
    post_roster(client, django_capture_on_commit_callbacks, upload, field="school_status", department="教育局")
    roster = Roster.objects.get()
    assert roster.file.name.endswith(".xlsx")
    assert roster.report["changes"] == 1 and roster.report["missing_count"] == 1
    apply(client, django_capture_on_commit_callbacks, roster)
    child.refresh_from_db()
    assert child.school_status == "grade_8"


def test_an_apply_is_queued_and_shown_running_until_the_task_ends(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    head = homes.a.members.get()
    login(client, users.clerk_a)
    post_roster(client, django_capture_on_commit_callbacks, _csv([(head.id_number, "是")]))
    roster = Roster.objects.get()
    client.post(f"/imports/rosters/{roster.pk}/apply/")  # the task is not run: the roster is being applied
    roster.refresh_from_db()
    assert roster.state == RosterState.APPLYING and roster.applied_by == users.clerk_a
    head.refresh_from_db()
    assert head.receives_dibao is False
    page = client.get(f"/imports/rosters/{roster.pk}/").content.decode()
    assert f'hx-get="/imports/rosters/{roster.pk}/progress/"' in page and 'data-testid="roster-apply"' not in page
    response = client.post(f"/imports/rosters/{roster.pk}/apply/")
    assert any("正在" in str(m) or "being applied" in str(m) for m in response.wsgi_request._messages)
    with django_capture_on_commit_callbacks(execute=True):
        from imports.tasks import roster_apply

        roster_apply.delay(roster.pk)
    roster.refresh_from_db()
    head.refresh_from_db()
    assert roster.state == RosterState.APPLIED and head.receives_dibao is True
    assert client.get(f"/imports/rosters/{roster.pk}/progress/")["HX-Refresh"] == "true"


def test_an_apply_that_breaks_changes_nothing_and_can_be_pressed_again(
    client, users, tree, homes, django_capture_on_commit_callbacks, monkeypatch
):
    head = homes.a.members.get()
    login(client, users.clerk_a)
    post_roster(client, django_capture_on_commit_callbacks, _csv([(head.id_number, "是")]))
    roster = Roster.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rosters, "bulk_update_with_history", broken)
    with pytest.raises(RuntimeError):
        apply(client, django_capture_on_commit_callbacks, roster)
    roster.refresh_from_db()
    head.refresh_from_db()
    assert roster.state == RosterState.PREVIEW and roster.message and roster.applied_by is None
    assert head.receives_dibao is False
    monkeypatch.undo()
    apply(client, django_capture_on_commit_callbacks, roster)
    roster.refresh_from_db()
    assert roster.state == RosterState.APPLIED and roster.message == ""


def test_an_apply_matches_the_roster_s_scope_not_the_wider_one_of_who_applies(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    """§1: a county official applying a village clerk's roster changes only the members its preview
    matched; a member of another village of the county stays as the preview listed: not registered."""
    a_head, b_head = homes.a.members.get(), homes.b.members.get()
    login(client, users.clerk_a)
    post_roster(client, django_capture_on_commit_callbacks, _csv([(a_head.id_number, "是"), (b_head.id_number, "是")]))
    roster = Roster.objects.get()
    assert roster.report["matched"] == 1 and roster.report["not_registered"] == [b_head.id_number]

    login(client, users.county)  # sees village B too, but applies the clerk's roster of village A
    assert apply(client, django_capture_on_commit_callbacks, roster).status_code == 302
    roster.refresh_from_db()
    a_head.refresh_from_db()
    b_head.refresh_from_db()
    assert roster.state == RosterState.APPLIED and roster.applied_by == users.county
    assert a_head.receives_dibao is True and a_head.history.first().history_user == users.county
    assert b_head.receives_dibao is False and b_head.history.count() == 1
    assert roster.report["matched"] == 1 and roster.report["changes"] == 1
    assert roster.report["not_registered"] == [b_head.id_number]  # the same as the preview


def test_an_author_whose_scope_no_longer_holds_the_roster_may_not_apply_it(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    head = homes.a.members.get()
    login(client, users.clerk_a)
    post_roster(client, django_capture_on_commit_callbacks, _csv([(head.id_number, "是")]))
    roster = Roster.objects.get()
    users.clerk_a.scope = tree.village_b  # moved to another village: still sees the roster they made
    users.clerk_a.save(update_fields=["scope"])
    response = apply(client, django_capture_on_commit_callbacks, roster)
    assert response.status_code == 302
    assert any(tree.village_a.name in str(m) for m in response.wsgi_request._messages)
    roster.refresh_from_db()
    head.refresh_from_db()
    assert roster.state == RosterState.PREVIEW and roster.applied_by is None and head.receives_dibao is False
    with pytest.raises(PermissionDenied):
        rosters.roster_apply(user=users.clerk_b, roster=roster)  # the service refuses on its own too


def _disability_roster(client, users, homes, capture) -> Roster:
    head = homes.a.members.get()
    login(client, users.clerk_a)  # a clerk may view health data (SENSITIVE_ROLES)
    text = f"身份证号,残疾证号\n{head.id_number},{head.id_number}42\n"
    post_roster(client, capture, SimpleUploadedFile("cdpf.csv", text.encode(), content_type="text/csv"), "is_disabled")
    return Roster.objects.get()


def test_a_role_that_may_not_view_health_data_is_not_offered_a_disability_roster(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    """§9: the township reviewer may import, but not a roster that says who is disabled."""
    assert not access.may_use_roster_field(users.township, RosterField.DISABLED)
    assert access.may_use_roster_field(users.township, RosterField.CRITICAL_ILLNESS)  # who is insured only
    assert access.may_use_roster_field(users.clerk_a, RosterField.DISABLED)
    login(client, users.township)
    page = client.get("/imports/rosters/").content.decode()
    assert 'value="receives_dibao"' in page and 'value="is_disabled"' not in page
    upload = _csv([(homes.a.members.get().id_number, "是")], name="cdpf.csv")
    response = post_roster(client, django_capture_on_commit_callbacks, upload, field="is_disabled")
    assert response.status_code == 400 and not Roster.objects.exists()
    errors = [str(e) for e in response.context["form"].errors["field"]]
    assert errors == [str(rosters.HEALTH_REFUSED)] and 'data-testid="field-error"' in response.content.decode()
    with pytest.raises(PermissionDenied):  # the service refuses on its own too
        rosters.roster_create(user=users.township, upload=upload, field=RosterField.DISABLED)
    assert not Roster.objects.exists()


def test_a_disability_roster_is_404_to_a_role_that_may_not_view_health_data(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    roster = _disability_roster(client, users, homes, django_capture_on_commit_callbacks)
    assert roster.state == RosterState.PREVIEW and roster.report["changes"] == 1
    for who in (users.township, users.city):
        login(client, who)
        assert f"/imports/rosters/{roster.pk}/" not in client.get("/imports/rosters/").content.decode()
        for url in ("", "progress/", "file/"):
            assert client.get(f"/imports/rosters/{roster.pk}/{url}").status_code == 404, (who, url)
    assert apply(client, django_capture_on_commit_callbacks, roster).status_code == 404  # the township
    roster.refresh_from_db()
    assert roster.state == RosterState.PREVIEW
    with pytest.raises(PermissionDenied):
        rosters.roster_apply(user=users.township, roster=roster)
    assert not homes.a.members.get().is_disabled
    assert not AuditLog.objects.filter(user__in=[users.township, users.city]).exists()

    login(client, users.county)  # may view health data: sees and applies it
    page = client.get(f"/imports/rosters/{roster.pk}/")
    assert page.status_code == 200 and page.content.count(b'data-testid="change"') == 1
    apply(client, django_capture_on_commit_callbacks, roster)
    assert homes.a.members.get().is_disabled
