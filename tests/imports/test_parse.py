"""A batch's cells are read a column at a time against a memo (imports/xlsx/validate.py): every bad cell
is reported at its row and column, whether its text was read before, remembered or not."""

import pytest
from django.utils import translation

from imports.xlsx import validate
from imports.xlsx.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from imports.xlsx.validate import Layout, parse_batch


def _household(key, cause):
    values = [""] * len(HOUSEHOLD_COLUMNS)
    values[0], values[1], values[5], values[8] = key, "211224100001", "2016", cause
    return values


@pytest.mark.parametrize("memo_limit", [10_000, 1])
def test_each_bad_cell_is_reported_at_its_row_whether_remembered_or_not(monkeypatch, memo_limit):
    monkeypatch.setattr(validate, "_MEMO_LIMIT", memo_limit)
    monkeypatch.setattr(validate, "_memo", {})
    layout = Layout(list(range(len(HOUSEHOLD_COLUMNS))), list(range(len(MEMBER_COLUMNS))))
    groups = [
        ("1", [(2, _household("1", "天灾"))], []),
        ("2", [(3, _household("2", "因病"))], []),
        ("3", [(4, _household("3", "天灾"))], []),
    ]
    issues = []
    with translation.override("en"):
        first = parse_batch(groups, layout, issues)
        again = parse_batch(groups, layout, issues)  # now from the memo, where it kept them
    causes = [(i.row, i.column, i.code) for i in issues if i.header == "主要致贫原因"]
    assert causes == [(2, "I", "invalid_choice"), (4, "I", "invalid_choice")] * 2
    for plans in (first, again):
        assert [p.fields.get("main_cause") for p in plans] == [None, "illness", None]
        assert all(p.fields["identification_year"] == 2016 for p in plans)
