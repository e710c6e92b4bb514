"""PostgreSQL's COPY, the one way the import, the demo seeder and the exports move many rows.

In: CSV text (written by the csv module, which quotes at C speed) into a table; NULL is the unquoted
\\N, so that "" stays an empty string. Out: a query's rows as CSV into a file object. PostgreSQL only:
the callers choose COPY when connection.vendor is "postgresql".
"""

import io
from collections.abc import Iterable
from typing import Any, Protocol

from django.db import connection
from django.db.models import QuerySet

NULL = "\\N"  # how a CSV cell for COPY spells NULL


class Writable(Protocol):
    def write(self, data: Any, /) -> Any: ...


def copy_in_sql(table: str, columns: Iterable[str]) -> str:
    """The COPY … FROM STDIN statement for CSV rows of `columns` (names quoted here)."""
    q = connection.ops.quote_name
    return f"COPY {q(table)} ({', '.join(q(c) for c in columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"


def copy_in(sql: str, data: str, *, piece: int | None = None) -> None:
    """Run a COPY … FROM STDIN (copy_in_sql) with its CSV text.

    In one piece unless `piece` is given: psycopg2 takes the GIL back after every piece (8 kB by
    default), and while another thread runs Python that costs up to a switch interval (5 ms) each time
    (measured on the import, docs/import.md)."""
    buffer = io.StringIO(data)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(sql, buffer, size=piece or max(len(data), 8192))


def bound_sql(qs: QuerySet) -> str:
    """The queryset's SELECT with its parameters bound, for COPY (psycopg2's mogrify quotes them)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.cursor.mogrify(sql, params).decode("utf-8")


def copy_out(qs: QuerySet, out: Writable) -> None:
    """Write the queryset's rows as CSV (no header) into `out` with COPY (SELECT …) TO STDOUT."""
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY ({bound_sql(qs)}) TO STDOUT WITH (FORMAT csv)", out)
