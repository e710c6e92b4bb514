"""The nightly recompute (§5.6): start or resume a run, test one county, finish with region indicators.

Celery tasks (eligibility.tasks) and the management command call these same functions; the command
runs them in-process. Idempotent: a date's results are replaced, never duplicated. Restartable:
starting a date whose latest run is incomplete resumes it, redoing only the counties not done.

After a county's household test come the county steps that higher apps registered with
eligibility.nightly (monitoring: the data-quality checks of §8.2, then the triggers of §7), so this
module never imports them.
"""

import datetime as dt
import logging
import time
import traceback

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from households import choices as c
from households.tallies import tally_refresh_in
from villages.models import Level, Region
from villages.working_year import current_policy_date

from ..models import HouseholdCheck, RecomputeCounty, RecomputeRun, RunState, RunTrigger
from ..nightly import run_county_steps, run_finish_steps
from ..policy import parameters_for
from . import household_sql
from .household_sql import county_household_test
from .indicators import region_indicators_compute
from .summaries import summaries_refresh

log = logging.getLogger(__name__)
OPEN_STATES = (RunState.PENDING, RunState.RUNNING, RunState.FAILED)


def run_date(as_of: dt.date | None = None) -> tuple[int, dt.date]:
    """(policy year, as-of date) of a run (§5.2, §5.6). Without a date: the working year Y as of
    D = min(today, 31 December Y) (villages.working_year), so a run on 5 January with the year not yet
    turned gives the results of 31 December. An explicit date is a past survey date: its year is the
    policy year."""
    if as_of is None:
        return current_policy_date()
    return as_of.year, as_of


@transaction.atomic
def recompute_start(
    *,
    as_of: dt.date,
    trigger: str = RunTrigger.ON_DEMAND,
    user=None,
    county: Region | None = None,
    year: int | None = None,
) -> RecomputeRun:
    """Create a run for the date, or resume its latest incomplete run (§5.6: restartable).

    `year` is the policy year (default: the date's year); the run records it and every step of the run
    reads its parameters. Returns the run with its counties to do in state pending."""
    params = parameters_for(year or as_of.year)
    latest = (
        RecomputeRun.objects.select_for_update()
        .filter(as_of=as_of, only_county=county, policy_year=params.year)
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is not None and latest.state != RunState.DONE:
        latest.counties.filter(state__in=OPEN_STATES).update(state=RunState.PENDING)
        latest.state = RunState.RUNNING
        latest.params_version = params.version
        latest.error = ""
        latest.finished_at = None
        latest.save()
        return latest
    run = RecomputeRun.objects.create(
        as_of=as_of,
        policy_year=params.year,
        params_version=params.version,
        trigger=trigger,
        requested_by=user,
        only_county=county,
        state=RunState.RUNNING,
        started_at=timezone.now(),
    )
    counties = [county] if county is not None else Region.objects.filter(level=Level.COUNTY).order_by("code")
    RecomputeCounty.objects.bulk_create([RecomputeCounty(run=run, county=cty) for cty in counties])
    run.counties_total = len(counties)
    run.save(update_fields=["counties_total"])
    return run


def stage_run(run: RecomputeRun) -> None:
    """PostgreSQL, province-wide runs: compute every household's result in one statement before the
    county tasks start (household_sql.stage_results); each county task then only compares and writes.
    Measured at 1,000,000 households: the county-by-county computation reads the members, incomes and
    assessments of one county scattered over the whole tables, 41 times over; one pass in household
    order reads them once (the counties then took 11 s in all instead of 15–25 s). Elsewhere (SQLite,
    one county) each county task computes its own households."""
    if connection.vendor != "postgresql" or run.only_county_id is not None:
        return
    running = set(RecomputeRun.objects.filter(state=RunState.RUNNING).values_list("pk", flat=True))
    household_sql.stage_drop_except(running | {run.pk})
    with transaction.atomic():
        household_sql.stage_results(run_id=run.pk, as_of=run.as_of, params=parameters_for(run.policy_year))


def pending_county_ids(run: RecomputeRun) -> list[int]:
    return list(run.counties.filter(state=RunState.PENDING).values_list("county_id", flat=True))


def recompute_county(*, run_id: int, county_id: int) -> bool:
    """Test every live household of one county (one set-based statement), then run the county's
    registered steps (eligibility.nightly: the data-quality checks and monitoring). A failure is
    recorded on the county's row, not raised.

    Returns True when this was the last open county and the run can be finished."""
    run = RecomputeRun.objects.get(pk=run_id)
    RecomputeCounty.objects.filter(run_id=run_id, county_id=county_id).update(
        state=RunState.RUNNING, started_at=timezone.now(), error="", attempts=F("attempts") + 1
    )
    started = time.monotonic()
    params = parameters_for(run.policy_year)
    try:
        with transaction.atomic():
            written = county_household_test(
                county_id=county_id,
                as_of=run.as_of,
                params=params,
                run_id=run_id,
                staged=household_sql.stage_for(run_id),
            )
        run_county_steps(as_of=run.as_of, county_id=county_id, run_id=run_id)
        eligible = (
            HouseholdCheck.objects.on(run.as_of)
            .filter(county_id=county_id, eligible=True, status__in=c.POOR_STATUSES)
            .count()
        )
        outcome = {"state": RunState.DONE, "households": written, "eligible": eligible, "error": ""}
    except Exception:  # noqa: BLE001 - any failure is shown on the county's row (§5.6), the others go on
        log.exception("Recompute of county %s failed", county_id)
        outcome = {"state": RunState.FAILED, "error": traceback.format_exc(limit=5)[-4000:]}
    with transaction.atomic():
        run = RecomputeRun.objects.select_for_update().get(pk=run_id)  # serialises the "last county" check
        RecomputeCounty.objects.filter(run_id=run_id, county_id=county_id).update(
            finished_at=timezone.now(), seconds=time.monotonic() - started, **outcome
        )
        return _refresh_run_counts(run)


def _refresh_run_counts(run: RecomputeRun) -> bool:
    agg = run.counties.aggregate(
        done=Count("id", filter=Q(state=RunState.DONE)),
        failed=Count("id", filter=Q(state=RunState.FAILED)),
        open=Count("id", filter=Q(state__in=(RunState.PENDING, RunState.RUNNING))),
        households=Sum("households", default=0),
        eligible=Sum("eligible", default=0),
    )
    run.counties_done = agg["done"]
    run.counties_failed = agg["failed"]
    run.households = agg["households"]
    run.eligible = agg["eligible"]
    complete = agg["open"] == 0 and agg["failed"] == 0
    if agg["open"] == 0 and agg["failed"]:
        run.state = RunState.FAILED
        run.finished_at = timezone.now()
        run.error = "counties_failed"
    run.save()
    return complete


# The finish in two independent halves, which the workers run side by side (eligibility.tasks): the
# region indicators and the dashboards' counts read the run's results; the region pages' tallies and the
# finish steps (the assistance summary) read the registry and the ledger (issue 16: 15 s one after the
# other at 1,000,000 households).
FINISH_PARTS = ("regions", "counts")


def recompute_finish_part(*, run_id: int, part: str) -> None:
    """One half of the finish (FINISH_PARTS). A failure fails the run (the next run of the date redoes
    the finish) and is raised."""
    run = RecomputeRun.objects.select_related("only_county").get(pk=run_id)
    try:
        if part == "regions":
            region_indicators_compute(as_of=run.as_of, params=parameters_for(run.policy_year), county=run.only_county)
            # The dashboards' counts, for the run's province or county, in a few statements, each a
            # sequential read of a table. Per county, in the county tasks, the same work read each
            # county's rows scattered over the tables by index: three times the work (docs/scale.md).
            summaries_refresh(as_of=run.as_of, county=run.only_county)
        else:
            tally_refresh_in(run.only_county)  # the safety net of every write around the tallies' signals
            run_finish_steps(as_of=run.as_of, county_id=run.only_county_id, run_id=run.pk)  # eligibility.nightly
    except Exception:  # noqa: BLE001
        log.exception("The finish (%s) of run %s failed", part, run_id)
        RecomputeRun.objects.filter(pk=run_id).update(
            state=RunState.FAILED, error=traceback.format_exc(limit=5)[-4000:], finished_at=timezone.now()
        )
        raise


def recompute_done(*, run_id: int) -> RecomputeRun:
    """Both halves of the finish done: the run is complete."""
    household_sql.stage_drop(run_id)
    RecomputeRun.objects.filter(pk=run_id).update(state=RunState.DONE, finished_at=timezone.now(), error="")
    return RecomputeRun.objects.get(pk=run_id)


def recompute_finish(*, run_id: int) -> RecomputeRun:
    """The finish in this process: region indicators (§5.3–§5.5), the dashboards' counts, the region
    pages' tallies, the registered finish steps; then the run is complete."""
    for part in FINISH_PARTS:
        recompute_finish_part(run_id=run_id, part=part)
    return recompute_done(run_id=run_id)


def recompute_sync(
    *,
    as_of: dt.date | None = None,
    county: Region | None = None,
    trigger=RunTrigger.COMMAND,
    user=None,
    year: int | None = None,
):
    """The whole run in this process (the management command, tests): same functions as the tasks.

    Without a date: the working year as of its policy date (run_date)."""
    if as_of is None:
        year, as_of = run_date()
    run = recompute_start(as_of=as_of, trigger=trigger, user=user, county=county, year=year)
    if pending_county_ids(run):
        stage_run(run)
    complete = not pending_county_ids(run) and not run.counties.exclude(state=RunState.DONE).exists()
    for county_id in pending_county_ids(run):
        complete = recompute_county(run_id=run.pk, county_id=county_id)
    if complete:
        return recompute_finish(run_id=run.pk)
    run.refresh_from_db()
    return run
