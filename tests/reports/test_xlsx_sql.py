"""The XLSX rows rendered by PostgreSQL (reports.xlsx_sql) agree with the Python rendering
(reports.xlsx_stream.cells) on the same rows: every standard table, and cells of every kind."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.db.models import BooleanField, DateField, DecimalField, F, IntegerField, Value

from reports import exporters, xlsx_sql, xlsx_stream
from reports.selectors import table_context
from reports.tables import headers, rows_queryset, table_get

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")

ODD = '甲&乙<丙>"丁"\r戊\n己\x0b庚\x1f辛\t壬'


def _both(tmp_path, qs, head) -> tuple[list, list]:
    """The sheet's values written through COPY and through Python."""
    statement = xlsx_sql.cells_sql(qs)
    assert statement is not None
    sql_path, py_path = str(tmp_path / "sql.xlsx"), str(tmp_path / "py.xlsx")
    n_sql = xlsx_stream.write_xlsx(sql_path, "s", head, fill=xlsx_sql.fill_from_copy(statement))
    n_py = xlsx_stream.write_xlsx(py_path, "s", head, qs.iterator())
    assert n_sql == n_py
    read = [
        [[c.value for c in row] for row in openpyxl.load_workbook(p).worksheets[0].iter_rows()]
        for p in (sql_path, py_path)
    ]
    return read[0], read[1]


def test_cells_of_every_kind_agree(tmp_path, homes):
    from households.models import Household

    qs = (
        Household.objects.order_by("id")
        .annotate(
            odd=Value(ODD),
            amount=Value(Decimal("4523.50"), output_field=DecimalField(max_digits=12, decimal_places=2)),
            whole=Value(-7, output_field=IntegerField()),
            yes=Value(True, output_field=BooleanField()),
            no=Value(False, output_field=BooleanField()),
            day=Value(dt.date(2020, 11, 30), output_field=DateField()),
            nothing=Value(None, output_field=DateField()),
        )
        .values_list("number", "odd", "amount", "whole", "yes", "no", "day", "nothing", F("village__name"))
    )
    by_sql, by_python = _both(tmp_path, qs, list("abcdefghi"))
    assert by_sql == by_python and len(by_sql) == 1 + Household.objects.count()
    assert by_sql[1][1:8] == ['甲&乙<丙>"丁"\r戊\n己庚辛\t壬', 4523.5, -7, "True", "False", "2020-11-30", None]


@pytest.mark.parametrize("key", ["households", "members", "eligibility", "incidence"])
def test_every_standard_table_agrees(tmp_path, world, key):
    rows = 0
    for user in (world.users.province, world.users.county, world.users.clerk_a):
        table = table_get(key)
        ctx, *_rest = table_context(user, table, {})
        qs, head = rows_queryset(table, ctx), headers(table, ctx)
        by_sql, by_python = _both(tmp_path, qs, head)
        assert by_sql == by_python
        rows += len(by_sql) - 1
    assert rows > 0


def test_the_export_takes_the_copy_path(tmp_path, world):
    table = table_get("members")
    ctx, *_rest = table_context(world.users.province, table, {})
    qs, head = rows_queryset(table, ctx), headers(table, ctx)
    path = str(tmp_path / "e.xlsx")
    seen = []
    rows = exporters.xlsx_write(qs, head, path, sheet="成员", progress=seen.append)
    assert rows == qs.count() == seen[-1]
    sheet = openpyxl.load_workbook(io.BytesIO(open(path, "rb").read())).worksheets[0]
    assert sheet.max_row == rows + 1
