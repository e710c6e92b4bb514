"""Department rosters (§13): preview the matches in scope, apply with history, report the gaps."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.models import AuditLog
from households.models import Member
from imports.models import Roster, RosterState
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _csv(rows):
    text = "证件号码,状态\n" + "".join(f"{idn},{status}\n" for idn, status in rows)
    return SimpleUploadedFile("dibao.csv", text.encode("utf-8-sig"), content_type="text/csv")


def test_roster_preview_apply_and_report(client, users, tree, homes):
    second = f.household(tree.village_a, by=users.admin)
    a_head, second_head = homes.a.members.get(), second.members.get()
    outsider = homes.b.members.get()  # registered, but outside the clerk's village
    unknown = f.id_number()
    login(client, users.clerk_a)
    response = client.post(
        "/imports/rosters/",
        {
            "field": "receives_dibao",
            "department": "民政局",
            "file": _csv([(a_head.id_number, "是"), (outsider.id_number, "是"), (unknown, "是")]),
        },
    )
    roster = Roster.objects.get()
    assert response.status_code == 302
    report = roster.report
    assert report["matched"] == 1 and report["changes"] == 1
    assert set(report["not_registered"]) == {outsider.id_number, unknown}  # no hint about other villages
    assert report["missing_count"] == 1 and report["missing"][0][0] == second_head.id_number
    a_head.refresh_from_db()
    assert a_head.receives_dibao is False  # a preview changes nothing
    page = client.get(f"/imports/rosters/{roster.pk}/")
    assert page.status_code == 200 and page.content.count(b'data-testid="change"') == 1

    assert client.post(f"/imports/rosters/{roster.pk}/apply/").status_code == 302
    a_head.refresh_from_db()
    roster.refresh_from_db()
    assert a_head.receives_dibao is True and roster.state == RosterState.APPLIED
    record = a_head.history.first()
    assert str(roster.pk) in record.history_change_reason and record.history_user == users.clerk_a
    assert not Member.objects.get(pk=outsider.pk).receives_dibao
    assert AuditLog.objects.filter(object_type="roster", object_id=str(roster.pk)).exists()
    # Applying twice is refused.
    client.post(f"/imports/rosters/{roster.pk}/apply/")
    assert a_head.history.count() == 2


def test_a_disability_roster_sets_the_certificate(client, users, tree, homes):
    head = homes.a.members.get()
    login(client, users.clerk_a)
    text = f"身份证号,残疾证号\n{head.id_number},{head.id_number}42\n"
    upload = SimpleUploadedFile("cdpf.csv", text.encode(), content_type="text/csv")
    client.post("/imports/rosters/", {"field": "is_disabled", "file": upload})
    roster = Roster.objects.get()
    client.post(f"/imports/rosters/{roster.pk}/apply/")
    head.refresh_from_db()
    assert head.is_disabled and head.disability_certificate.endswith("42") and head.disability_category == "4"


def test_a_roster_without_an_id_column_is_refused(client, users, tree):
    login(client, users.clerk_a)
    upload = SimpleUploadedFile("x.csv", "姓名\n张三\n".encode(), content_type="text/csv")
    response = client.post("/imports/rosters/", {"field": "receives_dibao", "file": upload})
    assert response.status_code == 400 and Roster.objects.count() == 0


def test_roster_of_another_village_is_404(client, users, tree, homes):
    login(client, users.clerk_a)
    client.post(
        "/imports/rosters/", {"field": "receives_tekun", "file": _csv([(homes.a.members.get().id_number, "是")])}
    )
    roster = Roster.objects.get()
    login(client, users.clerk_b)
    assert client.get(f"/imports/rosters/{roster.pk}/").status_code == 404
    assert client.post(f"/imports/rosters/{roster.pk}/apply/").status_code == 404


def test_an_education_roster_in_xlsx_sets_the_school_stage(client, users, tree):
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
    client.post("/imports/rosters/", {"field": "school_status", "department": "教育局", "file": upload})
    roster = Roster.objects.get()
    assert roster.report["changes"] == 1 and roster.report["missing_count"] == 1
    client.post(f"/imports/rosters/{roster.pk}/apply/")
    child.refresh_from_db()
    assert child.school_status == "grade_8"
