"""The causes of poverty 致贫原因 (§3.1) as each user may see them (§9).

Illness 因病 and disability 因残 say that someone in the household is ill or disabled: a health fact. A
role that may not view health data (accounts.access.may_view_health) sees such a cause as the mask
(accounts.masking.MASKED, "***") on pages, tables, exports and dossiers, and as null in the API; a
filter on it is ignored and not offered. Every other cause is shown as it is. Which causes are health
facts is said here once; who may see them, in accounts.access.
"""

from collections.abc import Iterable
from typing import Any

from accounts import access
from accounts.masking import MASKED
from accounts.models import User

from . import choices as c

HEALTH_CAUSES: frozenset[str] = frozenset({c.Cause.ILLNESS.value, c.Cause.DISABILITY.value})
CAUSE_FIELDS = ("main_cause", "other_cause_1", "other_cause_2")


def may_see_cause(user: User | None, value: Any) -> bool:
    """Whether the user may see this stored cause (every cause but the health ones, unless allowed)."""
    return value not in HEALTH_CAUSES or (user is not None and access.may_view_health(user))


def cause_label(value: Any, user: User | None) -> str:
    """The label of a stored cause for the user: the mask for a health cause they may not see."""
    if value in (None, ""):
        return ""
    if not may_see_cause(user, value):
        return MASKED
    try:
        return str(c.Cause(value).label)
    except ValueError:
        return str(value)


def cause_choices_for(user: User | None, choices: Iterable[tuple[Any, Any]] = c.Cause.choices) -> list[tuple]:
    """The cause choices a filter offers the user: without the health ones unless they may see them."""
    return [(value, label) for value, label in choices if may_see_cause(user, value)]


def cause_filter_value(value: Any, user: User | None) -> Any:
    """A cause to filter on, or "" when it is a health cause the user may not see (the filter is ignored:
    the rows it would leave out would reveal it)."""
    return value if may_see_cause(user, value) else ""
