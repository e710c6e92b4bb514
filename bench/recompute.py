"""Benchmark of the nightly recompute (§5.6, docs/eligibility.md) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_bench .venv/bin/python bench/recompute.py \
        --households 1000000 --seed 1 [--household-only] [--changed 0.01] [--after-first] [--workers 2]

Fills an empty database with `manage.py seed_demo` first (after migrate), then, in this process (the
"worker"), times:
  1. the reference: ONE hand-written SQL statement computing the §5.2 household test for the whole
     province into a scratch table (NOT EXISTS per member criterion, LATERAL latest assessment), and
     the app's own SELECT for the whole province into a table with the snapshot's columns;
  2. from an empty history of results: the first night (every household written), the next night
     with a share of the households edited in between (--changed, default 1 %: safe water flipped),
     and that night again (the idempotent rerun). --household-only times the household test alone
     (staged in one statement, then compared and written county by county, as a run does it); without
     it, the full run (eligibility.rules.run.recompute_sync: household test, data quality, monitoring
     triggers, region indicators), its parts timed in this process; with --workers N (and REDIS_URL),
     the run sent to a real Celery worker of N processes, as production runs it, the counties side by
     side (its parts from the run's county rows).
It prints the times, their ratio to the reference, households per second and the peak memory.

Measured 2026-11-28 on this 2-core machine (PostgreSQL 15 with its default settings, shared with
another benchmark: load average 2–2.5), seed 1, household test only (`--household-only`):
  1,000,000 households (960,093 live, 41 counties); reference 7.35 s (5.97 s for the app's SELECT
  into a table): the next night 9.72 s (1.32×) with no data edited, 10.39 s (1.41×) with 10,000
  households edited (+13,404 rows: the edits and the children whose age crossed 6 or 16, newer
  assessments); the first night 21.90 s (2.98×, every household written); the same night again
  10.2–17.4 s. Before the results were kept as changes (a dated copy of every household every night,
  county by county): 25.3 s (2.88×) a night.
  250,000 households (240,039 live): reference 2.07 s; the next night 2.27 s (1.10×) unedited,
  2.44 s (1.18×) with 2,500 edited; the first night 4.22 s (2.04×).
  100,000 households (96,081 live): reference 1.17 s; the next night 1.24 s (1.06×) unedited, 1.12 s
  (0.96×) with 1,000 edited; the first night 2.53 s (2.17×); the same night again 1.14 s. County by
  county without staging, the next night took 2.1–2.2 s (1.8–1.9×).
The whole run (2026-12-06, issue 16), 1,000,000 households, a night with 1 % edited:
  through a real Celery worker of 2 processes (--workers 2, as production runs it): 29.2 s (24.5 s
  run again): start and the staged household test 9.8 s, the 41 county tasks side by side 11.1 s
  (21.2 s added up), the finish's two halves side by side 8.1 s; with 5 % edited 39.9 s; a first
  night ≈ 125 s (county tasks 88 s, 4.3 s a county; 375 s before the two first-night fixes in
  docs/scale.md).
  Earlier the same day, in one process, with data quality and triggers carried over by copying: 79 s
  (exit test 23 s, data quality 18 s, triggers 21 s, indicators 1.5 s, tallies 3 s, dashboard summaries
  7.4 s, assistance summary 4 s); a first night ≈ 400 s.
  100,000 households: 16.2 s a night with 1 % edited, 39 s a first night (load average 3, one process).
The whole run through Celery: see docs/eligibility.md; what remains for the targets: docs/scale.md.
"""

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertymgmt.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from eligibility.models import HouseholdCheck, RecomputeRun, RunState  # noqa: E402
from eligibility.policy import parameters_for  # noqa: E402
from eligibility.rules import run as run_rules  # noqa: E402
from households import choices as c  # noqa: E402
from households.idnumber import years_before  # noqa: E402
from households.models import Household  # noqa: E402
from monitoring.models import MonitoringRun, QualityRun  # noqa: E402

REFERENCE = """
INSERT INTO bench_scratch
SELECT h.id,
       CASE WHEN i.net IS NULL OR n.n = 0 THEN NULL ELSE i.net > %(line)s * n.n END,
       a.food_secure, a.clothing_secure,
       CASE WHEN n.n = 0 THEN NULL ELSE NOT EXISTS (
         SELECT 1 FROM households_member m WHERE m.household_id = h.id AND m.departure = ''
           AND m.birth_date <= %(born_by_6)s AND m.birth_date > %(born_after_16)s
           AND m.school_status = 'not_in_school' AND m.no_school_reason <> 'physical') END,
       CASE WHEN n.n = 0 THEN NULL ELSE NOT EXISTS (
         SELECT 1 FROM households_member m WHERE m.household_id = h.id AND m.departure = ''
           AND (NOT (m.has_resident_medical OR m.has_employee_medical)
                OR ((m.has_chronic_disease OR m.has_serious_illness) AND NOT m.has_critical_illness))) END,
       CASE WHEN h.relocation = 'moved_in' OR h.housing_grade IN ('A', 'B') THEN TRUE
            WHEN h.housing_grade IN ('C', 'D') THEN h.renovation = 'accepted' END,
       h.has_safe_water
FROM households_household h
CROSS JOIN LATERAL (SELECT count(*) AS n FROM households_member m
                    WHERE m.household_id = h.id AND m.departure = '') n
LEFT JOIN households_income i ON i.household_id = h.id AND i.year = %(year)s
LEFT JOIN LATERAL (SELECT aa.food_secure, aa.clothing_secure FROM households_assessment aa
                   WHERE aa.household_id = h.id AND aa.assessed_on <= %(as_of)s
                   ORDER BY aa.assessed_on DESC, aa.id DESC LIMIT 1) a ON TRUE
WHERE h.status IN ('poor', 'returned', 'exited', 'exited_no_policy')
"""


def reference(as_of: dt.date) -> tuple[float, int]:
    params = parameters_for(as_of.year)
    p = {
        "line": params.poverty_line,
        "born_by_6": years_before(as_of, 6),
        "born_after_16": years_before(as_of, 16),
        "year": params.year,
        "as_of": as_of,
    }
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_scratch")
        cur.execute(
            "CREATE TABLE bench_scratch (household_id bigint, income boolean, food boolean, clothing boolean,"
            " education boolean, medical boolean, housing boolean, water boolean)"
        )
        started = time.monotonic()
        with transaction.atomic():
            cur.execute(REFERENCE, p)
            rows = cur.rowcount
        seconds = time.monotonic() - started
        cur.execute("DROP TABLE bench_scratch")
    return seconds, rows


def reference_same_columns(as_of: dt.date) -> float:
    """A second reference: the app's own SELECT for the whole province in one statement, into an
    unindexed scratch table with the snapshot's columns (isolates the cost of the split and indexes)."""
    from eligibility.rules.household_sql import RESULT_COLUMNS, household_test_select, sql_params

    params = parameters_for(as_of.year)
    p = sql_params(as_of=as_of, params=params, run_id=None, county_id=None)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_scratch_wide")
        cur.execute("CREATE TABLE bench_scratch_wide AS SELECT * FROM households_householdcheck WITH NO DATA")
        started = time.monotonic()
        with transaction.atomic():
            cur.execute(
                f"INSERT INTO bench_scratch_wide ({', '.join(RESULT_COLUMNS)}) "
                + household_test_select(county_filter="TRUE"),
                p,
            )
        seconds = time.monotonic() - started
        cur.execute("DROP TABLE bench_scratch_wide")
    return seconds


def timed_run(as_of: dt.date) -> dict:
    """recompute_sync with the household test, monitoring and region steps timed separately."""
    spent = {"household": 0.0, "monitoring": 0.0, "regions": 0.0}
    real_test, real_mon, real_regions = (
        run_rules.county_household_test,
        run_rules.run_county_steps,
        run_rules.region_indicators_compute,
    )
    finish = ("tally_refresh_in", "summaries_refresh", "run_finish_steps")
    real_finish = {name: getattr(run_rules, name) for name in finish}

    def wrap(fn, key):
        def inner(*args, **kwargs):
            t = time.monotonic()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] += time.monotonic() - t

        return inner

    from eligibility.rules import household_sql
    from monitoring import services as monitoring

    real_stage = household_sql.stage_results
    household_sql.stage_results = wrap(real_stage, "household")
    real_quality, real_triggers = monitoring.quality_run_county, monitoring.monitoring_run_county
    spent.update(quality=0.0, triggers=0.0)
    run_rules.county_household_test = wrap(real_test, "household")
    run_rules.run_county_steps = wrap(real_mon, "monitoring")
    run_rules.region_indicators_compute = wrap(real_regions, "regions")
    monitoring.quality_run_county = wrap(real_quality, "quality")
    monitoring.monitoring_run_county = wrap(real_triggers, "triggers")
    for name, fn in real_finish.items():  # the region tallies, the dashboards' summaries, the finish steps
        spent[name] = 0.0
        setattr(run_rules, name, wrap(fn, name))
    try:
        started = time.monotonic()
        run = run_rules.recompute_sync(as_of=as_of)
        spent["total"] = time.monotonic() - started
    finally:
        run_rules.county_household_test, run_rules.run_county_steps, run_rules.region_indicators_compute = (
            real_test,
            real_mon,
            real_regions,
        )
        monitoring.quality_run_county, monitoring.monitoring_run_county = real_quality, real_triggers
        household_sql.stage_results = real_stage
        for name, fn in real_finish.items():
            setattr(run_rules, name, fn)
    spent["state"] = run.state
    spent["households"] = run.households
    spent["counties"] = run.counties_total
    return spent


def worker_run(as_of: dt.date, workers: int) -> dict:
    """The run as production runs it: `nightly_recompute` sent to a real Celery worker of `workers`
    processes (started once, see main), the counties side by side. Returns its wall time and, from the
    run's county rows, the parts it cannot time from here."""
    from eligibility.models import RecomputeCounty
    from eligibility.tasks import nightly_recompute

    before = RecomputeRun.objects.order_by("-id").values_list("id", flat=True).first() or 0
    started = time.monotonic()
    nightly_recompute.delay(as_of.isoformat())
    while True:
        run = RecomputeRun.objects.filter(as_of=as_of, id__gt=before).order_by("-id").first()
        if run is not None and run.state in (RunState.DONE, RunState.FAILED) and run.finished_at:
            break
        time.sleep(0.2)
    total = time.monotonic() - started
    counties = list(RecomputeCounty.objects.filter(run=run).values("started_at", "finished_at", "seconds"))
    first = min(c["started_at"] for c in counties)
    last = max(c["finished_at"] for c in counties)
    return {
        "total": total,
        "state": run.state,
        "households": run.households,
        "counties": run.counties_total,
        "before_counties": (first - run.started_at).total_seconds(),  # start and the staged household test
        "counties_wall": (last - first).total_seconds(),
        "counties_sum": sum(c["seconds"] or 0 for c in counties),
        "finish": (run.finished_at - last).total_seconds(),
    }


def start_worker(workers: int):
    """`celery -A povertymgmt worker --pool=prefork -c N` on this database and broker, once it answers."""
    import subprocess

    from povertymgmt.celery import app

    app.control.purge()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "celery", "-A", "povertymgmt", "worker", "--pool=prefork", "-c", str(workers)]
        + ["-l", "WARNING", "--without-gossip", "--without-mingle"],
        cwd=Path(__file__).resolve().parent.parent,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1.0):
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit("The Celery worker did not start (REDIS_URL?).")
    return process


def checked_again(day: dt.date) -> str:
    """How many households the data-quality checks and the triggers evaluated on the night (a county's
    full pass counts as all of its households)."""
    parts = []
    for name, model in (("quality", QualityRun), ("triggers", MonitoringRun)):
        runs = list(model.objects.filter(as_of=day).values_list("households_checked", flat=True))
        whole = sum(1 for n in runs if n is None)
        parts.append(
            f"{name} {sum(n for n in runs if n is not None):,} in {len(runs) - whole} counties + {whole} counties whole"
        )
    return "; ".join(parts)


def household_test_only(as_of: dt.date) -> tuple[float, int]:
    """Only the household test, as a province-wide run does it: the results staged in one statement,
    then county by county compared and written (one transaction each)."""
    from eligibility.rules import household_sql
    from villages.models import Level, Region

    params = parameters_for(as_of.year)
    started = time.monotonic()
    with transaction.atomic():
        household_sql.stage_results(run_id=0, as_of=as_of, params=params)
    staged = household_sql.stage_for(0)
    rows = 0
    for county_id in Region.objects.filter(level=Level.COUNTY).values_list("id", flat=True):
        with transaction.atomic():
            rows += household_sql.county_household_test(county_id=county_id, as_of=as_of, params=params, staged=staged)
    household_sql.stage_drop(0)
    return time.monotonic() - started, rows


def change_some(share: float, salt: int) -> int:
    """Between two nights, a share of the households get a data change that flips a criterion (safe
    water), as cadres' edits of a day would."""
    step = max(1, round(1 / share)) if share > 0 else 0
    if not step:
        return 0
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE households_household SET has_safe_water = NOT has_safe_water WHERE (id + %s) %% %s = 0",
            [salt, step],
        )
        return cur.rowcount


def household_nights(as_of: dt.date, ref_seconds: float, wide: float, share: float) -> None:
    """The household test county by county over four nights from an empty history: the first night
    writes every household; later nights write what changed; then the last date again (replaces)."""
    HouseholdCheck.objects.all().delete()
    nights = [
        ("first night (empty history: every household written)", as_of, 0),
        ("next night, no data changed", as_of + dt.timedelta(days=1), 0),
        (f"next night, {share:.0%} of households changed", as_of + dt.timedelta(days=2), share),
        ("the same night again (replaces its results)", as_of + dt.timedelta(days=2), 0),
    ]
    for i, (label, day, changed_share) in enumerate(nights):
        changed = change_some(changed_share, i)
        before = HouseholdCheck.objects.count()
        seconds, rows = household_test_only(day)
        written = HouseholdCheck.objects.count() - before
        print(
            f"household test, {label}: {seconds:.2f} s for {rows:,} households ({changed:,} edited, "
            f"{written:+,} rows); {seconds / ref_seconds:.2f}× the reference, "
            f"{seconds / wide:.2f}× the same-columns reference; {rows / seconds:,.0f} households/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2019-10-15")
    parser.add_argument("--runs", type=int, default=3, help="nights of the full run: first, next, next again")
    parser.add_argument("--household-only", action="store_true", help="time only the household test")
    parser.add_argument("--changed", type=float, default=0.01, help="share of households changed between nights")
    parser.add_argument(
        "--after-first", action="store_true", help="keep the results of an earlier first night: time the next nights"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="run the nights through a real Celery worker of N processes (REDIS_URL), as production does",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark on PostgreSQL (DATABASE_URL).")
    call_command("migrate", verbosity=0)
    if not Household.objects.exists():
        t = time.monotonic()
        call_command("seed_demo", households=args.households, seed=args.seed, verbosity=0)
        print(f"seed_demo --households {args.households}: {time.monotonic() - t:.1f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    as_of = dt.date.fromisoformat(args.as_of)
    live = Household.objects.filter(status__in=c.LIVE_STATUSES).count()
    print(f"live households: {live:,}")

    ref_seconds, ref_rows = reference(as_of)
    print(f"reference (one INSERT ... SELECT, whole province): {ref_seconds:.2f} s for {ref_rows:,} rows")
    wide = reference_same_columns(as_of)
    print(f"reference with the snapshot's columns (one statement, unindexed): {wide:.2f} s")
    if args.household_only:
        household_nights(as_of, ref_seconds, wide, args.changed)
        return
    # From an empty history: the first night writes every household; the next night (a share of the
    # households edited in between) writes what changed; then that night again (replaces its results).
    if not args.after_first:
        HouseholdCheck.objects.all().delete()
    # The data-quality and monitoring steps carry a night over from the county's previous one (issue 16):
    # without one, the first night below is a full pass of every county.
    if not args.after_first:
        QualityRun.objects.all().delete()
        MonitoringRun.objects.all().delete()
    RecomputeRun.objects.exclude(state=RunState.DONE).delete()  # a run stopped midway would be resumed
    next_night = as_of + dt.timedelta(days=1)
    nights = [] if args.after_first else [("first night (every household written)", as_of, 0)]
    nights.append((f"next night ({args.changed:.0%} of households edited)", next_night, args.changed))
    nights += [("the same night again (replaces)", next_night, 0)] * max(0, args.runs - 2)
    if args.workers:
        worker_nights(nights, args.workers)
        return
    for i, (label, day, share) in enumerate(nights):
        change_some(share, i)
        before = HouseholdCheck.objects.count()
        r = timed_run(day)
        print(
            f"nightly run, {label}: total {r['total']:.2f} s [{r['state']}, {r['counties']} counties] — "
            f"household test {r['household']:.2f} s ({HouseholdCheck.objects.count() - before:+,} rows), "
            f"monitoring+quality {r['monitoring']:.2f} s "
            f"(quality {r['quality']:.2f} s, triggers {r['triggers']:.2f} s), region indicators {r['regions']:.2f} s"
        )
        print(f"  households checked again: {checked_again(day)}")
        print(
            f"  after the counties: village tallies {r['tally_refresh_in']:.2f} s, dashboard summaries "
            f"{r['summaries_refresh']:.2f} s, finish steps (assistance summary) {r['run_finish_steps']:.2f} s"
        )
        print(
            f"  monitoring+quality {r['monitoring'] * 1000 / r['households']:.3f} ms per household; "
            f"projected at 1,000,000 households (linear): {r['total'] * 1_000_000 / r['households']:.0f} s"
        )
        print(
            f"  household test / reference = {r['household'] / ref_seconds:.2f}× "
            f"({r['household'] / wide:.2f}× the same-columns reference); "
            f"{r['households'] / r['household']:,.0f} households/s in the test, "
            f"{r['households'] / r['total']:,.0f} households/s overall"
        )
    assert HouseholdCheck.objects.on(next_night).count() == live
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this worker process: {peak_mb:.0f} MB")


def worker_nights(nights: list, workers: int) -> None:
    worker = start_worker(workers)
    try:
        for i, (label, day, share) in enumerate(nights):
            change_some(share, i)
            r = worker_run(day, workers)
            print(
                f"nightly run through a Celery worker of {workers} processes, {label}: total {r['total']:.2f} s "
                f"[{r['state']}, {r['counties']} counties] — start and staged household test "
                f"{r['before_counties']:.2f} s, counties {r['counties_wall']:.2f} s "
                f"(their tasks' time added up: {r['counties_sum']:.2f} s), finish {r['finish']:.2f} s"
            )
            print(f"  households checked again: {checked_again(day)}")
            print(f"  projected at 1,000,000 households (linear): {r['total'] * 1_000_000 / r['households']:.0f} s")
    finally:
        worker.terminate()
        worker.wait(timeout=60)


if __name__ == "__main__":
    main()
