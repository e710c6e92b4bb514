"""The import through the REST API (§13): upload, status with errors, commit; scoped."""

import pytest

from households.models import Household
from tests.conftest import login

from .conftest import household_row, member_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_api_upload_status_and_commit(client, users, tree, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    data = xlsx_bytes([household_row("1"), household_row("2")], [member_row("1"), member_row("2", "配偶")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"file": upload(data)})
    assert response.status_code == 201
    job_id = response.json()["id"]
    status = client.get(f"/api/v1/imports/{job_id}/").json()
    assert status["state"] == "validated" and status["progress"] == 100
    assert [(e["sheet"], e["row"], e["code"]) for e in status["errors"]] == [("户信息", 3, "head_count")]
    assert client.post(f"/api/v1/imports/{job_id}/commit/", {"valid_only": False}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/imports/{job_id}/commit/", {"valid_only": True})
    assert response.status_code == 202
    status = client.get(f"/api/v1/imports/{job_id}/").json()
    assert status["state"] == "done" and status["result"]["created"] == 1
    assert Household.objects.count() == 1


def test_api_refuses_a_non_excel_upload(client, users, tree):
    login(client, users.clerk_a)
    response = client.post("/api/v1/imports/", {"file": upload(b"not a workbook")})
    assert response.status_code == 400 and response.json()["codes"] == ["not_xlsx"]


def test_api_job_of_another_village_is_404(client, users, tree, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.post(
            "/api/v1/imports/", {"file": upload(xlsx_bytes([household_row("1")], [member_row("1")]))}
        ).json()["id"]
    login(client, users.clerk_b)
    assert client.get(f"/api/v1/imports/{job_id}/").status_code == 404
    assert client.post(f"/api/v1/imports/{job_id}/commit/", {"valid_only": True}).status_code == 404


def test_api_masks_identifiers_in_errors_for_roles_without_view_sensitive(
    client, users, tree, django_capture_on_commit_callbacks
):
    bad_id = "211224197001010000"
    login(client, users.township)  # §9: township reviewers see ID numbers masked
    data = xlsx_bytes([household_row("1")], [member_row("1", id_number=bad_id)])
    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.post("/api/v1/imports/", {"file": upload(data)}).json()["id"]
    errors = client.get(f"/api/v1/imports/{job_id}/").json()["errors"]
    assert [e["code"] for e in errors] == ["id_checksum"]
    assert errors[0]["value"] != bad_id and errors[0]["value"].startswith("2112")
    page = client.get(f"/imports/{job_id}/")
    assert bad_id.encode() not in page.content


def test_the_annotated_copy_is_audited_and_kept_from_other_users_without_view_sensitive(
    client, users, tree, django_capture_on_commit_callbacks
):
    from accounts.models import AuditLog

    login(client, users.clerk_a)
    data = xlsx_bytes([household_row("1")], [member_row("1", id_number="211224197001010000")])
    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.post("/api/v1/imports/", {"file": upload(data)}).json()["id"]
    assert client.get(f"/imports/{job_id}/errors.xlsx").status_code == 200
    assert AuditLog.objects.filter(object_type="import_job", object_id=str(job_id), action="export").exists()
    login(client, users.township)  # sees the job, but not the unmasked file
    assert client.get(f"/imports/{job_id}/").status_code == 200
    assert client.get(f"/imports/{job_id}/errors.xlsx").status_code == 404
