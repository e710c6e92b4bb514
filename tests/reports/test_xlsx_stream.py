"""The streaming XLSX writer (§12): text stays text, numbers stay numbers, odd characters survive."""

import datetime as dt
from decimal import Decimal

import openpyxl

from reports.xlsx_stream import write_xlsx


def test_cells_keep_their_types_and_nothing_is_a_formula(tmp_path):
    path = str(tmp_path / "t.xlsx")
    rows = [
        ("=1+1", Decimal("12.50"), 3, None, dt.date(2019, 10, 15), "  a <b> & c\x01", True),
        ("'@SUM(A1)", 0, -1.5, "户主", None, "", False),
    ]
    seen = []
    assert (
        write_xlsx(path, "户/表" * 20, ["名称", "金额", "n", "x", "日期", "文本", "b"], rows, progress=seen.append) == 2
    )
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["名称", "金额", "n", "x", "日期", "文本", "b"]
    assert values[1] == ["=1+1", 12.5, 3, None, "2019-10-15", "  a <b> & c", "True"]
    assert values[2][:4] == ["'@SUM(A1)", 0, -1.5, "户主"]
    assert ws["A2"].data_type == "s" and ws["B2"].data_type == "n"
    assert ws.freeze_panes == "A2" and seen[-1] == 2


def test_text_of_every_kind_reads_back_as_written(tmp_path):
    """The one-pass escape (only cells that need it are translated) keeps CR, specials among Chinese
    text, subclasses of str and int, and datetimes; forbidden characters are dropped."""
    from django.db.models import IntegerChoices, TextChoices

    class Colour(TextChoices):
        RED = "red", "红"

    class Size(IntegerChoices):
        BIG = 3, "大"

    path = str(tmp_path / "t.xlsx")
    row = ("张三\r李四", "甲&乙<丙>丁", "\x0b控制\x1f", Colour.RED, Size.BIG, dt.datetime(2020, 1, 2, 3, 4), "纯中文")
    write_xlsx(path, "s", list("abcdefg"), [row])
    values = [c.value for c in openpyxl.load_workbook(path).worksheets[0][2]]
    assert values == ["张三\r李四", "甲&乙<丙>丁", "控制", "red", 3, "2020-01-02T03:04:00", "纯中文"]
