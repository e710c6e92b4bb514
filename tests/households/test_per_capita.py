"""One per-capita rule (§5.2): Python's per_capita and its SQL mirror agree, through the real database,
on values that other rounding modes would round differently."""

from decimal import Decimal

import pytest
from django.db import connection

from households.income import per_capita, per_capita_sql

CASES = [
    # net, members, expected (half-up to the fen)
    ("10000.00", 3, "3333.33"),
    ("0.05", 2, "0.03"),  # 0.025: half-even would give 0.02
    ("5.35", 2, "2.68"),  # 2.675: a binary float is 2.67499…
    ("10.01", 2, "5.01"),  # 5.005
    ("0.03", 2, "0.02"),  # 0.015
    ("-0.05", 2, "-0.03"),  # half-up goes away from zero
    ("-10.01", 2, "-5.01"),
    ("1", 7, "0.14"),
    ("4000.00", 3, "1333.33"),
    ("12345.67", 6, "2057.61"),
    ("99999999.99", 9, "11111111.11"),
    ("0.01", 3, "0.00"),
    ("0", 1, "0.00"),
    ("1.00", 0, None),
    (None, 2, None),
]


def in_sql(net, members):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {per_capita_sql('x.net', 'x.n')} FROM (SELECT CAST(%s AS DECIMAL(14, 2)) AS net, %s AS n) x",  # noqa: S608 - fixed expression
            [net, members],
        )
        value = cursor.fetchone()[0]
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.mark.django_db
@pytest.mark.parametrize(("net", "members", "expected"), CASES)
def test_python_and_sql_round_per_capita_income_the_same_way(net, members, expected):
    expected = None if expected is None else Decimal(expected)
    assert per_capita(net, members) == expected
    assert in_sql(net, members) == expected
