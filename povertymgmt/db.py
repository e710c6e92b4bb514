"""Database settings shared by the nightly run's set-based statements (households, monitoring) and the
exports (reports): the one place that turns PostgreSQL's JIT off."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.db import connection

# PostgreSQL's JIT compiles a statement whose estimated cost is high. It does not pay here, measured:
# a nightly statement (correlated subqueries are costed pessimistically) was compiled for 2.4 s to run
# for 5 ms, and an export query's label and mask expressions compiled for over 6 s for a 200,000-row
# roster whose execution takes 2 s (bench/export.py). Everything that would meet it goes without.
NO_JIT: Mapping[str, str] = {"jit": "off"}


def _set_config(settings: Mapping[str, str], *, local: bool) -> None:
    """Set every setting in one statement (PostgreSQL's set_config); `local`: for this transaction only."""
    sql = "SELECT " + ", ".join("set_config(%s, %s, %s)" for _name in settings)
    params: list[str | bool] = []
    for name, value in settings.items():
        params += [name, value, local]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def no_jit() -> Iterator[None]:
    """JIT off for the statements run inside (the session's setting, reset after; PostgreSQL). For
    statements outside a transaction, such as an export's streamed query or COPY."""
    if connection.vendor != "postgresql":
        yield
        return
    _set_config(NO_JIT, local=False)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def nightly_planner_settings(*, work_mem: str | None = None) -> None:
    """Planner settings for the current transaction only (SET LOCAL; PostgreSQL), measured at 100,000
    households:

    - JIT off (NO_JIT): these statements are many and short.
    - random_page_cost 1.1 (the registry is in memory or on SSD): with the default 4 the planner read
      ALL members or incomes of the province (a sequential scan into a hash join) for each county's
      few thousand households, so every county cost as much as the whole province; with 1.1 it
      follows the county's households into the indexes on household_id (3–7× faster per check; the
      county's household test went from 184 to 86 ms).
    - no parallel workers: the nightly run is already one worker per county on every core, and each
      worker of a parallel plan rebuilt the same hash table.
    - work_mem, where a statement sorts much (the province's staged results)."""
    if connection.vendor != "postgresql":
        return
    settings = {**NO_JIT, "random_page_cost": "1.1", "max_parallel_workers_per_gather": "0"}
    if work_mem:
        settings["work_mem"] = work_mem
    _set_config(settings, local=True)  # one statement for all of them


def chunks(ids: list[int], size: int = 5000) -> Iterator[list[int]]:
    """Id lists small enough for any database's limit on query parameters."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
