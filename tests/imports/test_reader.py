"""The streaming XLSX reader (§13) gives what openpyxl reads, whatever the chunk boundaries."""

import io

import pytest
import xlsxwriter
from openpyxl import Workbook as OpenpyxlBook

from imports.xlsx import reader


def _rows(data: bytes, sheet: str):
    book = reader.Workbook(io.BytesIO(data))
    try:
        return [
            (n, [v for v in values if v is not None], formulas) for n, values, formulas in book.rows(sheet, width=10)
        ]
    finally:
        book.close()


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_openpyxl_files_read_the_same_across_chunk_boundaries(monkeypatch, chunk):
    monkeypatch.setattr(reader, "CHUNK", chunk)
    wb = OpenpyxlBook()
    ws = wb.active
    ws.title = "户信息"
    ws.append(["户编号", "村代码", "耕地面积（亩）"])
    ws.append(["甲<&>乙", "211224100001", 3.5])
    ws.append([None, None, None])
    ws.append(["2112241000010001", 12, "=SUM(1,2)"])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert _rows(buffer.getvalue(), "户信息") == [
        (1, ["户编号", "村代码", "耕地面积（亩）"], []),
        (2, ["甲<&>乙", "211224100001", "3.5"], []),
        (4, ["2112241000010001", "12"], [2]),
    ]


def test_xlsxwriter_shared_strings_and_numbers():
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet("家庭成员")
    ws.write_row(0, 0, ["姓名", "务工时间（月）"])
    ws.write_row(1, 0, ["张三", 6])
    ws.write_formula(2, 0, "=A2")
    wb.close()
    assert _rows(buffer.getvalue(), "家庭成员") == [
        (1, ["姓名", "务工时间（月）"], []),
        (2, ["张三", "6"], []),
        (3, [], [0]),
    ]


def test_a_zip_that_is_not_a_workbook_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(reader.XlsxError):
        reader.Workbook(io.BytesIO(buffer.getvalue()))


def test_picked_columns_match_the_full_rows_for_every_shape_of_row():
    """Rows of one shape share a cached layout; gaps, numbers, shared and inline strings all land right."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"constant_memory": True})  # inline strings
    ws = wb.add_worksheet("户信息")
    rows = [
        ["户编号", "村代码", "识别年度", "耕地面积（亩）"],
        ["1", "211224100001", 2016, 3.5],
        ["2", "211224100001", 2016, 3.5],
        ["3", None, 2017, None],
        [None, "甲&乙", 16.0, 1e-7],
    ]
    for n, row in enumerate(rows):
        for col, value in enumerate(row):
            if value is not None:
                ws.write(n, col, value)
    wb.close()
    data = buffer.getvalue()
    book = reader.Workbook(io.BytesIO(data))
    full = [values for _n, values, _f in book.rows("户信息", width=4)]
    picked = [values for _n, values, _f in book.rows("户信息", pick=[3, None, 0], empty="")]
    book.close()
    assert full[1:] == [
        ["1", "211224100001", "2016", "3.5"],
        ["2", "211224100001", "2016", "3.5"],
        ["3", None, "2017", None],
        [None, "甲&乙", "16", "0.0000001"],
    ]
    assert picked == [[v or "" for v in (row[3], None, row[0])] for row in full]
