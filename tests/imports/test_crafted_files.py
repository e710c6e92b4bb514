"""Crafted XLSX files (issue 12, item 4): refused within seconds, with a Chinese message, memory flat.

The files are built here with zipfile: a sheet of tens of MB of whitespace packs into a few dozen kB.
Time and peak memory are asserted as bounds far above normal work, not as timings of it."""

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from imports.models import ImportJob, JobState, Roster, RosterState
from imports.xlsx import reader
from tests.conftest import login

from .conftest import H_HEADERS, M_HEADERS, post_file

MB = 1024 * 1024
WHITESPACE_MB = 60  # over the 32 M characters outside cells a sheet may hold, and quick to build and read
SECONDS = 10  # a crafted file is refused well within this (the file held a worker for 80 s)
PEAK_BYTES = 40 * MB  # the file took 1.16 GB
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NOT_CELLS = "单元格之外"  # words of the Chinese message for content outside the cells

RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships">{}</Relationships>'
)
REL = (
    '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet{n}.xml"/>'
)


def _text_row(number: int, texts: list[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in texts)
    return f'<row r="{number}">{cells}</row>'


def crafted(sheets: dict[str, Callable[[], Iterable[str]]], *, shared: Iterable[str] = ()) -> bytes:
    """An XLSX whose sheets' XML are the pieces each function yields (written piece by piece)."""
    buffer = io.BytesIO()
    names = list(sheets)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/_rels/workbook.xml.rels", RELS.format("".join(REL.format(n=i + 1) for i in range(len(names)))))
        entries = "".join(f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, name in enumerate(names))
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        for i, name in enumerate(names):
            with z.open(f"xl/worksheets/sheet{i + 1}.xml", "w") as fh:
                fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'.encode())
                for piece in sheets[name]():
                    fh.write(piece.encode())
                fh.write(b"</worksheet>")
        pieces = list(shared)
        if pieces:
            with z.open("xl/sharedStrings.xml", "w") as fh:
                fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode())
                for piece in pieces:
                    fh.write(piece.encode())
                fh.write(b"</sst>")
    return buffer.getvalue()


def spaces(mb: int) -> Iterable[str]:
    block = " " * MB
    for _ in range(mb):
        yield block


def read_all(data: bytes) -> None:
    book = reader.Workbook(io.BytesIO(data))
    try:
        for sheet in book.sheets:
            for _row in book.rows(sheet, width=40):
                pass
    finally:
        book.close()


def refused(data: bytes, read: Callable[[bytes], None] = read_all) -> tuple[str, float, int]:
    """The message, the seconds and the peak bytes of reading `data` until it is refused."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with translation.override("zh-hans"), pytest.raises(reader.XlsxLimitError) as exc:
            read(data)
        return str(exc.value), time.monotonic() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def header_then(junk: Callable[[], Iterable[str]]) -> Callable[[], Iterable[str]]:
    def sheet():
        yield "<sheetData>" + _text_row(1, ["证件号码", "状态"])
        yield from junk()
        yield "</sheetData>"

    return sheet


def whitespace_in_a_row():
    yield "<sheetData>" + _text_row(1, ["证件号码"]) + '<row r="2">'
    yield from spaces(WHITESPACE_MB)
    yield "</row></sheetData>"


def whitespace_before_the_rows():
    yield from spaces(WHITESPACE_MB)
    yield "<sheetData>" + _text_row(1, ["证件号码"]) + "</sheetData>"


def whitespace_between_rows():
    yield "<sheetData>"
    block = " " * (MB // 2)
    for n in range(1, 2 * WHITESPACE_MB + 1):
        yield _text_row(n, ["x"]) + block
    yield "</sheetData>"


def whitespace_without_rows():
    yield "<sheetData>"
    yield from spaces(WHITESPACE_MB)
    yield "</sheetData>"


def markup_in_a_row():  # not whitespace: empty elements that are not cells, between cells
    yield "<sheetData>" + '<row r="1"><c r="A1"><v>1</v></c>'
    block = "<x/>" * (MB // 4)
    for _ in range(WHITESPACE_MB):
        yield block
    yield "</row></sheetData>"


@pytest.mark.parametrize(
    "sheet",
    [
        whitespace_in_a_row,
        whitespace_before_the_rows,
        whitespace_between_rows,
        whitespace_without_rows,
        markup_in_a_row,
    ],
)
def test_a_sheet_of_whitespace_is_refused_in_seconds_with_flat_memory(sheet):
    data = crafted({"户信息": sheet})
    assert len(data) < 2 * MB  # the attack: a small upload that unpacks to tens or hundreds of MB
    message, seconds, peak = refused(data)
    assert NOT_CELLS in message
    assert seconds < SECONDS and peak < PEAK_BYTES


def test_shared_strings_of_whitespace_are_refused():
    def sheet():
        yield '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'

    data = crafted({"户信息": sheet}, shared=["<si><t>证件号码</t></si>", *spaces(WHITESPACE_MB)])
    message, seconds, peak = refused(data)
    assert NOT_CELLS in message and seconds < SECONDS and peak < PEAK_BYTES


@override_settings(IMPORT_MAX_NONCELL_CHARS=1_000, IMPORT_MAX_ROW_CHARS=1_000)
def test_whitespace_after_the_rows_is_not_read():
    # Read, it would pass both limits set here: the reader stops at </sheetData>.
    def sheet():
        yield "<sheetData>" + _text_row(1, ["证件号码"]) + "</sheetData>"
        yield from spaces(WHITESPACE_MB)

    book = reader.Workbook(io.BytesIO(crafted({"户信息": sheet})))
    assert [values[0] for _n, values, _f in book.rows("户信息", width=1)] == ["证件号码"]


@override_settings(IMPORT_MAX_SHEET_CELLS=100_000)
def test_too_many_cells_are_refused():
    def sheet():
        yield "<sheetData>"
        row = "".join(f'<c r="{reader.column_letter(i)}1"/>' for i in range(100))
        for n in range(1, 2_001):  # 200,000 empty cells: twice the limit set here
            yield row.replace("1", str(n)).join((f'<row r="{n}">', "</row>"))
        yield "</sheetData>"

    message, seconds, peak = refused(crafted({"户信息": sheet}))
    assert "单元格超过 100,000 个" in message
    assert seconds < SECONDS and peak < PEAK_BYTES


def test_the_default_cell_limit_is_a_county_registry_with_a_margin():
    # Per sheet: the benchmark's county has 300,000 members × 32 columns and 100,000 households × 36.
    limits = reader.Limits.from_settings()
    assert limits.cells >= 2 * max(300_000 * len(M_HEADERS), 100_000 * len(H_HEADERS))
    assert limits.rows >= 3 * 300_000


@override_settings(IMPORT_MAX_SHEET_ROWS=1_000)
def test_too_many_rows_are_refused():
    def sheet():
        yield "<sheetData>"
        for n in range(1, 2_001):
            yield f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'
        yield "</sheetData>"

    message, seconds, _peak = refused(crafted({"户信息": sheet}))
    assert "超过 1,000 行" in message and seconds < SECONDS


def test_unclosed_cell_tags_cost_linear_time():
    # A row of 300,000 "<c " with an "&" takes the careful path: each match must not scan to the row's end.
    def sheet():
        yield '<sheetData><row r="1"><c r="A1" t="str"><v>&amp;</v></c>' + "<c " * 300_000 + "</row></sheetData>"

    book = reader.Workbook(io.BytesIO(crafted({"户信息": sheet})))
    started = time.monotonic()
    rows = list(book.rows("户信息", width=1))
    assert rows[0][1] == ["&"] and time.monotonic() - started < SECONDS


@override_settings(IMPORT_READ_SECONDS=0)
def test_the_time_budget_refuses_with_a_message():
    message, _seconds, _peak = refused(crafted({"户信息": whitespace_without_rows}))
    assert "读取此工作簿超过 0 秒" in message


@pytest.mark.django_db
def test_a_crafted_roster_ends_failed_in_its_task(client, users, tree, django_capture_on_commit_callbacks):
    data = crafted({"Sheet1": header_then(lambda: spaces(WHITESPACE_MB))})
    login(client, users.clerk_a)
    upload = SimpleUploadedFile("dibao.xlsx", data, content_type="application/octet-stream")
    assert client.get("/imports/rosters/").status_code == 200  # the page's first rendering is not measured
    tracemalloc.start()
    started = time.monotonic()
    try:  # the upload, then the task reading the stored file (eager, when the request's transaction commits)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/imports/rosters/", {"field": "receives_dibao", "file": upload})
        seconds, peak = time.monotonic() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    roster = Roster.objects.get()
    assert response.status_code == 302 and roster.state == RosterState.FAILED
    assert NOT_CELLS in roster.message and roster.entries == [] and roster.report == {}
    assert NOT_CELLS in client.get(f"/imports/rosters/{roster.pk}/").content.decode()
    assert seconds < SECONDS and peak < PEAK_BYTES


@pytest.mark.django_db
@override_settings(IMPORT_READ_SECONDS=0)
def test_the_time_budget_applies_to_a_roster_s_task(client, users, tree, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    upload = SimpleUploadedFile("dibao.xlsx", crafted({"Sheet1": whitespace_without_rows}))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/rosters/", {"field": "receives_dibao", "file": upload})
    roster = Roster.objects.get()
    assert roster.state == RosterState.FAILED and "读取此工作簿超过 0 秒" in roster.message


@pytest.mark.django_db
def test_a_crafted_household_file_fails_its_dry_run_with_the_message(
    client, users, tree, django_capture_on_commit_callbacks
):
    def households():
        yield "<sheetData>" + _text_row(1, H_HEADERS) + '<row r="2">'
        yield from spaces(WHITESPACE_MB)
        yield "</row></sheetData>"

    def members():
        yield "<sheetData>" + _text_row(1, M_HEADERS) + "</sheetData>"

    login(client, users.clerk_a)
    started = time.monotonic()
    post_file(client, django_capture_on_commit_callbacks, crafted({"户信息": households, "家庭成员": members}))
    job = ImportJob.objects.latest("id")
    assert job.state == JobState.FAILED and NOT_CELLS in job.message
    assert time.monotonic() - started < SECONDS
