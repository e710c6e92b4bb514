"""Template filters of the registry pages: masking of personal data (§9) and Chinese number formats."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import masking

from ..causes import cause_label
from ..idnumber import age_on

register = template.Library()


def _may_see(user) -> bool:
    return bool(getattr(user, "can_view_sensitive", False))


@register.filter
def id_number(value: str, user) -> str:
    """{{ member.id_number|id_number:user }} → 2112**********123X unless the role may see it."""
    return value if _may_see(user) else masking.mask_id_number(value)


@register.filter
def phone(value: str, user) -> str:
    return value if _may_see(user) else masking.mask_phone(value)


@register.filter
def bank_account(value: str, user) -> str:
    return value if _may_see(user) else masking.mask_bank_account(value)


@register.filter
def sensitive(value, user):
    """Health and disability details: shown only to roles that may see them."""
    return value if _may_see(user) else masking.MASKED


@register.filter
def cause(value: str, user) -> str:
    """{{ household.main_cause|cause:user }}: the cause's label, or "Other (incl. undisclosed)" for illness,
    disability and other where the user may not tell them apart (§9, households.causes)."""
    return cause_label(value, user)


@register.filter
def age(birth_date) -> int | None:
    """{{ member.birth_date|age }}: whole years today, shown to masked roles instead of the birth date (§9)."""
    return None if birth_date is None else age_on(birth_date, timezone.localdate())


@register.filter
def yuan(value) -> str:
    """1,234.50 元: two decimals with thousands separators (style.md)."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


@register.filter
def money(value) -> str:
    """1,234.50 without the unit, for tables whose header names it."""
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def num(value) -> str:
    """12,345: whole numbers with thousands separators (style.md); Django's Chinese format has none."""
    if value is None or value == "":
        return "—"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def yesno_blank(value) -> str:
    """Yes / no / — for nullable flags."""
    if value is None:
        return "—"
    return _("Yes") if value else _("No")
