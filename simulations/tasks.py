"""Celery task of the policy simulation (issue 17): takes the scenario's id, calls the service."""

from celery import shared_task


@shared_task(name="simulations.tasks.scenario_run", acks_late=True)
def scenario_run_task(scenario_id: int) -> None:
    from .services import scenario_run

    scenario_run(scenario_id=scenario_id)
