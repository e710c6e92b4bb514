"""Benchmark of a policy scenario's run (issue 17, docs/simulations.md) against the nightly household test
on the same database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_sim_bench .venv/bin/python bench/simulate.py \
        [--households 100000] [--seed 1] [--as-of 2020-12-31] [--line 4200] [--repeat 2]

Fills an empty database with `manage.py seed_demo` first (bench/recompute.py's builder), then, in this
process, times:
  1. the nightly household test as a province-wide run does it (bench/recompute.py household_test_only:
     staged in one statement, then compared and written county by county) on the next nights after a
     first night's results (the nightly case, timed `--repeat` times);
  2. a scenario with the line raised to `--line` (simulations.services.scenario_run: the one statement
     with both sets of parameters, the changed households written, the region rules twice, the
     summary), timed `--repeat` times;
and prints the best time of each and their ratio (the issue asks for at most 2×). It runs on SQLite too
(without DATABASE_URL; then the nightly test is computed county by county, as the nightly run does on
SQLite).

Measured 2026-12-05 on this 2-core machine (PostgreSQL 15 with its default settings, shared with other
engineers' test runs: load average 1–5), seed 1, as of 2020-12-31, line 4,000 → 4,200, `--repeat 3`:
  100,000 households (96,016 live, 41 counties, 10,931 regions): the nightly household test's next night
  1.25–1.44 s (4.11 s the first time after the seed, cold caches); the scenario 1.86–2.13 s (eligible
  6,410 → 5,939, 471 households, 448 villages and 41 counties changed): 1.49× the nightly test, best
  against best. Of the scenario: ≈ 1.0 s the one statement into the temporary table, 0.2 s the changed
  households and the village sums, 0.8 s the region rules twice in Python (10,931 regions), 0.1 s
  writing the kept regions. Writing every region (10,931 rows) took 1.1 s more: only the counties and
  above and the townships and villages that change are kept.
"""

import argparse
import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertymgmt.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from eligibility.models import HouseholdCheck  # noqa: E402
from eligibility.policy import parameters_for  # noqa: E402
from households import choices as c  # noqa: E402
from households.models import Household  # noqa: E402
from simulations import parameters as sim_params  # noqa: E402
from simulations.models import Scenario  # noqa: E402
from simulations.services import scenario_run  # noqa: E402


def nightly_household_test(as_of: dt.date) -> tuple[float, int]:
    """bench/recompute.py's household test on PostgreSQL; county by county elsewhere (as on SQLite)."""
    if connection.vendor == "postgresql":
        from recompute import household_test_only

        return household_test_only(as_of)
    from eligibility.rules.household_sql import county_household_test
    from villages.models import Level, Region

    params = parameters_for(as_of.year)
    started = time.monotonic()
    rows = 0
    for county_id in Region.objects.filter(level=Level.COUNTY).values_list("id", flat=True):
        with transaction.atomic():
            rows += county_household_test(county_id=county_id, as_of=as_of, params=params)
    return time.monotonic() - started, rows


def first_night(as_of: dt.date) -> float:
    from eligibility.rules.household_sql import RESULT_COLUMNS, household_test_select, same_year_sql, sql_params

    params = parameters_for(as_of.year)
    p = sql_params(as_of=as_of, params=params, run_id=None, county_id=None)
    cols = ", ".join(RESULT_COLUMNS)
    started = time.monotonic()
    HouseholdCheck.objects.all().delete()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {HouseholdCheck._meta.db_table} (since, until, run_id, {cols}) "
            f"SELECT %(as_of)s, NULL, NULL, {cols} FROM ("
            + household_test_select(same_year=same_year_sql(params), county_filter="TRUE")
            + ") n",
            p,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE households_householdcheck")
    return time.monotonic() - started


def scenario_time(as_of: dt.date, line: Decimal) -> tuple[float, Scenario]:
    live = parameters_for(as_of.year)
    base = sim_params.as_json(live)
    author = User.objects.filter(role=Role.PROVINCE_STAFF).first() or User.objects.order_by("pk").first()
    scenario = Scenario.objects.create(
        name=f"bench {line}",
        policy_year=as_of.year,
        as_of=as_of,
        parameters={**base, "poverty_line": str(line)},
        overrides={"poverty_line": str(line)},
        base_parameters=base,
        base_version=live.version,
        created_by=author,
    )
    started = time.monotonic()
    scenario_run(scenario_id=scenario.pk)
    seconds = time.monotonic() - started
    scenario.refresh_from_db()
    return seconds, scenario


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2020-12-31")
    parser.add_argument("--line", default="4200")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Household.objects.exists():
        t = time.monotonic()
        call_command("seed_demo", households=args.households, seed=args.seed, verbosity=0)
        print(f"seed_demo --households {args.households}: {time.monotonic() - t:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    as_of = dt.date.fromisoformat(args.as_of)
    live = Household.objects.filter(status__in=c.LIVE_STATUSES).count()
    print(f"{connection.vendor}, live households: {live:,}, as of {as_of}")

    # The history of results as the first night leaves it: every live household's result of the date,
    # written in one statement (the first night on a fresh database is not what is compared, and its
    # county-by-county probes are planned from the statistics of an empty history).
    seconds = first_night(as_of)
    print(f"first night's results written in one statement: {seconds:.2f} s")
    nightly = []
    for i in range(args.repeat):
        seconds, rows = nightly_household_test(as_of + dt.timedelta(days=1 + i))
        nightly.append(seconds)
        print(f"nightly household test, next night: {seconds:.2f} s for {rows:,} households")
    runs = []
    for _ in range(args.repeat):
        seconds, scenario = scenario_time(as_of, Decimal(args.line))
        runs.append(seconds)
        print(
            f"scenario (line {parameters_for(as_of.year).poverty_line} → {args.line}): {seconds:.2f} s "
            f"[{scenario.state}] for {scenario.households_tested:,} households — eligible "
            f"{scenario.eligible_before:,} → {scenario.eligible_after:,}, {scenario.households_changed:,} changed, "
            f"{scenario.villages_changed:,} villages and {scenario.counties_changed:,} counties changed"
        )
    ratio = min(runs) / min(nightly)
    print(f"best: scenario {min(runs):.2f} s / nightly household test {min(nightly):.2f} s = {ratio:.2f}×")


if __name__ == "__main__":
    main()
