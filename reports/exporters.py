"""Writers of the standard tables (§12): CSV and XLSX with constant memory (docs/reports.md).

The rows come from reports.tables.rows_queryset, already labelled, masked and neutralised in SQL; the
writers only move them. On PostgreSQL the CSV is PostgreSQL's own COPY of the same SELECT, which is
as fast as an export can be; elsewhere values_list().iterator() and csv.writer.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

import xlsxwriter
from django.db import connection
from django.db.models import QuerySet

from povertymgmt.copy import copy_out
from povertymgmt.db import no_jit

from . import xlsx_sql, xlsx_stream

CHUNK = 5000
BOM = "\ufeff"  # Excel opens a UTF-8 CSV with Chinese headers correctly only with a byte-order mark
Progress = Callable[[int], None]


def _csv_line(values) -> str:
    buf = io.StringIO()
    _CsvRows(buf).writerow(values)
    return buf.getvalue()


class _CsvRows:
    """csv.writer with "\n" line ends that also quotes a cell holding a bare carriage return, as PostgreSQL's
    COPY does. Python 3.11's writer quotes only the characters of its line terminator, so "a\rb" went out
    unquoted and a reader split the row there (issue 12). Rows with a CR in a cell (rare) are written by a
    second writer whose terminator holds CR, then given the "\n" line end of every other row."""

    def __init__(self, out: io.StringIO) -> None:
        self.out = out
        self.plain = csv.writer(out, lineterminator="\n")
        self.line = io.StringIO()
        self.quoting_cr = csv.writer(self.line, lineterminator="\r\n")

    def writerow(self, row) -> None:
        if not any(isinstance(value, str) and "\r" in value for value in row):
            self.plain.writerow(row)
            return
        self.line.seek(0)
        self.line.truncate()
        self.quoting_cr.writerow(row)
        self.out.write(self.line.getvalue()[:-2] + "\n")


def csv_chunks(qs: QuerySet, header: list[str], *, progress: Progress | None = None) -> Iterator[str]:
    """The CSV as text chunks of CHUNK rows, for a StreamingHttpResponse or a file."""
    yield BOM + _csv_line(header)
    buf = io.StringIO()
    writer = _CsvRows(buf)
    n = 0
    with no_jit():
        for row in qs.iterator(chunk_size=CHUNK):
            writer.writerow(row)
            n += 1
            if n % CHUNK == 0:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
                if progress:
                    progress(n)
    yield buf.getvalue()
    if progress:
        progress(n)


class _CountingWriter:
    """A file wrapper for COPY: counts the lines written for the progress bar."""

    def __init__(self, out, progress: Progress | None):
        self.out, self.progress, self.lines, self._next = out, progress, 0, CHUNK * 10

    def write(self, data):
        text = data.decode("utf-8") if isinstance(data, bytes | memoryview) else data
        self.out.write(text if isinstance(self.out, io.TextIOBase) else text.encode("utf-8"))
        self.lines += text.count("\n")
        if self.progress and self.lines >= self._next:
            self._next += CHUNK * 10
            self.progress(self.lines)


def can_copy() -> bool:
    return connection.vendor == "postgresql"


def csv_write_copy(qs: QuerySet, header: list[str], out, *, progress: Progress | None = None) -> int:
    """Write the CSV with COPY (SELECT …) TO STDOUT: the same values as csv_chunks, at COPY's speed."""
    first = BOM + _csv_line(header)
    out.write(first if isinstance(out, io.TextIOBase) else first.encode("utf-8"))
    writer = _CountingWriter(out, progress)
    with no_jit():  # exports go without JIT (povertymgmt.db)
        copy_out(qs, writer)
    if progress:
        progress(writer.lines)
    return writer.lines


def csv_write(qs: QuerySet, header: list[str], out, *, progress: Progress | None = None) -> int:
    """Write the whole CSV to a binary file object; returns the number of rows."""
    if can_copy():
        return csv_write_copy(qs, header, out, progress=progress)
    written = [0]

    def counted(n: int) -> None:
        written[0] = n
        if progress:
            progress(n)

    for chunk in csv_chunks(qs, header, progress=counted):
        out.write(chunk.encode("utf-8"))
    return written[0]


def xlsx_write(
    qs: QuerySet,
    header: list[str],
    path: str,
    *,
    sheet: str,
    progress: Progress | None = None,
    about: Sequence[tuple[str, str]] = (),
    about_sheet: str = "About",
) -> int:
    """Write the XLSX with the streaming writer (reports.xlsx_stream): flat memory, text never a formula;
    `about` (reports.services.export_about) becomes a second sheet saying what the file shows. On
    PostgreSQL the rows come out of COPY already rendered as cells (reports.xlsx_sql)."""
    with no_jit():
        statement = xlsx_sql.cells_sql(qs)
        return xlsx_stream.write_xlsx(
            path,
            sheet,
            header,
            () if statement else qs.iterator(chunk_size=CHUNK),
            fill=xlsx_sql.fill_from_copy(statement) if statement else None,
            progress=progress,
            every=CHUNK,
            about=about,
            about_sheet=about_sheet,
        )


def xlsx_write_xlsxwriter(
    qs: QuerySet, header: list[str], path: str, *, sheet: str, progress: Progress | None = None
) -> int:
    """Write the XLSX row by row with xlsxwriter's constant_memory mode. Text always goes through
    write_string, so nothing is ever read as a formula (§12); numbers stay numbers."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    ws = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    for col, title in enumerate(header):
        ws.write_string(0, col, title, bold)
    ws.freeze_panes(1, 0)
    r = 0
    write_string, write_number = ws.write_string, ws.write_number
    with no_jit():
        for r, row in enumerate(qs.iterator(chunk_size=CHUNK), start=1):
            for col, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    write_string(r, col, value)
                elif isinstance(value, bool):
                    write_string(r, col, str(value))
                elif isinstance(value, int | float | Decimal):
                    write_number(r, col, float(value))
                elif isinstance(value, dt.date):
                    write_string(r, col, value.isoformat())
                else:
                    write_string(r, col, str(value))
            if progress and r % CHUNK == 0:
                progress(r)
    workbook.close()
    if progress:
        progress(r)
    return r
