"""Celery task of the background exports (§12): takes the job's id, calls the service."""

from celery import shared_task


@shared_task(name="reports.tasks.export_run", acks_late=True)
def export_run_task(job_id: int) -> None:
    from .services import export_job_run

    export_job_run(job_id=job_id)


@shared_task(name="reports.tasks.exports_expire")
def exports_expire_task() -> int:
    from .services import exports_expire

    return exports_expire()
