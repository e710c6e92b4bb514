"""The one guard against spreadsheet formulas in exported cells (§12: cells that begin with = + - @ are
neutralised, no formula injection).

One tuple of dangerous first characters; the Python guard (cells written row by row, such as the public
project list) and the SQL expression (the standard tables, which label, mask and neutralise in the
database) both derive from it, so no export can neutralise less than another.
"""

from django.db.models import Case, CharField, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat, Left
from django.db.models.lookups import In

# What makes a spreadsheet read a cell as a formula (OWASP CSV injection): = + - @, a leading tab or
# carriage return (stripped before the cell is parsed), and the full-width forms that Chinese input
# methods type, which Excel and WPS also take as the start of a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PREFIX = "'"  # a leading apostrophe: the spreadsheet shows the text as it is and runs nothing


def guard(value: object) -> str:
    """The cell's text, with a leading apostrophe when it would start a formula (None: "")."""
    text = "" if value is None else str(value)
    return PREFIX + text if text[:1] in FORMULA_STARTS else text


def guard_expr(expr: Combinable) -> Case:
    """guard() as an SQL expression, for cells that the database labels and exports (COPY, values_list)."""
    return Case(
        When(In(Left(expr, 1), list(FORMULA_STARTS)), then=Concat(Value(PREFIX), expr, output_field=CharField())),
        default=expr,
        output_field=CharField(),
    )
