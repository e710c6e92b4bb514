"""Background work of the imports app (§13): each task takes an id and calls a service."""

from celery import shared_task


@shared_task
def import_validate(job_id: int) -> None:
    from .services import import_job_validate

    import_job_validate(job_id)


@shared_task
def import_commit(job_id: int) -> None:
    from .services import import_job_run_commit

    import_job_run_commit(job_id)
