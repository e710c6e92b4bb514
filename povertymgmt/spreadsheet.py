"""The one guard against spreadsheet formulas in exported cells (§12: cells that begin with = + - @ are
neutralised, no formula injection).

One tuple of dangerous first characters; the Python guard (cells written row by row, such as the public
project list) and the SQL expression (the standard tables, which label, mask and neutralise in the
database) both derive from it, so no export can neutralise less than another.
"""

from django.db.models import CharField, Func
from django.db.models.expressions import Combinable

# What makes a spreadsheet read a cell as a formula (OWASP CSV injection): = + - @, a leading tab or
# carriage return (stripped before the cell is parsed), and the full-width forms that Chinese input
# methods type, which Excel and WPS also take as the start of a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PREFIX = "'"  # a leading apostrophe: the spreadsheet shows the text as it is and runs nothing


def guard(value: object) -> str:
    """The cell's text, with a leading apostrophe when it would start a formula (None: "")."""
    text = "" if value is None else str(value)
    return PREFIX + text if text[:1] in FORMULA_STARTS else text


class Guarded(Func):
    """guard() in SQL: CASE WHEN SUBSTR(x, 1, 1) IN (starts) THEN prefix || x ELSE x END. The cell's
    expression is compiled once and its SQL used three times: built from Case, When, In and Concat, it
    was resolved and compiled three times over, most of a table page's time (issue 16)."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        starts = ", ".join(["%s"] * len(FORMULA_STARTS))
        template = f"CASE WHEN SUBSTR({sql}, 1, 1) IN ({starts}) THEN %s || {sql} ELSE {sql} END"
        return template, (*params, *FORMULA_STARTS, PREFIX, *params, *params)


def guard_expr(expr: Combinable) -> Guarded:
    """guard() as an SQL expression, for cells that the database labels and exports (COPY, values_list)."""
    return Guarded(expr)
