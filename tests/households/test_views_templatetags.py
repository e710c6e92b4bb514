"""The registry pages' filters: masking (§9) and Chinese number formats (style.md)."""

from decimal import Decimal
from types import SimpleNamespace

from households.templatetags import registry

MAY_SEE = SimpleNamespace(can_view_sensitive=True)
MAY_NOT = SimpleNamespace(can_view_sensitive=False)


def test_identifiers_are_masked_for_a_role_that_may_not_see_them():
    assert registry.id_number("21122419700101001X", MAY_NOT) == "2112**********001X"
    assert registry.id_number("21122419700101001X", MAY_SEE) == "21122419700101001X"
    assert registry.phone("13812345678", MAY_NOT) == "138****5678"
    assert registry.bank_account("6228480012345678", MAY_NOT).endswith("5678")
    assert "1234" not in registry.bank_account("6228480012345678", MAY_NOT)
    assert registry.sensitive("chronic", MAY_NOT) == "***"
    assert registry.id_number("21122419700101001X", None) == "2112**********001X"  # no user: masked


def test_money_and_counts_have_two_decimals_and_thousands_separators():
    assert registry.money(Decimal("1234567.5")) == "1,234,567.50"
    assert "1,234.50" in registry.yuan(Decimal("1234.5"))
    assert registry.num(230683) == "230,683"
    assert registry.money(None) == registry.num(None) == "—"
