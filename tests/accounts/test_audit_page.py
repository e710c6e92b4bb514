"""§9: the auditor's page of the audit log (/audit/): auditors and administrators only, each in their scope
(docs/audit.md), Chinese labels, local time, filters, a readable old → new, an audited CSV/XLSX export."""

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditAction, AuditLog, Role
from accounts.services import audit_record
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = "/audit/"
EXPORT = "/audit/export/"
AT = dt.datetime(2019, 5, 1, 16, 30, tzinfo=dt.UTC)  # 2019-05-02 00:30 in Asia/Shanghai


@pytest.fixture
def log(tree, users, homes):
    """A phone change of household A at AT (village A), an export by the county official placed in county
    2, and a policy parameter change placed nowhere."""
    with mock.patch("django.utils.timezone.now", return_value=AT):
        audit_record(
            user=users.clerk_a,
            action=AuditAction.CHANGE,
            object_type="household",
            object_id=homes.a.pk,
            object_repr=homes.a.number,
            entry_region=tree.village_a,
            changes={"phone": ["13812345678", "13899998888"], "main_cause": ["illness", "disability"]},
        )
    audit_record(
        user=users.county2,
        action=AuditAction.EXPORT,
        object_type="report",
        object_id="households",
        entry_region=tree.county2,
        rows=3,
    )
    audit_record(user=users.province, action=AuditAction.CHANGE, object_type="policy_parameter", object_id=1)
    return AuditLog.objects.all()


def rows(response) -> list:
    return response.context["rows"]


def test_only_audit_readers_open_the_page_and_its_export(client, users, log):
    for user in (users.clerk_b, users.province, users.county, users.city):
        login(client, user)
        assert client.get(URL).status_code == 404
        assert client.get(EXPORT, {"format": "csv"}).status_code == 404
        assert b'data-menu-link="accounts:audit"' not in client.get("/households/").content
    login(client, users.auditor)
    assert client.get(URL).status_code == 200
    assert b'data-menu-link="accounts:audit"' in client.get("/households/").content
    assert reverse("accounts:audit") == URL


def test_the_page_shows_chinese_labels_local_time_and_old_to_new(client, users, homes, log):
    login(client, users.auditor)  # may view personal data (§9): the phone numbers unmasked
    html = client.get(URL, {"object_type": "household", "action": "change"}).content.decode()
    assert "2019-05-02 00:30:00" in html  # Asia/Shanghai, not UTC
    assert "修改" in html and "贫困户" in html and homes.a.number in html and "东村" in html
    assert "联系电话: 13812345678 → 13899998888" in html
    assert "主要致贫原因: 因病 → 因残" in html


def test_an_administrator_reads_personal_data_masked(client, users, log):
    login(client, users.admin)  # the administrator reads the log but not personal data (§9)
    [row] = rows(client.get(URL, {"object_type": "household", "action": "change"}))
    assert "联系电话: 138****5678 → 138****8888" in row.lines


def entries(response) -> list[AuditLog]:
    return list(response.context["page"].object_list)


def test_a_county_auditor_reads_only_the_entries_of_the_county(client, tree, users, homes, log):
    county2_auditor = f.user("auditor_county2", Role.AUDITOR, tree.county2)
    login(client, county2_auditor)
    seen = entries(client.get(URL))
    assert {e.region for e in seen} == {tree.county2, tree.village_d}  # household D, its member, the export
    assert ("report", "households") in {(e.object_type, e.object_id) for e in seen}
    login(client, users.auditor)  # the province's auditor also reads the entries placed nowhere
    seen = entries(client.get(URL))
    assert {tree.village_a, tree.village_d, tree.county2, None} <= {e.region for e in seen}
    assert ("policy_parameter", "1") in {(e.object_type, e.object_id) for e in seen}


def test_the_filters_narrow_the_list(client, tree, users, homes, log):
    login(client, users.auditor)

    def ids(**params):
        return [(e.object_type, e.object_id) for e in entries(client.get(URL, params))]

    household = ("household", str(homes.a.pk))
    assert ids(user="CLERK_", object_type="household") == [household]
    assert ids(action="export") == [("report", "households")]
    assert ids(region=tree.township.code, action="change") == [household]
    assert ("report", "households") in ids(region=tree.county2.code)
    assert household not in ids(region=tree.county2.code)
    assert ids(region="999999999999") == []  # a code outside the scope matches nothing
    assert ids(date_from="2019-05-02", date_to="2019-05-02") == [household]  # the day in Asia/Shanghai
    assert ids(date_to="2019-05-01") == []
    assert ids(object_id="households") == [("report", "households")] and ids(object_id="nothing") == []
    response = client.get(URL, {"date_from": "not a date"})
    assert response.status_code == 200 and response.context["filter"].errors


def test_the_page_runs_a_fixed_number_of_queries(client, tree, users, django_assert_max_num_queries):
    """No query per row: the user and the region come with the entries (select_related)."""
    login(client, users.auditor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        audit_record(user=users.clerk_a, action="export", object_type="report", entry_region=tree.village_a, rows=i)
    few = queries()
    for i in range(40):
        audit_record(user=users.clerk_b, action="export", object_type="report", entry_region=tree.village_b, rows=i)
    assert queries() == few
    with django_assert_max_num_queries(8):
        client.get(URL, {"region": tree.county.code, "page": "1"})


def test_the_page_counts_entries_up_to_a_cap(client, tree, users, log, monkeypatch):
    """A province's years of entries are not counted on every page: past the cap it says "more than"."""
    from povertymgmt import pagination

    login(client, users.auditor)
    response = client.get(URL)
    n = response.context["page"].paginator.count
    assert n == AuditLog.objects.count() and not response.context["page"].count_capped
    assert f"共 {n} 条记录" in response.content.decode()
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    response = client.get(URL)
    assert response.context["page"].count_capped and len(rows(response)) == 3  # the cap + 1 rows counted, shown
    assert "超过 2 条记录" in response.content.decode() and f"共 {n} 条记录" not in response.content.decode()


def _export(client, fmt: str, **params):
    response = client.get(EXPORT, {**params, "format": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_csv_export_holds_the_filtered_rows_and_is_audited(client, users, homes, log):
    audit_record(user=users.clerk_a, action="change", object_type="household", object_repr="=HYPERLINK(1)")
    login(client, users.auditor)
    data = _export(client, "csv", object_type="household", action="change")
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(table) == 3  # the header and the two household changes
    assert table[0][0] == "时间"
    row = next(r for r in table[1:] if r[5] == homes.a.number)
    assert row[0] == "2019-05-02 00:30:00" and row[2] == "修改" and row[3] == "贫困户" and row[6] == "东村"
    assert "联系电话: 13812345678 → 13899998888" in row[7].split("\n")
    assert any(r[5] == "'=HYPERLINK(1)" for r in table[1:])  # never a formula (§12)
    export = AuditLog.objects.get(object_type="audit_log")
    assert (export.user, export.action) == (users.auditor, AuditAction.EXPORT)
    assert export.detail == {"filter": {"object_type": "household", "action": "change"}, "rows": 2, "format": "csv"}


def test_the_xlsx_export_holds_the_filtered_rows_and_is_audited(client, users, homes, log):
    login(client, users.auditor)
    data = _export(client, "xlsx", object_type="household", action="change")
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0][0] == "时间" and len(table) == 2
    assert table[1][0] == "2019-05-02 00:30:00" and table[1][5] == homes.a.number
    export = AuditLog.objects.get(object_type="audit_log")
    assert export.detail["rows"] == 1 and export.detail["format"] == "xlsx"
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 404
