"""Nothing under MEDIA_ROOT is public (§9, issue 12): every stored file goes out only through a view that
fetches its record in the user's scope (404 outside), writes an audit entry and, behind nginx, answers
with X-Accel-Redirect; stored names are random; import staging databases do not outlive their job."""

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditLog
from assistance.models import Visit, VisitPhoto
from imports.models import ImportJob, JobState, Roster, RosterField
from imports.services import import_staging_clean, stage_path
from reports.models import ExportJob, ExportState
from tests.conftest import login
from workflows.definitions import CaseType, State
from workflows.models import Attachment, Case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
UPLOADED = "张三家 房屋.png"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL_REDIRECT = False
    return tmp_path


def _attachment(tree, users, homes):
    case = Case.objects.create(
        case_type=CaseType.HOUSEHOLD_EXIT,
        household=homes.a,
        region=tree.village_a,
        state=State.APPLIED,
        year=2019,
        opened_by=users.clerk_a,
        state_since=timezone.now(),
    )
    a = Attachment(
        case=case,
        kind="house_photo",
        name=UPLOADED,
        content_type="image/png",
        size=len(PNG),
        sha256="0" * 64,
        uploaded_by=users.clerk_a,
    )
    a.file.save(UPLOADED, ContentFile(PNG), save=False)
    a.save()
    return SimpleNamespace(
        url=reverse("workflows:attachment", args=[case.pk, a.pk]),
        file=a.file,
        owner=users.clerk_a,
        outsider=users.county2,
    )


def _photo(tree, users, homes):
    visit = Visit.objects.create(
        household=homes.a, visited_on=dt.date(2019, 6, 1), findings="房屋安全", visitor=users.clerk_a
    )
    photo = VisitPhoto(visit=visit)
    photo.file.save(UPLOADED, ContentFile(PNG), save=False)
    photo.save()
    return SimpleNamespace(
        url=reverse("assistance:visit_photo", args=[photo.pk]),
        file=photo.file,
        owner=users.clerk_a,
        outsider=users.clerk_b,
    )


def _export(tree, users, homes):
    job = ExportJob(
        user=users.county, table="households", format="xlsx", state=ExportState.DONE, filename="贫困户.xlsx"
    )
    job.file.save("贫困户.xlsx", ContentFile(PNG), save=False)
    job.save()
    # An export is its owner's alone: another user of the same county gets 404 too.
    other = users.county2
    return SimpleNamespace(
        url=reverse("reports:export_download", args=[job.pk]), file=job.file, owner=users.county, outsider=other
    )


def _roster(tree, users, homes):
    roster = Roster(created_by=users.clerk_a, scope=tree.village_a, field=RosterField.DIBAO, original_name=UPLOADED)
    roster.file.save(UPLOADED, ContentFile(PNG), save=False)
    roster.save()
    return SimpleNamespace(
        url=reverse("imports:roster_file", args=[roster.pk]),
        file=roster.file,
        owner=users.clerk_a,
        outsider=users.clerk_b,
    )


KINDS = {"attachment": _attachment, "visit_photo": _photo, "export": _export, "roster": _roster}


@pytest.mark.parametrize("kind", KINDS)
def test_the_owner_gets_the_file_and_it_is_audited(client, tree, users, homes, kind):
    f = KINDS[kind](tree, users, homes)
    login(client, f.owner)
    resp = client.get(f.url)
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == PNG
    assert "X-Accel-Redirect" not in resp
    entry = AuditLog.objects.get(action=AuditAction.DOWNLOAD)
    assert entry.user == f.owner


@pytest.mark.parametrize("kind", KINDS)
def test_every_download_is_audited_again(client, tree, users, homes, kind):
    f = KINDS[kind](tree, users, homes)
    login(client, f.owner)
    for _ in range(2):  # a re-download is a download
        assert client.get(f.url).status_code == 200
    assert AuditLog.objects.filter(action=AuditAction.DOWNLOAD, user=f.owner).count() == 2


@pytest.mark.parametrize("kind", KINDS)
def test_out_of_scope_is_404_and_anonymous_is_sent_to_login(client, tree, users, homes, kind):
    f = KINDS[kind](tree, users, homes)
    resp = client.get(f.url)
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))
    login(client, f.outsider)
    assert client.get(f.url).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.DOWNLOAD).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_stored_names_are_random(tree, users, homes, kind, media):
    f = KINDS[kind](tree, users, homes)
    name = Path(f.file.name).name
    assert "张三" not in f.file.name and "贫困户" not in f.file.name
    assert len(Path(name).stem) == 32  # 128 random bits
    assert (media / f.file.name).read_bytes() == PNG


@pytest.mark.parametrize("kind", KINDS)
def test_behind_nginx_the_view_answers_with_x_accel_redirect(client, tree, users, homes, kind, settings):
    settings.MEDIA_ACCEL_REDIRECT = True
    f = KINDS[kind](tree, users, homes)
    login(client, f.owner)
    resp = client.get(f.url)
    assert resp.status_code == 200
    assert resp["X-Accel-Redirect"] == f"/protected/{f.file.name}"
    assert resp.content == b""
    assert AuditLog.objects.filter(action=AuditAction.DOWNLOAD, user=f.owner).count() == 1


def test_the_original_name_is_the_download_name(client, tree, users, homes):
    f = _export(tree, users, homes)
    login(client, f.owner)
    resp = client.get(f.url)
    assert "filename*=utf-8''%E8%B4%AB" in resp["Content-Disposition"]


def test_import_workbooks_are_stored_under_random_names(tree, users, media):
    job = ImportJob(created_by=users.clerk_a, scope=tree.village_a, original_name="东村 2019.xlsx")
    job.file.save("东村 2019.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    assert "东村" not in job.file.name and job.file.name.endswith(".xlsx")
    assert job.file.name.startswith("imports/")


def test_the_annotated_import_copy_is_scoped(client, tree, users):
    job = ImportJob(created_by=users.clerk_a, scope=tree.village_a, original_name="a.xlsx", state=JobState.VALIDATED)
    job.file.save("a.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    url = reverse("imports:annotated", args=[job.pk])
    assert client.get(url).status_code == 302
    login(client, users.county2)
    assert client.get(url).status_code == 404


def _served_prefixes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _served_prefixes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def test_no_url_serves_media_root():
    media_url = django_settings.MEDIA_URL.strip("/")
    for route, callback in _served_prefixes(get_resolver().url_patterns):
        assert not route.lstrip("^").startswith(media_url), route
        assert getattr(callback, "__module__", "") != "django.views.static", route


def test_no_module_uses_the_static_helper():
    root = Path(django_settings.BASE_DIR)
    for path in root.rglob("*.py"):
        if any(part in {".venv", "node_modules", "tests"} for part in path.parts):
            continue
        assert "django.conf.urls.static" not in path.read_text(encoding="utf-8"), path


def _job(users, tree, state):
    job = ImportJob(created_by=users.clerk_a, scope=tree.village_a, original_name="a.xlsx", state=state)
    job.file.save("a.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    path = stage_path(job)
    path.write_bytes(b"staging")
    return job, path


def test_staging_is_deleted_a_day_after_the_job_stopped(tree, users):
    old = (timezone.now() - dt.timedelta(days=2)).timestamp()
    _v, validated = _job(users, tree, JobState.VALIDATED)
    _r, running = _job(users, tree, JobState.COMMITTING)
    _n, fresh = _job(users, tree, JobState.VALIDATED)
    orphan = validated.with_name("job_999999.sqlite")
    orphan.write_bytes(b"x")
    for p in (validated, running, orphan):
        os.utime(p, (old, old))
    assert import_staging_clean() == 2
    assert not validated.exists() and not orphan.exists()
    assert running.exists() and fresh.exists()


def test_staging_is_deleted_when_a_job_fails(tree, users):
    from imports import services

    job, path = _job(users, tree, JobState.VALIDATING)
    services._fail(job, "boom")
    assert not path.exists()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
