"""§5.6 end to end with a real Celery worker on PostgreSQL + Redis (the CI pass that sets REDIS_URL)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from eligibility.models import HouseholdCheck, RecomputeRun, RunState
from villages.models import RegionIndicator

from .conftest import AS_OF, good_household

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL) and PostgreSQL"),
    pytest.mark.slow,
    pytest.mark.real_worker,
]
ROOT = Path(settings.BASE_DIR)


def worker_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_nightly_recompute_end_to_end(world):
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share: PostgreSQL")
    from eligibility.tasks import nightly_recompute
    from povertymgmt.celery import app

    good_household(world.village_a)
    good_household(world.village_d)
    app.control.purge()  # nothing stale from an earlier run reaches this database
    env = os.environ | {"DATABASE_URL": worker_database_url(), "REDIS_URL": os.environ["REDIS_URL"]}
    worker = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "celery", "-A", "povertymgmt", "worker", "--pool=solo", "-c", "1", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        nightly_recompute.delay(AS_OF.isoformat())
        deadline = time.monotonic() + 90
        run = None
        while time.monotonic() < deadline:
            run = RecomputeRun.objects.first()
            if run is not None and run.state in (RunState.DONE, RunState.FAILED):
                break
            assert worker.poll() is None, "the worker exited early"
            time.sleep(0.5)
    finally:
        worker.terminate()
        try:
            output = worker.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0].decode(errors="replace")
    assert run is not None and run.state == RunState.DONE, output[-3000:]
    assert run.counties_done == 2 and run.households == 2
    assert HouseholdCheck.objects.on(AS_OF).count() == 2
    assert RegionIndicator.objects.filter(as_of=AS_OF).count() == 11
