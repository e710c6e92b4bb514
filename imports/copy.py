"""Fast inserts for the import (§13, docs/import.md): COPY on PostgreSQL, bulk_create elsewhere.

Django's bulk_create spends ≈ 5 µs of Python per value preparing it; an import writes about 40 values
per row and the same again for the history, which caps it far below the target. Rows here are plain
dicts of column values with defaults filled in once per model; ids are taken from the table's sequence
in one query so the history and the members can refer to them."""

import csv
import io

from django.db import connection, models
from simple_history.utils import get_history_model_for_model

from povertymgmt.copy import NULL, copy_in, copy_in_sql

_defaults: dict[type, dict] = {}


def defaults(model: type[models.Model]) -> dict:
    """Every concrete column of the model (but the id) with its default, by attname."""
    base = _defaults.get(model)
    if base is None:
        base = {
            f.attname: f.get_default()
            for f in model._meta.concrete_fields
            if not f.primary_key and not getattr(f, "generated", False)
        }
        _defaults[model] = base
    return base


def insert(model: type[models.Model], rows: list[dict], *, with_ids: bool = True) -> list[int]:
    """Insert rows (dicts by attname holding every column); return their new ids when `with_ids`."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        _check_columns(rows)
        objs = model._default_manager.bulk_create([model(**row) for row in rows], batch_size=500)
        return [obj.pk for obj in objs]
    ids = reserve_ids(model, len(rows)) if with_ids else []
    copy_in(*render(model, rows, ids if with_ids else None))
    return ids


def _check_columns(rows: list[dict]) -> None:
    # Rows are built from one base dict per model, so their keys come in one order; check the count.
    width = len(rows[0])
    assert all(len(row) == width for row in rows), "import rows differ in their columns"


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """n new ids from the table's sequence (PostgreSQL); a sequence is outside transactions."""
    if not n:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, n],
        )
        return [r[0] for r in cursor.fetchall()]


def render(model: type[models.Model], rows: list[dict], ids: list[int] | None) -> tuple[str, str]:
    """The COPY statement and its CSV data for rows (with their ids first when given)."""
    _check_columns(rows)
    columns = list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # C-speed quoting; NULL is the unquoted \N below, "" stays a string
    if ids is not None:
        columns = [model._meta.pk.column, *columns]
        writer.writerows(
            [pk, *[NULL if v is None else v for v in row.values()]] for pk, row in zip(ids, rows, strict=True)
        )
    else:
        writer.writerows([NULL if v is None else v for v in row.values()] for row in rows)
    return copy_sql(model, columns), buffer.getvalue()


def copy_sql(model: type[models.Model], columns: list[str]) -> str:
    return copy_in_sql(model._meta.db_table, columns)


class _Lines(list):
    """A file for csv.writer that keeps each row apart: the writer writes a row in one call."""

    def write(self, text: str) -> None:
        self.append(text)


def field_columns(model: type[models.Model], later: tuple[str, ...]) -> list[str]:
    """The model's columns but the id and those in `later`, in a fixed order."""
    return [name for name in defaults(model) if name not in later]


def field_lines(model: type[models.Model], rows: list[dict], later: tuple[str, ...]) -> list[str]:
    """The CSV text (no line end) of field_columns for each dict of values; None or absent: the default."""
    pairs = [(name, NULL if value is None else value) for name, value in defaults(model).items() if name not in later]
    lines = _Lines()
    csv.writer(lines).writerows([d if (v := row.get(name)) is None else v for name, d in pairs] for row in rows)
    return [line[:-2] for line in lines]  # csv ends each line with \r\n


def csv_field(value) -> str:
    lines = _Lines()
    csv.writer(lines).writerow([value])
    return lines[0][:-2]


def history_rows(model: type[models.Model], rows: list[dict], ids: list[int], *, user_id, reason, when, kind="+"):
    """The historical records (django-simple-history) of freshly inserted rows."""
    historical = get_history_model_for_model(model)  # the manager simple_history added to the model
    keep = [name for name in defaults(historical) if name in rows[0] or name == "id"] if rows else []
    out = []
    for pk, row in zip(ids, rows, strict=True):
        record = {name: row[name] for name in keep if name != "id"}
        record["id"] = pk
        record.update(history_date=when, history_change_reason=reason, history_type=kind, history_user_id=user_id)
        out.append(record)
    return out


def row_of(obj: models.Model) -> dict:
    """A saved instance as a row dict by attname, id included."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not getattr(f, "generated", False)}


def update(model: type[models.Model], rows: list[dict], columns: list[str]) -> None:
    """UPDATE the rows' `columns` by id in one statement: COPY into a temporary table, UPDATE ... FROM it.

    Django's bulk_update builds a CASE with a WHEN per row for every field: ≈ 0.25 ms of Python per
    value, and quadratic in the database; this is linear (PostgreSQL only)."""
    if not rows:
        return
    q = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    cols = [pk, *columns]
    tmp = q(f"import_update_{table}")
    buffer = io.StringIO()
    csv.writer(buffer).writerows([NULL if row[c] is None else row[c] for c in cols] for row in rows)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {tmp}")
        cursor.execute(
            f"CREATE TEMP TABLE {tmp} AS SELECT {', '.join(q(c) for c in cols)} FROM {q(table)} WITH NO DATA"  # noqa: S608 - model metadata, quoted
        )
        copy_in(copy_in_sql(tmp, cols), buffer.getvalue())
        assignments = ", ".join(f"{q(c)} = s.{q(c)}" for c in columns)
        cursor.execute(f"UPDATE {q(table)} AS t SET {assignments} FROM {tmp} AS s WHERE t.{q(pk)} = s.{q(pk)}")  # noqa: S608
        cursor.execute(f"DROP TABLE {tmp}")
