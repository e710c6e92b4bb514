"""XLSX rows rendered by PostgreSQL (§12): the export's SELECT wrapped so that each row comes out of
COPY … TO STDOUT as the sheet XML of its cells, and Python only numbers the rows and zips them.

The rendering is the one of reports.xlsx_stream.cells, mirrored in SQL per column type (an agreement
test compares the two on the same rows): text is an inline string with XML's specials escaped and the
characters XML forbids dropped, numbers are numbers, NULL an empty cell, a boolean the text
True/False, a date its ISO text. A column of any other type makes `cells_sql` answer None and the
export takes the Python path. Measured in bench/export.py: Python spent about as long rendering a
row as PostgreSQL spent selecting it; here the rendering costs PostgreSQL a fraction of that.
"""

from django.db import connection
from django.db.models import QuerySet

from povertymgmt.copy import bound_sql

from .xlsx_stream import RowSink

# PostgreSQL type OIDs (pg_type) of the columns rendered here.
_NUMBERS = {20, 21, 23, 700, 701, 1700}  # int8, int2, int4, float4, float8, numeric
_TEXTS = {25, 1042, 1043}  # text, bpchar, varchar
_BOOL, _DATE = 16, 1082

_NEEDS_ESCAPE = "'[&<>\\x01-\\x1f]'"  # the specials, the line ends and the forbidden characters
_COPY_OPTIONS = "(FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
_TEXT_OPEN, _TEXT_CLOSE = '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"

# XML's specials, then the line ends as references, so that every row is one CSV line (a CR as a reference
# stays a CR, as in xlsx_stream). COPY's quote and delimiter are control characters no cell can hold
# (they are deleted), so it never quotes a line.
_REPLACEMENTS = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\n", "&#10;"), ("\r", "&#13;")]


# The control characters XML 1.0 forbids (NUL cannot be in a PostgreSQL text), deleted by translate().
_FORBIDDEN = " || ".join(f"chr({c})" for c in [*range(1, 9), 11, 12, *range(14, 32)])


def _escaped(column: str) -> str:
    sql = f"translate({column}, {_FORBIDDEN}, '')"
    for old, new in _REPLACEMENTS:
        sql = f"replace({sql}, {_literal(old)}, {_literal(new)})"
    return sql


def _literal(text: str) -> str:
    if text in "\n\r":
        return "chr(10)" if text == "\n" else "chr(13)"
    return "'" + text.replace("'", "''") + "'"


def _cell(column: str, oid: int, *, escape: bool) -> str | None:
    if oid in _NUMBERS:
        rendered = f"'<c><v>' || {column}::text || '</v></c>'"
    elif oid in _TEXTS:
        text = _escaped(column) if escape else column
        rendered = f"{_literal(_TEXT_OPEN)} || {text} || {_literal(_TEXT_CLOSE)}"
    elif oid == _BOOL:
        rendered = f"CASE WHEN {column} THEN {_literal(_TEXT_OPEN + 'True' + _TEXT_CLOSE)} "
        rendered += f"ELSE {_literal(_TEXT_OPEN + 'False' + _TEXT_CLOSE)} END"
    elif oid == _DATE:
        rendered = f"{_literal(_TEXT_OPEN)} || to_char({column}, 'YYYY-MM-DD') || {_literal(_TEXT_CLOSE)}"
    else:
        return None
    return f"COALESCE({rendered}, '<c/>')"


def cells_sql(qs: QuerySet) -> str | None:
    """The COPY statement writing one CSV line of cell XML per row of `qs`, in its order; None when a
    column has a type not rendered here (or off PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    select = bound_sql(qs)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({select}) AS export LIMIT 0")  # noqa: S608 - the queryset's own SQL
        oids = [column.type_code for column in cursor.description]
    names = [f"c{i}" for i in range(len(oids))]
    columns = [(f"export.{name}", oid) for name, oid in zip(names, oids, strict=True)]
    plain = [_cell(column, oid, escape=False) for column, oid in columns]
    if not plain or any(cell is None for cell in plain):
        return None
    row = " || ".join(plain)  # type: ignore[arg-type]
    texts = [column for column, oid in columns if oid in _TEXTS]
    if texts:
        # Few rows hold a character to escape: one search over the row's text decides (far cheaper than
        # escaping every cell), and only those rows are rendered with the escapes.
        escaped = " || ".join(_cell(column, oid, escape=True) for column, oid in columns)  # type: ignore[misc]
        row = f"CASE WHEN concat({', '.join(texts)}) ~ {_NEEDS_ESCAPE} THEN {escaped} ELSE {row} END"
    # A query's ORDER BY is kept by a plain projection over it (no join, no aggregate, no window).
    # The rows are numbered in the query's order (row 1 is the header): a window with no order over a
    # plain projection of the ordered query numbers the rows as they come.
    numbered = f"""'<row r="' || (row_number() OVER () + 1)::text || '">' || {row} || '</row>'"""
    projection = f"SELECT {numbered} FROM ({select}) AS export({', '.join(names)})"  # noqa: S608 - built here
    return f"COPY ({projection}) TO STDOUT WITH {_COPY_OPTIONS}"


class _Rows:
    """The file COPY writes into: every line is a whole row (a line feed between rows is whitespace the
    sheet ignores), passed to the sheet as it comes."""

    def __init__(self, sink: RowSink) -> None:
        self.sink = sink

    def write(self, data) -> None:
        chunk = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        self.sink.add_rendered(chunk, chunk.count(b"\n"))


def fill_from_copy(statement: str):
    """A `fill` for xlsx_stream.write_xlsx running `statement` (from cells_sql)."""

    def fill(sink: RowSink) -> None:
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.cursor.copy_expert(statement, _Rows(sink), size=1 << 16)

    return fill
