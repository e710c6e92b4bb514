"""A streaming reader of XLSX worksheets (§13) with flat memory.

openpyxl's read-only mode reads about 120,000 cells a second here, too slow for the import target
(docs/import.md, bench/import.py); this reader scans the worksheet XML in chunks with regular
expressions (≈ 10× faster) and yields raw text. It never evaluates formulas: a formula cell is reported
as such and its value is not returned. Shared strings are held in memory, as every XLSX reader does.

Its cost is linear in the sheet's size, and a crafted file is refused within seconds with flat memory
(issue 12: a 571 KB upload unpacked to 550 MB of whitespace): text is searched once, and a workbook is
refused past limits a real registry file never reaches (`Limits`, settings IMPORT_MAX_*)."""

import codecs
import html
import posixpath
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import IO
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils.translation import gettext as _

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_UNCOMPRESSED = 600 * 1024 * 1024  # a 20 MB upload of text unpacks to ≈ 200 MB; more is a zip bomb
CHUNK = 1 << 20

# Linear whatever the text: the attributes stop at the next tag and a cell's content at the next cell tag,
# so a crafted row of unclosed tags cannot make each match scan to the end of the row.
_CELL = re.compile(r"<(?:\w+:)?c\b([^<>]{0,1024}+)(?:(?<=/)>|>((?:(?!</?(?:\w+:)?c\b).)*+)</(?:\w+:)?c>)", re.S)
# The shape nearly every writer uses (Excel, WPS, openpyxl, XlsxWriter): one C-speed match per cell.
# Possessive quantifiers (no backtracking into what a part matched) make it ≈ 25 % faster.
_FAST_CELL = re.compile(
    r'<c r="([A-Z]++)\d++"(?: s="\d++")?+(?: t="(\w++)")?+(?: s="\d++")?+\s*+'
    r'(?:/>|>(?:<v>([^<]*+)</v>|<is><t(?: xml:space="preserve")?+>([^<]*+)</t></is>)?+</c>)'
)
_SHEET_DATA = re.compile(r"<(\w+:)?sheetData\b[^>]*?(/?)>")
_SST = re.compile(r"<(\w+:)?sst\b[^>]*?(/?)>")
_PLAIN_T = re.compile(r'<(?:\w+:)?t(?: xml:space="preserve")?>([^<]*+)</(?:\w+:)?t>\Z')
_OVERLAP = 256  # text kept from one chunk to the next so a tag split by the chunk boundary is still found
_ROW_NUM = re.compile(r'\br="(\d+)"')
_CELL_REF = re.compile(r'\br="([A-Z]+)\d*"')
_CELL_TYPE = re.compile(r'\bt="(\w+)"')
_VALUE = re.compile(r"<(?:\w+:)?v>([^<]*+)</(?:\w+:)?v>")  # XML text holds no "<"
_FORMULA = re.compile(r"<(?:\w+:)?f\b")
_INLINE_T = re.compile(r"<(?:\w+:)?t(?:\s[^<>]{0,1024}+)?>([^<]*+)</(?:\w+:)?t>")


class XlsxError(Exception):
    """The upload is not a readable XLSX workbook; the message says why, in words for the user."""


class XlsxLimitError(XlsxError):
    """The workbook passes a limit no real registry file reaches (a crafted file, issue 12)."""


@dataclass(frozen=True)
class Limits:
    """What a real file never exceeds, per sheet read. A county's registry is at most about 100,000
    households and 300,000 members (the benchmark's file, twice the 20 MB upload limit): its member sheet
    is 300,000 rows × 32 template columns = 9.6 million cells. The defaults leave a wide margin; the
    settings change them."""

    # Excel's own maximum rows per sheet: no real file has more.
    rows: int = 1_048_576
    # Over twice the largest county's member sheet (300,000 × 32 columns = 9.6 M cells).
    cells: int = 25_000_000
    # Text outside cells: the sheet's head (columns, views), the gaps between rows, markup runs in a row.
    # Excel, WPS and the Python writers leave a few characters a row; 32 M is ten times that at 1 M rows.
    noncell: int = 32 * 1024 * 1024
    # One row's XML: a template row is a few kB; 40 cells of Excel's maximum 32,767 characters is 1.3 M.
    row: int = 4 * 1024 * 1024
    # The reader's own time for one workbook (not its caller's): the largest file reads in about 10 s.
    seconds: float = 120.0

    @classmethod
    def from_settings(cls, **overrides: float) -> "Limits":
        values = {
            "rows": getattr(settings, "IMPORT_MAX_SHEET_ROWS", cls.rows),
            "cells": getattr(settings, "IMPORT_MAX_SHEET_CELLS", cls.cells),
            "noncell": getattr(settings, "IMPORT_MAX_NONCELL_CHARS", cls.noncell),
            "row": getattr(settings, "IMPORT_MAX_ROW_CHARS", cls.row),
            "seconds": getattr(settings, "IMPORT_READ_SECONDS", cls.seconds),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def _too_much_markup() -> XlsxLimitError:
    return XlsxLimitError(
        _(
            "This workbook holds an abnormal amount of content outside its cells; it was not saved by Excel or "
            "WPS and is refused. Copy the data into the template and upload that file."
        )
    )


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


_column_cache: dict[str, int] = {}


def _column(letters: str) -> int:
    index = _column_cache.get(letters)
    if index is None:
        index = _column_cache[letters] = column_index(letters)
    return index


def column_letter(index: int) -> str:
    index += 1
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _refuse_dtd(head: bytes) -> None:
    """Spreadsheet XML never declares a DTD; one that does may hide an entity-expansion bomb."""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise XlsxError(_("This Excel workbook is damaged and cannot be read."))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _unescape(text: str) -> str:
    # XML 1.0 cannot carry control characters, not even as &#31;: drop them (staging relies on it).
    return _CONTROL.sub("", html.unescape(text)) if "&" in text else text


def _number(text: str) -> str:
    """Excel stores 16 as "16" and sometimes as "16.0" or "1.6E1": give the plain form."""
    if text.isdigit():
        return text
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


class Workbook:
    """An open XLSX file: its sheet names and a streaming row iterator per sheet."""

    def __init__(self, path_or_file: str | IO[bytes], *, limits: Limits | None = None) -> None:
        self.limits = limits or Limits.from_settings()
        self._spent = 0.0  # seconds the reader has worked on this workbook
        try:
            self.zip = zipfile.ZipFile(path_or_file)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise XlsxError(
                _("This file is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")
            ) from None
        try:
            if sum(info.file_size for info in self.zip.infolist()) > MAX_UNCOMPRESSED:
                raise XlsxError(_("This workbook is too large once unpacked."))
            self.sheets = self._sheet_paths()
        except (KeyError, ET.ParseError, zipfile.BadZipFile) as exc:
            raise XlsxError(_("This Excel workbook is damaged and cannot be read.")) from exc
        self._shared: list[str] | None = None

    def close(self) -> None:
        self.zip.close()

    def _xml(self, name: str) -> bytes:
        data = self.zip.read(name)
        _refuse_dtd(data[:4096])
        return data

    def _sheet_paths(self) -> dict[str, str]:
        rels = ET.fromstring(self._xml("xl/_rels/workbook.xml.rels"))  # noqa: S314 - no DTD, see _refuse_dtd
        targets: dict[str | None, str] = {}
        for rel in rels.iter(f"{NS_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            targets[rel.get("Id")] = target
        book = ET.fromstring(self._xml("xl/workbook.xml"))  # noqa: S314 - no DTD, see _refuse_dtd
        return {
            sheet.get("name", ""): targets.get(sheet.get(f"{NS_REL}id"), "") for sheet in book.iter(f"{NS_MAIN}sheet")
        }

    def _charge(self, since: float) -> float:
        """Add the reader's time since `since` to the workbook's; refuse past the budget. Returns now."""
        now = time.monotonic()
        self._spent += now - since
        if self._spent > self.limits.seconds:
            raise XlsxLimitError(
                _("Reading this workbook took longer than %(seconds)d seconds: split it into smaller files.")
                % {"seconds": self.limits.seconds}
            )
        return now

    def _too_many_cells(self, sheet: str) -> XlsxLimitError:
        return XlsxLimitError(
            _("The sheet “%(sheet)s” has more than %(limit)s cells, more than any county's registry: split the file.")
            % {"sheet": sheet, "limit": f"{self.limits.cells:,}"}
        )

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            shared: list[str] = []
            if "xl/sharedStrings.xml" in self.zip.namelist():
                self._read_shared(shared)
            self._shared = shared
        return self._shared

    def _read_shared(self, shared: list[str]) -> None:
        """The shared strings, read like the rows: split at each string's end tag, searched once, bounded."""
        started, limits = time.monotonic(), self.limits
        noncell, pending, tail = 0, 0, ""
        parts: list[str] = []
        prefix: str | None = None
        si_open = si_end = rph_open = rph_end = ""
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        with self.zip.open("xl/sharedStrings.xml") as fh:
            _refuse_dtd(fh.peek(4096)[:4096] if hasattr(fh, "peek") else b"")
            while True:
                chunk = fh.read(CHUNK)
                text = decoder.decode(chunk, final=not chunk)
                started = self._charge(started)
                if prefix is None:
                    head = tail + text
                    found = _SST.search(head)
                    if found is None:
                        if not chunk:
                            return
                        noncell += max(0, len(head) - _OVERLAP)
                        if noncell > limits.noncell:
                            raise _too_much_markup()
                        tail = head[-_OVERLAP:]
                        continue
                    if found.group(2):
                        return  # <sst/>: no strings
                    prefix = found.group(1) or ""
                    si_open, si_end = f"<{prefix}si>", f"</{prefix}si>"
                    rph_open, rph_end = f"<{prefix}rPh", f"</{prefix}rPh>"
                    text, tail = head[found.end() :], ""
                if chunk:
                    probe = tail + text
                    if si_end not in probe:
                        parts.append(text)
                        pending += len(text)
                        if pending > limits.row:
                            raise _too_much_markup()
                        tail = probe[1 - len(si_end) :]
                        continue
                parts.append(text)
                pieces = "".join(parts).split(si_end)
                rest = pieces.pop() if chunk else ""
                for piece in pieces:
                    start = piece.rfind(si_open)
                    if start < 0:
                        noncell += len(piece)
                        continue
                    noncell += start
                    body = piece[start + len(si_open) :]
                    plain = _PLAIN_T.match(body)
                    if plain is not None:
                        shared.append(_unescape(plain.group(1)))
                        continue
                    # Text runs, not the phonetic guide (rPh) some East-Asian files carry.
                    if rph_open in body:
                        body = "".join(part.split(rph_open, 1)[0] for part in body.split(rph_end))
                    shared.append(_unescape("".join(_INLINE_T.findall(body))))
                if noncell > limits.noncell:
                    raise _too_much_markup()
                if len(shared) > limits.cells:
                    raise self._too_many_cells("sharedStrings")
                if not chunk:
                    return
                parts, pending, tail = [rest], len(rest), rest[1 - len(si_end) :]
                if pending > limits.row:
                    raise _too_much_markup()

    def rows(
        self, sheet: str, width: int = 200, *, pick: list[int | None] | None = None, empty: str | None = None
    ) -> Iterator[tuple[int, list[str | None], list[int]]]:
        """(row number, raw cell texts by column index up to `width`, column indexes holding a formula).

        With `pick`, the texts are those of the columns it lists, in its order (None: no column), and
        `width` is ignored; `empty` is what a missing or empty cell reads as. Raises XlsxLimitError past
        the workbook's `limits`."""
        shared = self.shared_strings()
        if pick is not None:
            width = max([p + 1 for p in pick if p is not None], default=0)
        layouts: dict = {}
        try:
            fh = self.zip.open(self.sheets[sheet])
        except KeyError as exc:
            raise XlsxError(_("This Excel workbook is damaged and cannot be read.")) from exc
        limits, started = self.limits, time.monotonic()
        rows_seen = cells_seen = noncell = 0
        next_row = 1
        # The text after the last row end, in pieces: joined only once a row end has come, so a long run
        # without one is neither copied nor searched again (linear in the sheet's size).
        parts: list[str] = []
        pending, tail = 0, ""
        prefix: str | None = None
        row_open = row_end = sheet_end = cell_open = ""
        # Incremental: a chunk may end inside a multi-byte character.
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        with fh:
            while True:
                chunk = fh.read(CHUNK)
                text = decoder.decode(chunk, final=not chunk)
                started = self._charge(started)
                if prefix is None:
                    head = tail + text
                    found = _SHEET_DATA.search(head)
                    if found is None:
                        if not chunk:
                            return  # no sheetData: no rows
                        noncell += max(0, len(head) - _OVERLAP)
                        if noncell > limits.noncell:
                            raise _too_much_markup()
                        tail = head[-_OVERLAP:]
                        continue
                    noncell += found.start()
                    if found.group(2):
                        return  # <sheetData/>: no rows
                    prefix = found.group(1) or ""
                    row_open, row_end, sheet_end = f"<{prefix}row", f"</{prefix}row>", f"</{prefix}sheetData>"
                    cell_open = f"<{prefix}c"
                    text, tail = head[found.end() :], ""
                if chunk:
                    probe = tail + text
                    if row_end not in probe:
                        parts.append(text)
                        pending += len(text)
                        if pending > limits.row:
                            raise _too_much_markup()
                        tail = probe[1 - len(row_end) :]
                        continue
                parts.append(text)
                pieces = "".join(parts).split(row_end)
                rest = pieces.pop() if chunk else ""
                for piece in pieces:
                    start = piece.rfind(row_open)
                    if start < 0:
                        noncell += len(piece)
                        continue
                    noncell += start
                    rows_seen += 1
                    if rows_seen > limits.rows:
                        raise XlsxLimitError(
                            _("The sheet “%(sheet)s” has more than %(limit)s rows: split the file.")
                            % {"sheet": sheet, "limit": f"{limits.rows:,}"}
                        )
                    tag_end = piece.find(">", start)
                    num = _ROW_NUM.search(piece, start, tag_end)
                    row_number = int(num.group(1)) if num else next_row
                    next_row = row_number + 1
                    body = piece[tag_end + 1 :]
                    if not body:
                        continue
                    count = body.count(cell_open)
                    cells_seen += count
                    if cells_seen > limits.cells:
                        raise self._too_many_cells(sheet)
                    if len(body) > 256 * count + 4096:  # rare: long texts, or markup that is not cells
                        noncell += len(body) - sum(len(m.group()) for m in _CELL.finditer(body))
                    if noncell > limits.noncell:
                        raise _too_much_markup()
                    if not prefix and "&" not in body:
                        cells = _FAST_CELL.findall(body)
                        if len(cells) == count:  # every cell has the common shape
                            self._spent += time.monotonic() - started
                            yield row_number, _gather(cells, body, layouts, shared, width, pick, empty), []
                            started = time.monotonic()
                            continue
                    values, formulas = self._cells(body, shared, width, fast=False)
                    if pick is not None:
                        values = [values[p] if p is not None else None for p in pick]
                    if empty is not None:
                        values = [empty if v is None else v for v in values]
                    self._spent += time.monotonic() - started
                    yield row_number, values, formulas
                    started = time.monotonic()
                if not chunk or sheet_end in rest:
                    return  # what follows the rows (merged cells, validations…) is not read
                parts, pending, tail = [rest], len(rest), rest[1 - len(row_end) :]
                if pending > limits.row:
                    raise _too_much_markup()

    @staticmethod
    def _cells(body: str, shared: list[str], width: int, *, fast: bool) -> tuple[list[str | None], list[int]]:
        values: list[str | None] = [None] * width
        formulas: list[int] = []
        if fast:
            cells = _FAST_CELL.findall(body)
            if len(cells) == body.count("<c "):  # every cell has the common shape
                for letters, kind, v, inline in cells:
                    col = _column(letters)
                    if col >= width:
                        continue
                    if kind == "s":
                        try:
                            values[col] = shared[int(v)]
                        except (ValueError, IndexError):
                            values[col] = None
                    elif kind == "inlineStr":
                        values[col] = _unescape(inline) if inline else None
                    elif not v:
                        continue
                    elif kind == "n" or not kind:
                        values[col] = v if v.isdigit() else _number(v)
                    else:  # str, b, e, d
                        values[col] = _unescape(v)
                return values, formulas
        position = 0
        for attrs, content in _CELL.findall(body):
            ref = _CELL_REF.search(attrs)
            col = _column(ref.group(1)) if ref else position
            position = col + 1
            if col >= width or not content:
                continue
            if _FORMULA.search(content):
                formulas.append(col)
                continue
            kind = _CELL_TYPE.search(attrs)
            kind = kind.group(1) if kind else "n"
            if kind == "inlineStr":
                values[col] = _unescape("".join(_INLINE_T.findall(content))) or None
                continue
            v = _VALUE.search(content)
            if v is None or v.group(1) == "":
                continue
            text = v.group(1)
            if kind == "s":
                try:
                    values[col] = shared[int(text)]
                except (ValueError, IndexError):
                    values[col] = None
            elif kind == "n":
                values[col] = _number(text)
            else:
                values[col] = _unescape(text)
        return values, formulas


class _Layout:
    """Where the cells of one shape of row go: rows written by one program nearly all share a shape."""

    __slots__ = ("gather", "shared", "numbers", "inline_count")

    def __init__(self, letters, kinds, width, pick):
        column_of = [_column(letter) for letter in letters]
        cell_at = {}
        for i, col in enumerate(column_of):
            cell_at[col] = i  # a repeated reference (a damaged file): the last cell wins
        missing = len(letters)  # the index of the `empty` slot appended to the cell values
        wanted = pick if pick is not None else range(width)
        gather = [cell_at.get(col, missing) if col is not None else missing for col in wanted]
        # itemgetter picks them all in one call; with one index it returns the item, not a tuple.
        self.gather = itemgetter(*gather) if len(gather) > 1 else lambda values: tuple(values[i] for i in gather)
        self.shared = [i for i, kind in enumerate(kinds) if kind == "s"]
        self.numbers = [i for i, kind in enumerate(kinds) if kind in ("", "n")]
        self.inline_count = kinds.count("inlineStr")


_MAX_LAYOUTS = 1000
_plain_numbers: dict[str, str] = {}  # areas and distances repeat: "5.5" is read once


def _gather(cells, body, layouts, shared, width, pick, empty) -> list[str | None]:
    """The cell texts of a row whose cells all have the common shape (no "&" in it), without a loop per cell.

    Each cell's text is its <v> or its inline <t> (the regular expression captures one of them);
    shared-string indexes and numbers in another notation than plain digits are then resolved."""
    if not cells:
        return [empty] * (len(pick) if pick is not None else width)
    letters, kinds, vs, inlines = zip(*cells, strict=True)
    key = (letters, kinds)
    last = layouts.get(None)
    if last is not None and last[0] == key:  # comparing with the previous row's is cheaper than hashing
        layout = last[1]
    else:
        layout = layouts.get(key)
        if layout is None:
            layout = _Layout(letters, kinds, width, pick)
            if len(layouts) < _MAX_LAYOUTS:
                layouts[key] = layout
        layouts[None] = (key, layout)
    if layout.inline_count:
        values = [i or v or empty for v, i in zip(vs, inlines, strict=True)]
    else:
        values = [v or empty for v in vs]
    for i in layout.shared:
        try:
            values[i] = shared[int(vs[i])]
        except (ValueError, IndexError):
            values[i] = empty
    for i in layout.numbers:
        v = values[i]
        if v and not v.isdigit():
            plain = _plain_numbers.get(v)
            if plain is None:
                plain = _number(v)
                if len(_plain_numbers) < 10_000:
                    _plain_numbers[v] = plain
            values[i] = plain
    values.append(empty)
    return list(layout.gather(values))
