"""Background work of the imports app (§13): each task takes the job's id and calls one service."""

from celery import shared_task


@shared_task(name="imports.tasks.import_validate", acks_late=True)
def import_validate(job_id: int) -> None:
    from .services import import_job_validate

    import_job_validate(job_id=job_id)


@shared_task(name="imports.tasks.import_commit", acks_late=True)
def import_commit(job_id: int) -> None:
    from .services import import_job_run_commit

    import_job_run_commit(job_id=job_id)


@shared_task(name="imports.tasks.roster_read", acks_late=True)
def roster_read(roster_id: int) -> None:
    from .rosters import roster_run_read

    roster_run_read(roster_id=roster_id)


@shared_task(name="imports.tasks.roster_apply", acks_late=True)
def roster_apply(roster_id: int) -> None:
    from .rosters import roster_run_apply

    roster_run_apply(roster_id=roster_id)


@shared_task(name="imports.tasks.staging_clean")
def staging_clean() -> int:
    """Daily (settings.CELERY_BEAT_SCHEDULE): staging databases of jobs that ended or stalled a day ago."""
    from .services import import_staging_clean

    return import_staging_clean()
