"""A streaming reader of XLSX worksheets (§13) with flat memory.

openpyxl's read-only mode reads about 120,000 cells a second here, too slow for the import target
(docs/import.md, bench/import.py); this reader scans the worksheet XML in chunks with regular
expressions (≈ 10× faster) and yields raw text. It never evaluates formulas: a formula cell is reported
as such and its value is not returned. Shared strings are held in memory, as every XLSX reader does."""

import codecs
import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import IO
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_UNCOMPRESSED = 600 * 1024 * 1024  # a 20 MB upload of text unpacks to ≈ 200 MB; more is a zip bomb
CHUNK = 1 << 20

_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*?)\s*(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
# The shape nearly every writer uses (Excel, WPS, openpyxl, XlsxWriter): one C-speed match per cell.
# Possessive quantifiers (no backtracking into what a part matched) make it ≈ 25 % faster.
_FAST_CELL = re.compile(
    r'<c r="([A-Z]++)\d++"(?: s="\d++")?+(?: t="(\w++)")?+(?: s="\d++")?+\s*+'
    r'(?:/>|>(?:<v>([^<]*+)</v>|<is><t(?: xml:space="preserve")?+>([^<]*+)</t></is>)?+</c>)'
)
_SHEET_DATA = re.compile(r"<(\w+:)?sheetData\b")
_ROW_NUM = re.compile(r'\br="(\d+)"')
_CELL_REF = re.compile(r'\br="([A-Z]+)\d*"')
_CELL_TYPE = re.compile(r'\bt="(\w+)"')
_VALUE = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_FORMULA = re.compile(r"<(?:\w+:)?f\b")
_INLINE_T = re.compile(r"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)


class XlsxError(Exception):
    """The upload is not a readable XLSX workbook; the message says why, in words for the user."""


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

    def __init__(self, path_or_file: str | IO[bytes]) -> None:
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

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            if "xl/sharedStrings.xml" in self.zip.namelist():
                with self.zip.open("xl/sharedStrings.xml") as fh:
                    _refuse_dtd(fh.peek(4096)[:4096] if hasattr(fh, "peek") else b"")
                    for _event, elem in ET.iterparse(fh):  # noqa: S314 - no DTD, see _refuse_dtd
                        if elem.tag == f"{NS_MAIN}si":
                            # Text runs, not the phonetic guide (rPh) some East-Asian files carry.
                            parts = [elem.findtext(f"{NS_MAIN}t") or ""]
                            parts += [r.findtext(f"{NS_MAIN}t") or "" for r in elem.findall(f"{NS_MAIN}r")]
                            self._shared.append("".join(parts))
                            elem.clear()
        return self._shared

    def rows(
        self, sheet: str, width: int = 200, *, pick: list[int | None] | None = None, empty: str | None = None
    ) -> Iterator[tuple[int, list[str | None], list[int]]]:
        """(row number, raw cell texts by column index up to `width`, column indexes holding a formula).

        With `pick`, the texts are those of the columns it lists, in its order (None: no column), and
        `width` is ignored; `empty` is what a missing or empty cell reads as."""
        shared = self.shared_strings()
        if pick is not None:
            width = max([p + 1 for p in pick if p is not None], default=0)
        layouts: dict = {}
        try:
            fh = self.zip.open(self.sheets[sheet])
        except KeyError as exc:
            raise XlsxError(_("This Excel workbook is damaged and cannot be read.")) from exc
        buffer, prefix, next_row = "", None, 1
        # Incremental: a chunk may end inside a multi-byte character.
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        with fh:
            while True:
                chunk = fh.read(CHUNK)
                buffer += decoder.decode(chunk, final=not chunk)
                if prefix is None:
                    found = _SHEET_DATA.search(buffer)
                    if found is None and chunk:
                        continue
                    prefix = (found.group(1) or "") if found else ""
                    row_open, row_end = f"<{prefix}row", f"</{prefix}row>"
                pieces = buffer.split(row_end)
                buffer = pieces.pop() if chunk else ""
                for piece in pieces:
                    start = piece.rfind(row_open)
                    if start < 0:
                        continue
                    tag_end = piece.find(">", start)
                    num = _ROW_NUM.search(piece, start, tag_end)
                    row_number = int(num.group(1)) if num else next_row
                    next_row = row_number + 1
                    body = piece[tag_end + 1 :]
                    if not body:
                        continue
                    if not prefix and "&" not in body:
                        cells = _FAST_CELL.findall(body)
                        if len(cells) == body.count("<c "):  # every cell has the common shape
                            yield row_number, _gather(cells, body, layouts, shared, width, pick, empty), []
                            continue
                    values, formulas = self._cells(body, shared, width, fast=False)
                    if pick is not None:
                        values = [values[p] if p is not None else None for p in pick]
                    if empty is not None:
                        values = [empty if v is None else v for v in values]
                    yield row_number, values, formulas
                if not chunk:
                    return

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
