"""Batched inserts for the demo generator: COPY on PostgreSQL, one executemany INSERT elsewhere.

Rows are plain dicts keyed by attribute name, so the generator never builds a model instance (compiling
every value through the ORM was two thirds of the time of bulk_create). Memory stays flat: buffers are flushed, in
foreign-key order, every `batch` households.
"""

import csv
import datetime as dt
import io
import queue
import threading
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from povertymgmt.copy import NULL, copy_in, copy_in_sql


class Sink:
    """Buffers rows per model and writes them in the order the models were given."""

    def __init__(
        self, order: list[type[models.Model]], *, use_copy: bool | None = None, background: bool | None = None
    ) -> None:
        self.order = order
        self.buffers: dict[type[models.Model], list[dict]] = {m: [] for m in order}
        self.use_copy = connection.vendor == "postgresql" if use_copy is None else use_copy
        # On PostgreSQL a second thread (its own connection) writes batch k while batch k+1 is generated:
        # the server and Python then use both cores. Not inside a transaction (tests), where a second
        # connection would not see the regions yet.
        self.background = self.use_copy and not connection.in_atomic_block if background is None else background
        self.counts: dict[type[models.Model], int] = dict.fromkeys(order, 0)
        now = timezone.now()
        self._defaults: dict[type[models.Model], dict[str, object]] = {}
        for model in order:
            defaults: dict[str, object] = {}
            for f in model._meta.concrete_fields:
                if f.generated or f.primary_key:
                    continue
                if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                    defaults[f.attname] = now
                else:
                    defaults[f.attname] = f.get_default()
            self._defaults[model] = defaults
        self._error: BaseException | None = None
        if self.background:
            self._queue: queue.Queue = queue.Queue(maxsize=1)  # at most three batches in memory
            self._thread = threading.Thread(target=self._worker, name="seed-writer", daemon=True)
            self._thread.start()

    def add(self, model: type[models.Model], row: dict) -> None:
        self.buffers[model].append(row)

    def flush(self) -> None:
        """Hand the buffered rows to the writer (one transaction per batch: deferred foreign keys hold)."""
        batch = {m: rows for m, rows in self.buffers.items() if rows}
        self.buffers = {m: [] for m in self.order}
        for model, rows in batch.items():
            self.counts[model] += len(rows)
        if not self.background:
            self._write(batch)
            return
        if self._error is not None:
            raise self._error
        self._queue.put(batch)

    def close(self) -> None:
        """Wait for the writer thread; re-raise what it failed with."""
        if self.background:
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    def _worker(self) -> None:
        try:
            while (batch := self._queue.get()) is not None:
                if self._error is None:  # after a failure keep draining so the producer never blocks
                    try:
                        self._write(batch)
                    except BaseException as exc:  # noqa: BLE001 - handed to the main thread by close()/flush()
                        self._error = exc
        finally:
            connection.close()  # this thread's own connection

    def _write(self, batch: dict[type[models.Model], list[dict]]) -> None:
        with transaction.atomic():
            for model in self.order:
                rows = batch.get(model)
                if rows:
                    (self._copy if self.use_copy else self._insert_many)(model, rows)

    def _columns(self, model: type[models.Model], rows: list[dict]) -> tuple[list[str], list[str]]:
        attnames = (["id"] if "id" in rows[0] else []) + list(self._defaults[model])
        column_of = {f.attname: f.column for f in model._meta.concrete_fields}
        return attnames, [column_of[a] for a in attnames]

    def _insert_many(self, model: type[models.Model], rows: list[dict]) -> None:
        """executemany of one INSERT: what bulk_create does, without compiling every value through the ORM."""
        attnames, columns = self._columns(model, rows)
        defaults = self._defaults[model]
        sqlite = connection.vendor == "sqlite"
        adapt_dt = connection.ops.adapt_datetimefield_value

        def value(v):
            if not sqlite or v is None or isinstance(v, (str, int)):
                return v
            if isinstance(v, Decimal):
                return str(v)
            if isinstance(v, dt.datetime):
                return adapt_dt(v)
            return v.isoformat()  # a date

        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 (model names)
        params = [[value(r[a] if a in r else defaults[a]) for a in attnames] for r in rows]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def _copy(self, model: type[models.Model], rows: list[dict]) -> None:
        """COPY in CSV format: the csv module (C) quotes; NULL is spelled \\N so that '' stays an empty string."""
        defaults = self._defaults[model]
        attnames, columns = self._columns(model, rows)
        items = [(a, defaults.get(a)) for a in attnames]
        buf = io.StringIO()
        write = csv.writer(buf, lineterminator="\n").writerow
        for r in rows:
            write([NULL if (v := r.get(a, d)) is None else v for a, d in items])
        # psycopg2's default 8 kB pieces, as the seeder's timings (bench/seed.py) were taken with.
        copy_in(copy_in_sql(model._meta.db_table, columns), buf.getvalue(), piece=8192)

    def reset_sequences(self, models_with_ids: list[type[models.Model]]) -> None:
        """After explicit ids, move the database's id sequences past them (PostgreSQL)."""
        statements = connection.ops.sequence_reset_sql(no_style(), models_with_ids)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def analyze(self, also: tuple[type[models.Model], ...] | list[type[models.Model]] = ()) -> None:
        """Fresh planner statistics after a bulk load, so the first pages do not plan for empty tables."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for model in [*self.order, *also]:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
