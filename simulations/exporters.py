"""The compare page's lists as CSV or XLSX (§12): streamed CSV, constant-memory XLSX, every cell
guarded against spreadsheet formulas (povertymgmt.spreadsheet). reports' exporters sit above this app,
so this is the small exporter the two lists need."""

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator

import xlsxwriter

from povertymgmt.spreadsheet import guard

CHUNK = 2000


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_chunks(head: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The header and the rows as CSV text, a chunk of lines at a time; a BOM so that Excel reads UTF-8."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([guard(h) for h in head])
    buffer = []
    for row in rows:
        buffer.append(writer.writerow([guard(v) for v in row]))
        if len(buffer) >= CHUNK:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def xlsx_file(head: list[str], rows: Iterable[list], sheet: str) -> str:
    """Write the rows to a temporary XLSX file (constant memory) and return its path (the caller removes it)."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False})
    ws = book.add_worksheet(sheet[:31])
    ws.write_row(0, 0, [guard(h) for h in head])
    for i, row in enumerate(rows, start=1):
        ws.write_row(i, 0, [guard(v) for v in row])
    book.close()
    return path


def csv_text(head: list[str], rows: Iterable[list]) -> str:
    """The whole CSV as one string (tests, small lists)."""
    out = io.StringIO()
    for chunk in csv_chunks(head, rows):
        out.write(chunk)
    return out.getvalue()
