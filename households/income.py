"""Per-capita net income (§5.2): the household's net income of the year divided by its current members,
in yuan to the fen, half-up — the way a cadre rounds on paper (0.005 goes up, −0.005 goes down).

Python and SQL compute it with this one rule; `tests/households/test_per_capita.py` checks the two
agree on values that round differently under other modes (10000.00 / 3, x.xx5)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# The typed items of an income record (§3.1), in the order of the form, the API and the import sheet;
# the totals (transfer, net, rigid expenditure) are derived, never typed.
INCOME_ITEMS = (
    "wages",
    "business",
    "property",
    "family_planning",
    "dibao",
    "tekun",
    "pension",
    "eco_compensation",
    "other_transfer",
    "business_costs",
    "medical_expense",
    "education_expense",
    "disaster_loss",
)


def per_capita(net: Decimal | int | str | None, members: int | None) -> Decimal | None:
    """Net income per current member, or None without an income or without members."""
    if net is None or not members or members <= 0:
        return None
    return (Decimal(str(net)) / members).quantize(CENT, rounding=ROUND_HALF_UP)


def per_capita_sql(net: str, members: str) -> str:
    """The same rule as a SQL expression over two SQL expressions (PostgreSQL and SQLite alike).

    Computed in whole fen with integer division, so neither SQLite's binary floats nor a database's
    own ROUND mode can move the result: fen = (2·|net in fen| + n) div (2·n), signed back. NULL
    when the income or the member count is missing or the household has no member."""
    fen = f"CAST(ROUND(({net}) * 100) AS BIGINT)"
    n = f"CAST(({members}) AS BIGINT)"
    return (
        f"CAST((CASE WHEN ({net}) IS NULL OR ({members}) IS NULL OR ({members}) <= 0 THEN NULL "
        f"WHEN {fen} >= 0 THEN CAST((2 * {fen} + {n}) / (2 * {n}) AS NUMERIC) / 100.0 "
        f"ELSE -CAST((-2 * {fen} + {n}) / (2 * {n}) AS NUMERIC) / 100.0 END) AS NUMERIC(14, 2))"
    )
