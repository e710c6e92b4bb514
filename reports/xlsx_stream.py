"""A minimal streaming XLSX writer for large exports (§12): one sheet of rows (and optionally a small
second sheet saying what the file shows), text as inline strings (never a formula), numbers as numbers,
rows streamed into the zip entry, so memory stays flat.

xlsxwriter's constant_memory mode spends about 15 µs per cell in Python (bench/export.py: a 22-column
member roster of 600,000 rows took almost 4 minutes); writing the sheet XML directly costs about a
tenth of that. Files open in Excel, WPS and openpyxl.
"""

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

# Characters XML 1.0 forbids; a spreadsheet cell cannot hold them either.
_ILLEGAL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])

# Characters a sheet name may not hold.
_SHEET_NAME = dict.fromkeys(map(ord, "[]:*?/\\"), "_") | _ILLEGAL

_CONTENT_TYPES_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
# rId1 is the styles; rId2, rId3 … the sheets.
_WORKBOOK_RELS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
)
_SHEET_REL = (
    '<Relationship Id="rId{rid}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
# Style 0: normal; style 1: bold (the header row).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
    'state="frozen"/></sheetView></sheetViews><sheetData>'
)


# Text is escaped in one pass: XML's three specials, the characters XML forbids (dropped) and a raw CR
# (XML end-of-line handling would read it back as a line feed; as a character reference it stays a CR,
# so a cell reads back as it was exported). Most cells need none of it: a regular-expression search is
# far cheaper than str.translate on Chinese text, so only the cells that need it are translated.
_ESCAPE = str.maketrans(_ILLEGAL | {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord("\r"): "&#13;"})
_NEEDS_ESCAPE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]").search
_TEXT_OPEN, _TEXT_CLOSE = '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"


def _text(value: str) -> str:
    return _TEXT_OPEN + (value.translate(_ESCAPE) if _NEEDS_ESCAPE(value) else value) + _TEXT_CLOSE


def _number(value) -> str:
    return f"<c><v>{value}</v></c>"


def _other(value) -> str:
    if isinstance(value, bool):
        return _text(str(value))
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, dt.date):
        return _text(value.isoformat())
    return _text(str(value))


# The cell writer by exact type (one dictionary look-up per cell; subclasses take the slower `_other`).
_BY_TYPE = {
    str: _text,
    int: _number,
    float: _number,
    Decimal: _number,
    bool: lambda value: _text(str(value)),
    dt.date: lambda value: _text(value.isoformat()),
    dt.datetime: lambda value: _text(value.isoformat()),
    type(None): lambda value: "<c/>",
}


def cells(row) -> str:
    """The cells of one row as sheet XML."""
    get = _BY_TYPE.get
    return "".join([get(type(v), _other)(v) for v in row])


class RowSink:
    """The first sheet's data rows as they come, already rendered as cells: numbered (the header is row
    1), buffered and written every `every` rows, with the progress callback."""

    def __init__(self, out, *, every: int, progress) -> None:
        self.out, self.every, self.progress = out, every, progress
        self.n = 0
        self.buf: list[str] = []

    def add(self, row_cells: str) -> None:
        self.n += 1
        self.buf.append(f'<row r="{self.n + 1}">{row_cells}</row>')
        if self.n % self.every == 0:
            self.flush()
            if self.progress:
                self.progress(self.n)

    def add_rendered(self, data: bytes, rows: int) -> None:
        """Whole rows already rendered with their numbers (<row r="…">…</row>), written as they are."""
        self.out.write(data)
        before, self.n = self.n, self.n + rows
        if self.progress and self.n // self.every > before // self.every:
            self.progress(self.n)

    def flush(self) -> None:
        self.out.write("".join(self.buf).encode("utf-8"))
        self.buf.clear()


def _sheet_name(name: str, fallback: str) -> str:
    return name.translate(_SHEET_NAME)[:31] or fallback


def _about_sheet(lines: Sequence[tuple[str, str]]) -> str:
    """A small sheet of label/value lines (what the file shows: report, region, year, date), no frozen pane."""
    rows = "".join(
        f'<row r="{n}"><c t="inlineStr" s="1"><is><t>{escape(label.translate(_ILLEGAL))}</t></is></c>'
        + _text(value)
        + "</row>"
        for n, (label, value) in enumerate(lines, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def write_xlsx(
    path: str,
    sheet: str,
    header: list[str],
    rows: Iterable[tuple] = (),
    *,
    fill: Callable[[RowSink], None] | None = None,
    progress=None,
    every=5000,
    about: Sequence[tuple[str, str]] = (),
    about_sheet: str = "About",
) -> int:
    """Write header and rows to path; returns the number of data rows. With `about`, a second sheet
    (`about_sheet`) holds those label/value lines: the policy year and date the export shows (issue 13);
    the rows stay on the first sheet, the one a spreadsheet opens on. Instead of `rows`, `fill` may put
    rows already rendered as cells into the sheet (reports.xlsx_sql: PostgreSQL renders them)."""
    names = [_sheet_name(sheet, "Sheet1")]
    if about:
        names.append(_sheet_name(about_sheet, "Sheet2"))
        if names[1] == names[0]:
            names[1] = "Sheet2"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        types = "".join(_SHEET_TYPE.format(n=i) for i in range(1, len(names) + 1))
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES_HEAD + types + "</Types>")
        zf.writestr("_rels/.rels", _RELS)
        sheets = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i + 1}"/>' for i, name in enumerate(names, start=1)
        )
        zf.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheets}</sheets></workbook>",
        )
        rels = "".join(_SHEET_REL.format(rid=i + 1, n=i) for i in range(1, len(names) + 1))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS_HEAD + rels + "</Relationships>")
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            head = "".join(
                '<c t="inlineStr" s="1"><is><t>' + escape(h.translate(_ILLEGAL)) + "</t></is></c>" for h in header
            )
            out.write((_SHEET_HEAD + '<row r="1">' + head + "</row>").encode("utf-8"))
            sink = RowSink(out, every=every, progress=progress)
            if fill is None:
                for row in rows:
                    sink.add(cells(row))
            else:
                fill(sink)
            sink.flush()
            out.write(b"</sheetData></worksheet>")
        if about:
            zf.writestr("xl/worksheets/sheet2.xml", _about_sheet(about))
    if progress:
        progress(sink.n)
    return sink.n
