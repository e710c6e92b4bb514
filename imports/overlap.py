"""Writing one batch while the next is read and checked (§13, bench/import.py).

A commit spends about as long in Python (unpickling, checking, building rows) as in PostgreSQL
(COPY, index upkeep, foreign-key checks at COMMIT). psycopg2 lets go of the GIL while it waits for
the server, so a second thread with its own connection writes batch n while the caller prepares
batch n + 1. Batches stay whole households in one transaction each, written in order; at most one
is in flight, so memory stays that of two batches.

Only on PostgreSQL and outside a transaction: another connection could not see rows that the
caller's open transaction holds (as in a test wrapped in one), and SQLite has a single writer."""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection


def can_overlap() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class BatchWriter:
    """Runs `write(batch)` calls one after another, in a thread of its own when `overlap`."""

    def __init__(self, *, overlap: bool):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") if overlap else None
        self._pending: tuple[Future, Callable] | None = None

    def submit(self, write: Callable[[], dict], done: Callable[[dict], None]) -> None:
        """Queue a write; `done(result)` is called in the caller's thread, in submission order."""
        if self._pool is None:
            done(write())
            return
        self.wait()
        self._pending = (self._pool.submit(write), done)

    def wait(self) -> None:
        """Let the write in flight finish; its exception, if any, is raised here."""
        if self._pending is not None:
            future, done = self._pending
            self._pending = None
            done(future.result())

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._pool is None:
            return
        try:
            if exc_type is None:
                self.wait()
            elif self._pending is not None:
                self._pending[0].exception()  # let it end before the connection goes
                self._pending = None
        finally:
            self._pool.submit(_close_connection).result()
            self._pool.shutdown()


def _close_connection() -> None:
    connection.close()  # the writer thread's own connection
