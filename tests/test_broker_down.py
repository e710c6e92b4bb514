"""Issue 12: with the broker (Redis) unreachable, starting an import, a recompute or a large export
answers at once with a Chinese message, the job is recorded as failed (the user may start it again),
and the pages keep working, the export page's cache reads included.

The broker, the result backend and the cache point at a closed port, and tasks are published for real
(not eager), in both CI passes: without REDIS_URL and with a live Redis."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from eligibility.models import RecomputeRun, RunState
from imports.models import ImportJob, JobState, Roster, RosterState
from reports.models import ExportJob, ExportState
from tests.imports.conftest import upload, xlsx_bytes

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once
BOUND = 10  # seconds: well above a refused connection's retries, well below the old ~20 s hang
QUEUE_DOWN = "任务队列暂时不可用"

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit callbacks run at once, as in production


@pytest.fixture
def broker_down(settings):
    from povertymgmt.celery import app

    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {k: app.conf[k] for k in keys}
    saved_local = getattr(app._local, "backend", None)
    saved_cache, saved_pool, saved_producers = app._backend_cache, app._pool, app.amqp._producer_pool
    app.conf.broker_url = app.conf.result_backend = DOWN
    app.conf.task_always_eager = False
    app._backend_cache, app._local.backend, app._pool, app.amqp._producer_pool = None, None, None, None
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    settings.LANGUAGE_CODE = "zh-hans"
    translation.activate("zh-hans")
    yield
    translation.deactivate()
    for k, v in saved.items():
        app.conf[k] = v
    app._backend_cache, app._local.backend = saved_cache, saved_local
    app._pool, app.amqp._producer_pool = saved_pool, saved_producers


def _timed(call):
    start = time.monotonic()
    response = call()
    assert time.monotonic() - start < BOUND
    return response


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_a_large_export_fails_at_once_and_the_export_pages_work(client, users, homes, broker_down, settings, tmp_path):
    settings.REPORTS_EXPORT_SYNC_MAX_ROWS = 0
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users.province)
    r = _timed(lambda: client.post("/reports/tables/households/export/", {"format": "csv"}))
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/reports/exports/{job.pk}/"
    assert job.state == ExportState.FAILED and QUEUE_DOWN in job.error
    assert any(QUEUE_DOWN in m for m in _messages(r))
    for url in ("/reports/exports/", f"/reports/exports/{job.pk}/"):
        page = _timed(lambda url=url: client.get(url))
        assert page.status_code == 200
    # a job still pending reads its progress from the (unreachable) cache: no cache, no 500
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.PENDING)
    assert _timed(lambda: client.get(f"/reports/exports/{job.pk}/", headers={"HX-Request": "true"})).status_code == 200


def test_an_import_fails_at_once_and_can_be_started_again(client, users, broker_down, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users.county)
    data = xlsx_bytes([], [])
    r = _timed(lambda: client.post("/imports/", {"file": upload(data)}))
    job = ImportJob.objects.get()
    assert r.status_code == 302 and job.state == JobState.FAILED and QUEUE_DOWN in job.message
    assert any(QUEUE_DOWN in m for m in _messages(r))
    page = client.get(f"/imports/{job.pk}/")
    assert page.status_code == 200 and QUEUE_DOWN in page.content.decode()
    assert client.get("/imports/").status_code == 200

    # the import of a checked file: back to checked with the reason, so the user may press import again
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.VALIDATED, households_total=1, message="")
    r = _timed(lambda: client.post(f"/imports/{job.pk}/commit/", {"valid_only": "on"}))
    job.refresh_from_db()
    assert r.status_code == 302 and job.state == JobState.VALIDATED and QUEUE_DOWN in job.message
    assert any(QUEUE_DOWN in m for m in _messages(r))


def test_a_roster_fails_at_once_and_can_be_uploaded_or_applied_again(
    client, users, homes, broker_down, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users.clerk_a)
    data = f"证件号码,状态\n{homes.a.members.get().id_number},是\n".encode()
    r = _timed(lambda: client.post("/imports/rosters/", {"field": "receives_dibao", "file": upload(data, "低保.csv")}))
    roster = Roster.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/imports/rosters/{roster.pk}/"
    assert roster.state == RosterState.FAILED and QUEUE_DOWN in roster.message
    assert any(QUEUE_DOWN in m for m in _messages(r))
    page = client.get(f"/imports/rosters/{roster.pk}/")
    assert page.status_code == 200 and QUEUE_DOWN in page.content.decode()
    assert client.get("/imports/rosters/").status_code == 200

    # applying a previewed roster: a preview again with the reason, so the user may press apply again
    Roster.objects.filter(pk=roster.pk).update(state=RosterState.PREVIEW, message="")
    r = _timed(lambda: client.post(f"/imports/rosters/{roster.pk}/apply/"))
    roster.refresh_from_db()
    assert r.status_code == 302 and roster.state == RosterState.PREVIEW and QUEUE_DOWN in roster.message
    assert roster.applied_by is None and any(QUEUE_DOWN in m for m in _messages(r))


def test_a_recompute_on_demand_is_recorded_failed(client, users, broker_down):
    client.force_login(users.province)
    r = _timed(lambda: client.post(reverse("eligibility:run_start"), {"as_of": timezone.localdate().isoformat()}))
    assert r.status_code == 302
    run = RecomputeRun.objects.get()
    assert run.state == RunState.FAILED and QUEUE_DOWN in run.error and run.requested_by == users.province
    assert any(QUEUE_DOWN in m for m in _messages(r))
    assert client.get(reverse("eligibility:runs")).status_code == 200
    assert client.get(reverse("eligibility:run", args=[run.pk])).status_code == 200
