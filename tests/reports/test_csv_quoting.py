"""§12, issue 12: a cell holding a carriage return, a line feed, a quote or a leading "=" is written so that
the CSV (and the XLSX) reads back as the very cells exported, and the formula stays neutralised."""

import csv
import io

import pytest
from openpyxl import load_workbook

from households import choices as c
from households.models import Member
from reports import exporters
from tests import factories as f

from .helpers import response_bytes

# csv_chunks switches PostgreSQL's JIT off around its reads (povertymgmt.db): a database is needed there.
pytestmark = pytest.mark.django_db

TRICKY = '=SUM(1)\rline two\r\nline "three"\nend'
CELLS = ["a\rb", "c\r\nd", 'say "hi"', "=1+1", "e\nf", "\rstart", "plain", None, 7]


class Rows:
    """What csv_chunks reads: a queryset's iterator of value tuples."""

    def __init__(self, rows):
        self.rows = rows

    def iterator(self, chunk_size=None):
        return iter(self.rows)


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_csv_chunks_quote_every_cell_with_a_line_break_or_a_quote():
    rows = [tuple(CELLS), ("x", "y\rz", "", "", "", "", "", None, 1)]
    text = "".join(exporters.csv_chunks(Rows(rows), [f"h{i}" for i in range(len(CELLS))]))
    expected = [["" if v is None else str(v) for v in row] for row in rows]
    assert parse(text)[1:] == expected
    # Rows end with "\n" like PostgreSQL's COPY; a CR only ever appears inside quotes.
    assert text.count('"a\rb"') == 1 and '"y\rz"' in text
    assert text.endswith("1\n")


def test_the_csv_header_is_quoted_too():
    text = "".join(exporters.csv_chunks(Rows([]), ["one\rtwo", "three"]))
    assert parse(text) == [["one\rtwo", "three"]]


def test_an_exported_cell_with_cr_lf_quote_and_formula_reads_back_whole_and_guarded(client, tree, users):
    h = f.household(tree.village_a, by=users.admin)
    head = h.members.get()
    Member.objects.create(
        household=h,
        relationship=c.Relationship.OTHER,
        name=TRICKY,
        id_number=f.id_number(),
        birth_date=head.birth_date,
        sex=head.sex,
    )
    client.force_login(users.clerk_a)
    url = "/reports/tables/members/export/"
    body = response_bytes(client.post(url, {"format": "csv"})).decode("utf-8")
    rows = parse(body)
    names = [row[4] for row in rows[1:]]
    assert "'" + TRICKY in names  # the whole value in one cell, behind the formula guard
    assert all(len(row) == len(rows[0]) for row in rows)
    sheet = load_workbook(io.BytesIO(response_bytes(client.post(url, {"format": "xlsx"}))), read_only=True).active
    assert "'" + TRICKY in [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_postgresql_copy_and_the_python_writer_agree_on_such_a_cell(tree, users):
    from django.db import connection

    from reports.selectors import table_context
    from reports.tables import headers, rows_queryset, table_get

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    h = f.household(tree.village_a, by=users.admin)
    Member.objects.filter(household=h).update(name=TRICKY)
    table = table_get("members")
    ctx, *_rest = table_context(users.clerk_a, table, {})
    qs, head = rows_queryset(table, ctx), headers(table, ctx)
    out = io.BytesIO()
    exporters.csv_write_copy(qs, head, out)
    python = "".join(exporters.csv_chunks(qs, head))
    assert out.getvalue().decode("utf-8") == python
    assert "'" + TRICKY in [row[4] for row in parse(python)[1:]]
