"""A real Celery worker for the tests marked `real_worker`: a subprocess on the broker (REDIS_URL) and on
the test database, which must be PostgreSQL (the worker opens connections of its own)."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

needs_worker = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL) and PostgreSQL"),
    pytest.mark.slow,
    pytest.mark.real_worker,
]


def skip_unless_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share: PostgreSQL")


def worker_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    output: str = ""  # all it printed, once it has stopped

    def wait_for(self, done: Callable[[], bool], seconds: float = 90) -> bool:
        """Poll `done` until it holds or the deadline passes; fails at once if the worker died."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if done():
                return True
            assert self.process.poll() is None, "the worker exited early"
            time.sleep(0.5)
        return done()


@contextmanager
def celery_worker(
    *, pool: str = "solo", env: dict[str, str] | None = None, loglevel: str = "WARNING"
) -> Iterator[Worker]:
    """`celery -A povertymgmt worker --pool=<pool> -c 1` on the test database, stopped on leaving; tasks
    queued before it (an earlier run's, for another database) are purged first."""
    from povertymgmt.celery import app

    app.control.purge()
    env = os.environ | {
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "LOG_LEVEL": loglevel,
        **(env or {}),
    }
    command = [sys.executable, "-m", "celery", "-A", "povertymgmt", "worker", f"--pool={pool}", "-c", "1"]
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [*command, "-l", loglevel],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    worker = Worker(process)
    try:
        yield worker
    except BaseException:
        _stop(worker)
        print(worker.output[-5000:], file=sys.stderr)  # shown with the failure
        raise
    _stop(worker)


def _stop(worker: Worker) -> None:
    worker.process.terminate()  # a warm shutdown: the prefork pool's children end too
    try:
        worker.output = worker.process.communicate(timeout=20)[0].decode(errors="replace")
    except subprocess.TimeoutExpired:
        worker.process.kill()
        worker.output = worker.process.communicate()[0].decode(errors="replace")
