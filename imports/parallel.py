"""The dry run on both cores (§13, bench/import.py): a forked worker process does part of the work.

The dry run is Python, and Python runs on one core: reading the XML and checking the rows each take
about half of it. A forked process reads the member sheet while the caller reads the others, then
checks the later half of the households while the caller checks the first half and the survey sheets.
Each side writes what it makes into a SQLite file of its own (one SQLite file has one writer), and the
caller merges them in the order of the file, so the report and the commit are those of one process.

A fork, not a spawned interpreter: the child starts with Django set up and the job in memory, and
hands back only a small pickled result. It never uses the database connections it inherits (closing
one would end the caller's session): it keeps them referenced and opens its own. Only outside a
transaction (the child could not see rows that the caller's open transaction holds, as in a test
wrapped in one), and `IMPORT_PARALLEL = False` turns it off."""

import logging
import os
import pickle
import signal
import traceback
from collections.abc import Callable

from django.conf import settings
from django.db import connection, connections

log = logging.getLogger(__name__)

_inherited: list = []  # the parent's connections, kept alive in the child: never closed there


def may_fork(*, database: bool) -> bool:
    """Whether a worker process may be used; `database`: the work queries the database."""
    if not getattr(settings, "IMPORT_PARALLEL", True) or not hasattr(os, "fork"):
        return False
    return not database or (connection.vendor == "postgresql" and not connection.in_atomic_block)


def _detach_connections() -> None:
    for alias in connections:
        wrapper = connections[alias]
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None  # the next query opens the child's own connection


def _child(fn: Callable, args: tuple, write: int) -> None:
    """Run, hand back the pickled outcome on `write`, and leave without any clean-up (Forked)."""
    try:
        _detach_connections()
        outcome: tuple = ("ok", fn(*args))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the caller
        outcome = ("error", exc, traceback.format_exc())
    try:
        connections.close_all()  # its own connections only
        data = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # noqa: BLE001 - an outcome that cannot be pickled
        data = pickle.dumps(("error", RuntimeError(repr(exc)), traceback.format_exc()))
    try:
        with os.fdopen(write, "wb") as fh:
            fh.write(data)
    except OSError:  # the caller is gone (killed): nobody to answer
        pass


class Forked:
    """`fn(*args)` in a forked process; result() waits for it and returns its value or raises its error."""

    def __init__(self, fn: Callable, *args) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: it must never return into the caller's code, whatever fails
            try:
                os.close(read)
                _child(fn, args, write)
            finally:
                os._exit(0)
        os.close(write)
        log.info("import: worker process %s forked for %s", pid, getattr(fn, "__name__", fn))
        self._pid: int | None = pid
        self._read = read

    def result(self):
        with os.fdopen(self._read, "rb") as fh:
            data = fh.read()
        self._reap()
        if not data:
            raise RuntimeError("the import's worker process ended without an answer")
        outcome = pickle.loads(data)  # noqa: S301 - written by our own child process
        if outcome[0] == "error":
            raise outcome[1]
        return outcome[1]

    def cancel(self) -> None:
        """End the child if it is still running (the caller failed)."""
        if self._pid is None:
            return
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self._read)
        self._reap()

    def _reap(self) -> None:
        if self._pid is not None:
            os.waitpid(self._pid, 0)
            self._pid = None
