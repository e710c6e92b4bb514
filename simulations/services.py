"""Writes of the policy simulation (issue 17): create a scenario, run it, delete it. A scenario never
writes a live result or a parameter version: its run writes only the tables of simulations.models."""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from eligibility.models import RunState
from eligibility.policy import parameters_for
from povertymgmt.dates import POLICY_FIRST_YEAR, policy_last_year
from povertymgmt.tasks import enqueue

from . import parameters as sim_params
from .models import Scenario
from .run import as_of_bounds, scenario_compute

log = logging.getLogger(__name__)


def _check_dates(year: object, as_of: object) -> tuple[int, dt.date]:
    """The policy year within the policy bounds (povertymgmt.dates) and the date within that year, not after
    today; errors keyed by field."""
    errors: dict[str, ValidationError] = {}
    last = policy_last_year()
    if not isinstance(year, int) or isinstance(year, bool) or not POLICY_FIRST_YEAR <= year <= last:
        errors["year"] = ValidationError(
            _("Enter a year from %(first)s to %(last)s."),
            code="policy_year",
            params={"first": POLICY_FIRST_YEAR, "last": last},
        )
    elif not isinstance(as_of, dt.date):
        errors["as_of"] = ValidationError(_("Enter a valid date."), code="invalid")
    else:
        first, end = as_of_bounds(year, timezone.localdate())
        if not first <= as_of <= end:
            errors["as_of"] = ValidationError(
                _("Enter a date of %(year)s from %(first)s to %(last)s (not after today)."),
                code="as_of_out_of_bounds",
                params={"year": year, "first": first.isoformat(), "last": end.isoformat()},
            )
    if errors:
        raise ValidationError(errors)
    return year, as_of  # type: ignore[return-value]


def scenario_create(*, user: User, name: str, year: int, as_of: dt.date, parameters: dict) -> Scenario:
    """Create a scenario of policy year `year` as of `as_of`: the year's live parameters copied, with the
    changes asked for (issue 17, §5); its run is enqueued once the transaction commits."""
    if not access.may_run_simulations(user):
        raise PermissionDenied(_("Only province staff may run policy simulations."))
    # Every error at once, keyed by field: "year", "as_of", and each parameter by its name (the form's
    # fields; the API nests these under "parameters"), or "parameters" when they are not an object.
    errors: dict[str, list[ValidationError]] = {}
    try:
        year, as_of = _check_dates(year, as_of)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        overrides = sim_params.clean_overrides(parameters)
    except ValidationError as exc:
        errors.update(exc.error_dict if hasattr(exc, "error_dict") else {"parameters": exc.error_list})
    if errors:
        raise ValidationError(errors)
    live = parameters_for(year)
    base = sim_params.as_json(live)
    values = {**base, **overrides}
    changed = sim_params.changes(live, overrides)
    with transaction.atomic():
        scenario = Scenario.objects.create(
            name=(name or "").strip()[:100] or _("Scenario of %(year)s") % {"year": year},
            policy_year=year,
            as_of=as_of,
            parameters=values,
            overrides=changed,
            base_version=live.version,
            base_parameters=base,
            created_by=user,
        )
        scenario_enqueue(scenario)
    return scenario


def scenario_enqueue(scenario: Scenario) -> None:
    """Enqueue the run after the commit; with the queue down, the scenario is failed with the reason."""
    from .tasks import scenario_run_task

    def not_queued(message: str) -> None:
        Scenario.objects.filter(pk=scenario.pk).update(state=RunState.FAILED, error=message, finished_at=timezone.now())

    enqueue(scenario_run_task, scenario.pk, on_failure=not_queued)


def _progress(scenario_id: int):
    def report(percent: int) -> None:
        Scenario.objects.filter(pk=scenario_id).update(progress=percent)

    return report


def scenario_run(*, scenario_id: int) -> Scenario | None:
    """Run a pending scenario (or one whose run was interrupted) and record its summary (issue 17)."""
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().filter(pk=scenario_id).first()
        if scenario is None or scenario.state == RunState.DONE:
            return scenario  # deleted meanwhile, or a redelivered task of a finished run
        scenario.state, scenario.progress, scenario.error = RunState.RUNNING, 5, ""
        scenario.started_at, scenario.finished_at = timezone.now(), None
        scenario.save(update_fields=["state", "progress", "error", "started_at", "finished_at"])
    live = parameters_for(scenario.policy_year)
    after = sim_params.from_json(live, scenario.parameters)
    try:
        summary = scenario_compute(scenario=scenario, live=live, after=after, progress=_progress(scenario.pk))
    except Exception:  # noqa: BLE001 - any failure is shown on the scenario's page
        log.exception("Simulation %s failed", scenario.pk)
        # The traceback is in the log; the page says what the user can do.
        Scenario.objects.filter(pk=scenario.pk).update(
            state=RunState.FAILED,
            error=_("The scenario could not be run; create it again or ask the administrator."),
            finished_at=timezone.now(),
        )
        return None  # recorded on the scenario (its page says so); a retry would fail the same way
    Scenario.objects.filter(pk=scenario.pk).update(
        state=RunState.DONE, progress=100, finished_at=timezone.now(), before_version=live.version, **summary
    )
    scenario.refresh_from_db()
    return scenario


def scenario_delete(*, user: User, scenario: Scenario) -> None:
    """Delete a scenario and its results: only its author or the administrator (issue 17 item 5)."""
    if not access.may_delete_simulation(user, scenario.created_by_id):
        raise PermissionDenied(_("Only the author of a scenario or the administrator may delete it."))
    with transaction.atomic():
        Scenario.objects.filter(pk=scenario.pk).select_for_update().first()
        scenario.delete()
