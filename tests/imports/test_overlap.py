"""The batch writer (imports/overlap.py) hands results back in order and runs an `alone` write by itself."""

import threading
import time

import pytest

from imports.overlap import BatchWriter


def _closing_connections(monkeypatch):
    monkeypatch.setattr("imports.overlap._close_connection", lambda: None)


def test_results_come_back_in_submission_order_and_alone_writes_run_by_themselves(monkeypatch):
    _closing_connections(monkeypatch)
    running, overlapped, done = set(), [], []
    lock = threading.Lock()

    def write(n, seconds):
        def run():
            with lock:
                if running:
                    overlapped.append((n, sorted(running)))
                running.add(n)
            time.sleep(seconds)
            with lock:
                running.discard(n)
            return {"n": n}

        return run

    with BatchWriter(overlap=True, writers=2) as writer:
        writer.submit(write(1, 0.05), lambda r: done.append(r["n"]))
        writer.submit(write(2, 0.01), lambda r: done.append(r["n"]))
        writer.submit(write(3, 0.01), lambda r: done.append(r["n"]), alone=True)
        writer.submit(write(4, 0.01), lambda r: done.append(r["n"]))
    assert done == [1, 2, 3, 4]
    assert all(n not in (3, 4) and 3 not in others for n, others in overlapped)


def test_an_error_of_a_writer_is_raised_in_the_caller(monkeypatch):
    _closing_connections(monkeypatch)

    def fail():
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"), BatchWriter(overlap=True) as writer:
        writer.submit(fail, lambda r: None)
        writer.wait()


def test_without_overlap_writes_run_at_once():
    done = []
    with BatchWriter(overlap=False) as writer:
        writer.submit(lambda: {"n": 1}, lambda r: done.append(r["n"]))
        assert done == [1]
