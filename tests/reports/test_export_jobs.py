"""§12 large exports: a background job with progress, the file kept for its owner only (§9), audited."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from accounts.models import AuditLog
from reports.models import ExportJob, ExportState
from reports.tasks import exports_expire_task

from .helpers import csv_rows, response_bytes, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_threshold(settings, tmp_path):
    settings.REPORTS_EXPORT_SYNC_MAX_ROWS = 2
    settings.MEDIA_ROOT = tmp_path
    return settings


def test_a_large_export_runs_in_the_background_and_its_owner_downloads_it(
    client, world, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(world.users.province)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/reports/tables/households/export/?status=poor", {"format": "xlsx"})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/reports/exports/{job.pk}/"
    assert job.state == ExportState.DONE and job.rows_total == job.rows_done == 3
    progress = client.get(f"/reports/exports/{job.pk}/", headers={"HX-Request": "true"})
    assert progress.status_code == 200 and b'data-state="done"' in progress.content
    download = client.get(f"/reports/exports/{job.pk}/download/")
    assert download.status_code == 200
    rows = xlsx_rows(response_bytes(download))
    assert len(rows) == 4
    page = client.get("/reports/tables/households/", {"status": "poor"}).context["page"].object_list
    assert [r[0] for r in rows[1:]] == [r[0] for r in page]
    log = AuditLog.objects.get(action="export")
    assert log.detail["rows"] == 3 and log.detail["filter"] == {"status": "poor"} and log.user == world.users.province


def test_another_user_cannot_see_or_download_the_file(
    client, world, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(world.users.province)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/tables/members/export/", {"format": "csv"})
    job = ExportJob.objects.get()
    assert csv_rows(client.get(f"/reports/exports/{job.pk}/download/"))[0][0]
    for other in (world.users.auditor, world.users.admin, world.users.clerk_a):
        client.force_login(other)
        assert client.get(f"/reports/exports/{job.pk}/").status_code == 404
        assert client.get(f"/reports/exports/{job.pk}/download/").status_code == 404
        assert job.pk not in [j.pk for j in client.get("/reports/exports/").context["jobs"]]


def test_small_exports_stream_at_once(client, world, small_threshold):
    client.force_login(world.users.clerk_b)
    r = client.post("/reports/tables/households/export/", {"format": "csv"})
    assert r.status_code == 200 and r.streaming and not ExportJob.objects.exists()
    assert r["Content-Disposition"].startswith('attachment; filename="households-211224100002-')


def test_export_files_are_deleted_after_the_keeping_period_and_the_log_stays(
    client, world, small_threshold, django_capture_on_commit_callbacks
):
    small_threshold.EXPORT_KEEP_DAYS = 7
    client.force_login(world.users.province)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/tables/members/export/", {"format": "csv"})
        client.post("/reports/tables/households/export/", {"format": "csv"})
    old, recent = ExportJob.objects.order_by("pk")
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    path = old.file.path
    assert exports_expire_task.delay().get() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and recent.file
    assert not os.path.exists(path) and os.path.exists(recent.file.path)
    assert client.get(f"/reports/exports/{old.pk}/download/").status_code == 404
    listing = client.get("/reports/exports/").content.decode()
    assert listing.count('data-testid="export-expired"') == 1
    assert "导出文件已过保留期删除" in listing
