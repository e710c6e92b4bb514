"""Writes of the eligibility app that start from a user (§5.6); the nightly run itself is in rules/run.py."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from povertymgmt.tasks import Enqueued, enqueue

from .models import RecomputeRun, RunState, RunTrigger
from .tasks import nightly_recompute


def recompute_running(*, as_of: dt.date) -> bool:
    """Whether a run of the date is pending or running: a second start would only race it (a crashed
    run is resumed by the nightly schedule or `manage.py recompute_eligibility`)."""
    return RecomputeRun.objects.filter(as_of=as_of, state__in=(RunState.PENDING, RunState.RUNNING)).exists()


def recompute_enqueue(*, as_of: dt.date, user: User) -> Enqueued:
    """Start a run on demand (province staff's button), enqueued after the transaction commits.

    If the task cannot be queued (broker down) the run is recorded as failed with the reason, so the
    runs page shows it; its counties stay to do, and the next start (or the nightly schedule) resumes it."""

    def not_queued(message: str) -> None:
        from .rules.run import recompute_start

        with transaction.atomic():
            run = recompute_start(as_of=as_of, trigger=RunTrigger.ON_DEMAND, user=user)
            run.state, run.error, run.finished_at = RunState.FAILED, message, timezone.now()
            run.save(update_fields=["state", "error", "finished_at"])

    return enqueue(nightly_recompute, as_of.isoformat(), RunTrigger.ON_DEMAND, user.pk, on_failure=not_queued)
