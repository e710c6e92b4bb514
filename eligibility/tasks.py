"""Celery tasks of the nightly recompute (§5.6): split by county so that many workers share it.

Tasks take ids and call eligibility.rules.run; the last county to finish enqueues the finish, whose two
halves run side by side before the run is complete.
"""

import datetime as dt

from celery import chord, shared_task
from django.db import transaction

from .models import RunTrigger


@shared_task(name="eligibility.tasks.nightly_recompute")
def nightly_recompute(
    as_of: str | None = None, trigger: str = RunTrigger.NIGHTLY, user_id: int | None = None, year: int | None = None
) -> int:
    """Start (or resume) the run of a date and enqueue one task per county still to do.

    The nightly schedule passes no date: the working year as of its policy date (rules.run.run_date).
    A date without a year is evaluated for its own year."""
    from .rules.run import pending_county_ids, recompute_start, run_date, stage_run

    policy_year, day = run_date(dt.date.fromisoformat(as_of) if as_of else None)
    run = recompute_start(
        as_of=day,
        trigger=trigger,
        user=None if user_id is None else _user(user_id),
        year=year or policy_year,
    )
    if pending_county_ids(run):
        stage_run(run)
    enqueue_counties(run.pk)
    return run.pk


def enqueue_counties(run_id: int) -> None:
    from .models import RecomputeRun
    from .rules.run import pending_county_ids

    run = RecomputeRun.objects.get(pk=run_id)
    county_ids = pending_county_ids(run)
    if not county_ids:
        recompute_finish_task.delay(run_id)
        return
    for county_id in county_ids:
        recompute_county_task.delay(run_id, county_id)


@shared_task(name="eligibility.tasks.recompute_county", acks_late=True)
def recompute_county_task(run_id: int, county_id: int) -> None:
    from .rules.run import recompute_county

    if recompute_county(run_id=run_id, county_id=county_id):
        transaction.on_commit(lambda: recompute_finish_task.delay(run_id))


@shared_task(name="eligibility.tasks.recompute_finish", acks_late=True)
def recompute_finish_task(run_id: int) -> None:
    """The finish's halves side by side on the workers (a chord), then the run is complete."""
    from .rules.run import FINISH_PARTS

    parts = [recompute_finish_part_task.si(run_id, part) for part in FINISH_PARTS]
    chord(parts)(recompute_done_task.si(run_id))


@shared_task(name="eligibility.tasks.recompute_finish_part", acks_late=True)
def recompute_finish_part_task(run_id: int, part: str) -> None:
    from .rules.run import recompute_finish_part

    recompute_finish_part(run_id=run_id, part=part)


@shared_task(name="eligibility.tasks.recompute_done", acks_late=True)
def recompute_done_task(run_id: int) -> None:
    from .rules.run import recompute_done

    recompute_done(run_id=run_id)


def _user(user_id: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first()
