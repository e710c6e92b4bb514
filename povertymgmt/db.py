"""Database settings shared by the nightly run's set-based statements (households, monitoring)."""

from django.db import connection


def nightly_planner_settings(*, work_mem: str | None = None) -> None:
    """Planner settings for the current transaction only (SET LOCAL; PostgreSQL), measured at 100,000
    households:

    - JIT off: a statement whose estimated cost is high (correlated subqueries are costed
      pessimistically) was compiled for 2.4 s to run for 5 ms; these statements are many and short.
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
    sql = (
        "SELECT set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true),"
        " set_config('max_parallel_workers_per_gather', '0', true)"
    )
    params = []
    if work_mem:
        sql += ", set_config('work_mem', %s, true)"
        params.append(work_mem)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # one statement for all of them
