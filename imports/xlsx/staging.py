"""Staging of an import file (§13): the rows of its sheets in a throw-away SQLite file on disk.

The households and their members can be anywhere in the two sheets; staging lets every later pass walk
them household by household in key order, and lets whole-file checks (repeated 户编号, one person
twice, a member without a household) run as SQL, with memory flat as the file grows. The survey sheets
收入情况 and 两不愁评估 (issue 13) are staged beside them (tables i and a) and walked the same way."""

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from django.utils.translation import gettext as _

from .. import parallel
from .columns import (
    ASSESSMENT_COLUMNS,
    ASSESSMENT_SHEET,
    EXAMPLE_KEY,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_SHEET,
    INCOME_COLUMNS,
    INCOME_SHEET,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
    match_headers,
)
from .reader import Workbook, XlsxError, column_letter


@dataclass
class Issue:
    sheet: str
    row: int
    column: str  # the column letter, "" for the whole row
    header: str
    code: str
    message: str
    key: str = ""
    value: str = ""
    sensitive: bool = False


# Cell texts joined with a character XML 1.0 cannot carry, so no cell can contain it: ten times cheaper
# than JSON for a row of 36 cells. An empty cell is staged as "", which every check reads as empty.
_SEP = "\x1f"


def pack(values: list[str]) -> str:
    text = _SEP.join(values)
    if text.count(_SEP) != len(values) - 1:  # a crafted file
        text = _SEP.join(v.replace(_SEP, "") for v in values)
    return text


def unpack(text: str) -> list[str]:
    return text.split(_SEP)


def open_stage(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-16000")  # 16 MB: bounded memory whatever the file size
    return db


SURVEY_SHEETS = ((INCOME_SHEET, INCOME_COLUMNS, "i"), (ASSESSMENT_SHEET, ASSESSMENT_COLUMNS, "a"))


def has_household_sheets(book: Workbook) -> bool:
    """A workbook of only the survey sheets is a village's survey of the year (issue 13): no households."""
    survey_only = not ({HOUSEHOLD_SHEET, MEMBER_SHEET} & set(book.sheets)) and any(
        sheet in book.sheets for sheet, _columns, _table in SURVEY_SHEETS
    )
    return not survey_only


def check_workbook(book: Workbook) -> None:
    """Refuse a workbook without the two household sheets (unless it holds only survey sheets) (§13)."""
    if not has_household_sheets(book):
        return
    for sheet in (HOUSEHOLD_SHEET, MEMBER_SHEET):
        if sheet not in book.sheets:
            raise XlsxError(
                _("The sheet “%(sheet)s” is missing: use the template offered for download.") % {"sheet": sheet}
            )


def stage_file(
    *, path: str, stage_path: str, progress: Callable[[int], None] | None = None
) -> tuple[sqlite3.Connection, list[Issue], None]:
    """Read the sheets into the staging file; return it, the issues found so far and the positions.

    The member sheet, the largest, is read by a forked process (imports/parallel.py) into a file of its
    own while this one reads the others; its rows are then copied in by SQLite."""
    if os.path.exists(stage_path):
        os.remove(stage_path)
    db = open_stage(stage_path)
    db.execute("CREATE TABLE h (row INTEGER PRIMARY KEY, key TEXT, vals TEXT)")
    db.execute(_M_TABLE)
    for _sheet, _columns, table in SURVEY_SHEETS:
        db.execute(f"CREATE TABLE {table} (row INTEGER PRIMARY KEY, key TEXT, vals TEXT)")
    db.commit()
    by_sheet: dict[str, list[Issue]] = {}
    side = stage_path + ".m"
    worker = None
    book = Workbook(path)
    try:
        check_workbook(book)
        both = has_household_sheets(book)
        if both and parallel.may_fork(database=False):
            worker = parallel.Forked(_stage_members_alone, path, side)
        done = 0
        layout: list[list[int | None]] = [[None] * len(HOUSEHOLD_COLUMNS), [None] * len(MEMBER_COLUMNS)]
        if both:
            for n, (sheet, columns, table) in enumerate(
                ((HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS, "h"), (MEMBER_SHEET, MEMBER_COLUMNS, "m"))
            ):
                if worker is None or table != "m":
                    issues = by_sheet[sheet] = []
                    done, layout[n] = _stage_sheet(book, db, sheet, columns, table, issues, done, progress)
        survey: dict[str, list[int | None] | None] = {}
        for sheet, columns, table in SURVEY_SHEETS:
            survey[table] = None
            if sheet in book.sheets:
                issues = by_sheet[sheet] = []
                done, survey[table] = _stage_sheet(book, db, sheet, columns, table, issues, done, progress)
        if worker is not None:
            by_sheet[MEMBER_SHEET], layout[1], count = worker.result()
            worker = None
            db.execute("ATTACH DATABASE ? AS side", (side,))
            db.execute("INSERT INTO m SELECT * FROM side.m")
            db.commit()
            db.execute("DETACH DATABASE side")
            if progress:
                progress(done + count)
    finally:
        book.close()
        if worker is not None:
            worker.cancel()
        if os.path.exists(side):
            os.remove(side)
    db.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT)")
    db.execute("INSERT INTO meta VALUES ('layout', ?)", (json.dumps(layout),))
    db.execute("INSERT INTO meta VALUES ('survey', ?)", (json.dumps(survey),))
    for _sheet, _columns, table in SURVEY_SHEETS:
        db.execute(f"CREATE INDEX {table}_key ON {table} (key, row)")
    db.execute("CREATE INDEX h_key ON h (key)")
    db.execute("CREATE INDEX m_key ON m (key, row)")
    db.execute("CREATE INDEX m_idn ON m (idn)")
    db.commit()
    order = (HOUSEHOLD_SHEET, MEMBER_SHEET, *(sheet for sheet, _c, _t in SURVEY_SHEETS))
    return db, [issue for sheet in order for issue in by_sheet.get(sheet, [])], None


_M_TABLE = "CREATE TABLE m (row INTEGER PRIMARY KEY, key TEXT, idn TEXT, vals TEXT)"


def _stage_members_alone(path: str, side: str) -> tuple[list[Issue], list[int | None], int]:
    """In the worker process: the member sheet into a staging file of its own."""
    if os.path.exists(side):
        os.remove(side)
    db = open_stage(side)
    book = Workbook(path)
    try:
        db.execute(_M_TABLE)
        issues: list[Issue] = []
        done, positions = _stage_sheet(book, db, MEMBER_SHEET, MEMBER_COLUMNS, "m", issues, 0, None)
        db.commit()
    finally:
        book.close()
        db.close()
    return issues, positions, done


def _stage_sheet(book, db, sheet, columns, table, issues, done, progress) -> tuple[int, list[int | None]]:
    positions, header_row = _header(book, sheet, columns, issues)
    id_pos = next(i for i, col in enumerate(columns) if col.field == "id_number") if table == "m" else None
    # "h", "m", "i" or "a": the module's own table names
    insert = "INSERT INTO m VALUES (?, ?, ?, ?)" if table == "m" else f"INSERT INTO {table} VALUES (?, ?, ?)"  # noqa: S608
    batch: list[tuple[int, str, str] | tuple[int, str, str, str]] = []  # (row, key[, id number], values)
    # The reader hands over just the template's columns, in the template's order, "" for an empty cell.
    for row_number, picked, formulas in book.rows(sheet, pick=positions, empty=""):
        if row_number <= header_row:
            continue
        if not formulas and not "".join(picked).strip():
            continue  # an empty row
        key = picked[0].strip()
        if key == EXAMPLE_KEY:
            continue
        for col_index in formulas:
            header_index = positions.index(col_index) if col_index in positions else None
            header = columns[header_index].header if header_index is not None else ""
            issues.append(
                Issue(
                    sheet,
                    row_number,
                    column_letter(col_index),
                    header,
                    "formula",
                    _("Formulas are not accepted: type the value itself."),
                    key=key,
                )
            )
        if table != "m":
            batch.append((row_number, key, pack(picked)))
        else:
            batch.append((row_number, key, picked[id_pos].strip().upper(), pack(picked)))
        if len(batch) >= 5000:
            db.executemany(insert, batch)
            done += len(batch)
            batch.clear()
            if progress:
                progress(done)
    if batch:
        db.executemany(insert, batch)
        done += len(batch)
    if progress:
        progress(done)
    return done, positions


def _header(book, sheet, columns, issues) -> tuple[list[int | None], int]:
    """Where the template's columns are in the sheet's first row, and that row's number."""
    rows = book.rows(sheet, width=256)
    try:
        row_number, values, _formulas = next(rows)
    except StopIteration:
        raise XlsxError(
            _("The sheet “%(sheet)s” is empty: it needs the header row of the template.") % {"sheet": sheet}
        ) from None
    finally:
        rows.close()
    positions, unknown, missing = match_headers(values, columns)
    for header in unknown:
        issues.append(
            Issue(
                sheet,
                row_number,
                "",
                header,
                "unknown_column",
                _("Unknown column: delete it or use the template's column names."),
            )
        )
    if missing:
        raise XlsxError(
            _("The sheet “%(sheet)s” lacks the columns %(columns)s: use the template offered for download.")
            % {"sheet": sheet, "columns": "、".join(missing)}
        )
    return positions, row_number


def file_level_issues(db: sqlite3.Connection) -> list[Issue]:
    """Whole-file checks in SQL: a repeated 户编号, a person twice, a member without a household (§13)."""
    issues = []
    for row, key in db.execute(
        "SELECT row, key FROM h WHERE key IN (SELECT key FROM h GROUP BY key HAVING COUNT(*) > 1)"
    ):
        issues.append(
            Issue(
                HOUSEHOLD_SHEET,
                row,
                "A",
                "户编号",
                "duplicate_household",
                _("This household number appears more than once in the sheet."),
                key=key,
                value=key,
            )
        )
    for row, key in db.execute("SELECT row, key FROM m WHERE key != '' AND key NOT IN (SELECT key FROM h)"):
        issues.append(
            Issue(
                MEMBER_SHEET,
                row,
                "A",
                "户编号",
                "member_without_household",
                _("No household with this number in the sheet 户信息."),
                key=key,
                value=key,
            )
        )
    for row, key, idn in db.execute(
        "SELECT row, key, idn FROM m WHERE idn != '' AND idn IN (SELECT idn FROM m GROUP BY idn HAVING COUNT(*) > 1)"
    ):
        issues.append(
            Issue(
                MEMBER_SHEET,
                row,
                "",
                "证件号码",
                "duplicate_person_in_file",
                _("This person appears more than once in the file."),
                key=key,
                value=idn,
                sensitive=True,
            )
        )
    return issues


def counts(db: sqlite3.Connection) -> tuple[int, int]:
    return db.execute("SELECT COUNT(*) FROM h").fetchone()[0], db.execute("SELECT COUNT(*) FROM m").fetchone()[0]


def households(
    db: sqlite3.Connection, start: str = "", stop: str | None = None
) -> Iterator[tuple[str, list[tuple[int, list]], list[tuple[int, list]]]]:
    """(key, household rows, member rows) in key order: a merge of the two sorted sheets; only the keys
    from `start` up to `stop` (excluded) when given."""
    where, params = ("key >= ?", [start]) if stop is None else ("key >= ? AND key < ?", [start, stop])
    h_cursor = db.execute(f"SELECT key, row, vals FROM h WHERE {where} ORDER BY key, row", params)  # noqa: S608
    m_cursor = db.cursor().execute(f"SELECT key, row, vals FROM m WHERE {where} ORDER BY key, row", params)  # noqa: S608
    h_groups, m_groups = groupby(h_cursor, key=itemgetter(0)), groupby(m_cursor, key=itemgetter(0))
    m_rows: Iterable
    m_key, m_rows = next(m_groups, (None, ()))
    for key, h_rows in h_groups:
        while m_key is not None and m_key < key:  # members without a household: see file_level_issues
            m_key, m_rows = next(m_groups, (None, ()))
        members = []
        if m_key == key:
            members = [(row, vals.split(_SEP)) for _k, row, vals in m_rows]
            m_key, m_rows = next(m_groups, (None, ()))
        yield key, [(row, vals.split(_SEP)) for _k, row, vals in h_rows], members


def batch_starts(db: sqlite3.Connection, size: int) -> list[str]:
    """The first key of each batch of `size` households, in key order (as households() walks them)."""
    keys = db.execute("SELECT DISTINCT key FROM h ORDER BY key")
    return [key for n, (key,) in enumerate(keys) if n % size == 0]


def survey_layout(db: sqlite3.Connection) -> dict[str, list[int | None] | None]:
    """Where the survey sheets' columns are in the file ({"i": …, "a": …}; None: the sheet is absent)."""
    row = db.execute("SELECT v FROM meta WHERE k = 'survey'").fetchone()
    return json.loads(row[0]) if row else {"i": None, "a": None}


def survey_counts(db: sqlite3.Connection) -> tuple[int, int, int]:
    """Rows of the income and assessment sheets, and the households they name that 户信息 does not."""
    incomes = db.execute("SELECT COUNT(*) FROM i").fetchone()[0]
    assessments = db.execute("SELECT COUNT(*) FROM a").fetchone()[0]
    others = db.execute(
        "SELECT COUNT(*) FROM (SELECT key FROM i UNION SELECT key FROM a) WHERE key NOT IN (SELECT key FROM h)"
    ).fetchone()[0]
    return incomes, assessments, others


def survey_keys(db: sqlite3.Connection) -> set[str]:
    """Every household key the survey sheets name."""
    return {key for (key,) in db.execute("SELECT key FROM i UNION SELECT key FROM a")}


def survey_groups(db: sqlite3.Connection, table: str) -> Iterator[tuple[str, list[tuple[int, list]]]]:
    """(key, rows) of a survey sheet ("i" or "a") in key order, a household's rows together."""
    rows = db.execute(f"SELECT key, row, vals FROM {table} ORDER BY key, row")  # noqa: S608 - "i" or "a"
    for key, group in groupby(rows, key=itemgetter(0)):
        yield key, [(row, vals.split(_SEP)) for _k, row, vals in group]
