"""Writes of the eligibility app that start from a user (§5.6): a run on demand and the opening of the next
working year; the nightly run itself is in rules/run.py."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import AuditAction, User
from accounts.services import audit_record
from povertymgmt.tasks import Enqueued, enqueue
from villages.models import WorkingYear
from villages.working_year import policy_date, working_year

from .models import PolicyParameter, RecomputeRun, RunState, RunTrigger
from .policy import policy_parameter_save
from .tasks import nightly_recompute
from .year_switch import parameter_values, year_switch_preview


def recompute_running(*, as_of: dt.date) -> bool:
    """Whether a run of the date is pending or running: a second start would only race it (a crashed
    run is resumed by the nightly schedule or `manage.py recompute_eligibility`)."""
    return RecomputeRun.objects.filter(as_of=as_of, state__in=(RunState.PENDING, RunState.RUNNING)).exists()


def recompute_enqueue(*, as_of: dt.date, user: User, year: int | None = None) -> Enqueued:
    """Start a run on demand (province staff's button), enqueued after the transaction commits.

    `year` is the policy year (default: the date's year; the button passes the working year and its
    policy date, villages.working_year.current_policy_date).
    If the task cannot be queued (broker down) the run is recorded as failed with the reason, so the
    runs page shows it; its counties stay to do, and the next start (or the nightly schedule) resumes it."""
    year = year or as_of.year

    def not_queued(message: str) -> None:
        from .rules.run import recompute_start

        with transaction.atomic():
            run = recompute_start(as_of=as_of, trigger=RunTrigger.ON_DEMAND, user=user, year=year)
            run.state, run.error, run.finished_at = RunState.FAILED, message, timezone.now()
            run.save(update_fields=["state", "error", "finished_at"])

    return enqueue(
        nightly_recompute, as_of.isoformat(), RunTrigger.ON_DEMAND, user.pk, year=year, on_failure=not_queued
    )


@transaction.atomic
def working_year_open(*, user: User, year: int, note: str = "") -> WorkingYear:
    """Open working year `year` (年度切换, §5.2, §5.6): province staff only, and only the year after the
    current one, once it has begun.

    In one transaction: the WorkingYear row (its unique year refuses a second, concurrent opening of the
    same year with a clear message), the parameters of the year copied from the closing year's newest
    version when the province has none for it (§5.1), and the audit entry (§9). After the commit a
    recompute of the new year as of its policy date starts, so pages show the new year's results."""
    if not access.may_open_working_year(user):
        raise PermissionDenied(_("Only province staff may open the next working year."))
    current = working_year()
    # Lock the current year's row: a concurrent switch waits here, then reads the year it opened.
    list(WorkingYear.objects.select_for_update().filter(year=current))
    current = working_year()
    if year <= current:
        raise ValidationError(
            {
                "year": ValidationError(
                    _("%(year)s is already open: the working year is %(current)s. Nothing was changed."),
                    code="already_open",
                    params={"year": year, "current": current},
                )
            }
        )
    if year != current + 1:
        raise ValidationError(
            {
                "year": ValidationError(
                    _("Only %(next)s can be opened now: the years are opened one after the other."),
                    code="not_next",
                    params={"next": current + 1},
                )
            }
        )
    today = timezone.localdate()
    if year > today.year:
        raise ValidationError(
            {
                "year": ValidationError(
                    _("The year %(year)s has not begun: it can be opened from 1 January %(year)s."),
                    code="not_begun",
                    params={"year": year},
                )
            }
        )
    preview = year_switch_preview(user, today=today)
    try:
        with transaction.atomic():
            row = WorkingYear.objects.create(year=year, opened_by=user, note=note[:200])
    except IntegrityError as exc:
        raise ValidationError(
            {
                "year": ValidationError(
                    _("%(year)s has just been opened by someone else. Nothing was changed."),
                    code="already_open",
                    params={"year": year},
                )
            }
        ) from exc
    copied = not PolicyParameter.objects.filter(year=year).exists()
    if copied:
        policy_parameter_save(user=user, year=year, values=parameter_values(preview.copied_params))
    audit_record(
        user=user,
        action=AuditAction.CHANGE,
        object_type="working_year",
        object_id=year,
        previous_year=current,
        parameters_copied_from=current if copied else None,
        poor_without_income=preview.poor_without_income,
        monitored_without_income=preview.monitored_without_income,
        open_cases=preview.open_total,
        villages_without_population=preview.villages_without_population,
    )
    recompute_enqueue(as_of=policy_date(year, today), user=user, year=year)
    return row
