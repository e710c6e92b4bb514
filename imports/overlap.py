"""Writing batches while the next ones are read and checked (§13, bench/import.py).

A commit spends about as long in Python (unpickling, checking, building rows) as in PostgreSQL
(COPY, index upkeep, foreign-key checks at COMMIT). psycopg2 lets go of the GIL while it waits for
the server, so writer threads with connections of their own write batches n and n + 1 while the
caller prepares batch n + 2. Each batch stays whole households in one transaction; results are
handed back in submission order; at most WRITERS batches are in flight, so memory stays that of a
few batches whatever the file size.

Only on PostgreSQL and outside a transaction: another connection could not see rows that the
caller's open transaction holds (as in a test wrapped in one), and SQLite has a single writer."""

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection

WRITERS = 2  # batches are independent (distinct households and persons), so two can be written at once


def can_overlap() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class BatchWriter:
    """Runs `write()` calls, in threads of their own when `overlap`, and hands back results in order."""

    def __init__(self, *, overlap: bool, writers: int = WRITERS):
        # One single-thread pool per writer: each thread keeps its own connection and closes it.
        self._pools = (
            [ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") for _n in range(writers)]
            if overlap
            else []
        )
        self._turn = 0
        self._alone = False
        self._pending: deque[tuple[Future, Callable]] = deque()

    def submit(self, write: Callable[[], dict], done: Callable[[dict], None], *, alone: bool = False) -> None:
        """Queue a write; `done(result)` is called in the caller's thread, in submission order.

        An `alone` write runs with no other in flight: one that locks villages to number households,
        or reads rows to update them, must not race another writer for those locks."""
        if not self._pools:
            done(write())
            return
        if alone or self._alone:
            self.wait()
        elif len(self._pending) >= len(self._pools):
            self._finish_oldest()
        self._alone = alone
        pool = self._pools[self._turn]
        self._turn = (self._turn + 1) % len(self._pools)
        self._pending.append((pool.submit(write), done))

    def _finish_oldest(self) -> None:
        future, done = self._pending.popleft()
        done(future.result())  # a writer's exception is raised here

    def wait(self) -> None:
        """Let every write in flight finish."""
        while self._pending:
            self._finish_oldest()

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self._pools:
            return
        try:
            if exc_type is None:
                self.wait()
            else:
                for future, _done in self._pending:
                    future.exception()  # let them end before their connections go
                self._pending.clear()
        finally:
            for pool in self._pools:
                pool.submit(_close_connection).result()
                pool.shutdown()


def _close_connection() -> None:
    connection.close()  # the writer thread's own connection
