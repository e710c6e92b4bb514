"""§9: a household file's rejected cell values shown unmasked (the import job page, the API) are audited;
masked, or with no sensitive value among them, nothing is written."""

import pytest

from accounts.models import AuditAction, AuditLog
from imports.models import ImportJob
from tests.conftest import login

from .conftest import household_row, member_row, post_file, xlsx_bytes

pytestmark = pytest.mark.django_db

BAD_ID = "211224197001010000"  # a wrong check digit: rejected, its value kept in the report


def _job_with_a_bad_id(client, user, capture) -> ImportJob:
    login(client, user)
    post_file(client, capture, xlsx_bytes([household_row("1")], [member_row("1", id_number=BAD_ID)]))
    return ImportJob.objects.get()


def _views() -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE))


def test_the_job_page_with_unmasked_id_numbers_is_audited(client, users, tree, django_capture_on_commit_callbacks):
    job = _job_with_a_bad_id(client, users.clerk_a, django_capture_on_commit_callbacks)
    page = client.get(f"/imports/{job.pk}/")
    assert BAD_ID.encode() in page.content
    [entry] = _views()
    assert (entry.user, entry.object_type, entry.object_id) == (users.clerk_a, "import_job", str(job.pk))
    assert entry.detail == {"rows": job.issues.count(), "unmasked": 1}
    client.get(f"/imports/{job.pk}/progress/")  # the progress partial shows no value
    assert len(_views()) == 1


def test_the_api_with_unmasked_id_numbers_is_audited(client, users, tree, django_capture_on_commit_callbacks):
    job = _job_with_a_bad_id(client, users.clerk_a, django_capture_on_commit_callbacks)
    errors = client.get(f"/api/v1/imports/{job.pk}/").json()["errors"]
    assert BAD_ID in [e["value"] for e in errors]
    [entry] = _views()
    assert (entry.user, entry.object_type, entry.object_id) == (users.clerk_a, "import_job", str(job.pk))


def test_masked_values_write_no_audit(client, users, tree, django_capture_on_commit_callbacks):
    job = _job_with_a_bad_id(client, users.clerk_a, django_capture_on_commit_callbacks)
    login(client, users.township)  # §9: township reviewers see ID numbers masked
    assert BAD_ID.encode() not in client.get(f"/imports/{job.pk}/").content
    assert BAD_ID not in str(client.get(f"/api/v1/imports/{job.pk}/").json()["errors"])
    assert _views() == []


def test_issues_without_a_sensitive_value_write_no_audit(client, users, tree, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    data = xlsx_bytes([household_row("1", 识别年度=1999)], [member_row("1")])  # a year out of range
    post_file(client, django_capture_on_commit_callbacks, data)
    job = ImportJob.objects.get()
    assert job.error_count and not job.issues.filter(sensitive=True).exists()
    assert client.get(f"/imports/{job.pk}/").status_code == 200
    client.get(f"/api/v1/imports/{job.pk}/")
    assert _views() == []
