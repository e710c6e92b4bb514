"""Writes of the eligibility app that start from a user (§5.6); the nightly run itself is in rules/run.py."""

import datetime as dt

from django.db import transaction

from accounts.models import User

from .models import RecomputeRun, RunState, RunTrigger
from .tasks import nightly_recompute


def recompute_running(*, as_of: dt.date) -> bool:
    """Whether a run of the date is pending or running: a second start would only race it (a crashed
    run is resumed by the nightly schedule or `manage.py recompute_eligibility`)."""
    return RecomputeRun.objects.filter(as_of=as_of, state__in=(RunState.PENDING, RunState.RUNNING)).exists()


def recompute_enqueue(*, as_of: dt.date, user: User) -> None:
    """Start a run on demand (province staff's button), enqueued after the transaction commits."""
    transaction.on_commit(lambda: nightly_recompute.delay(as_of.isoformat(), RunTrigger.ON_DEMAND, user.pk))
