"""The causes of poverty 致贫原因 (§3.1) as each user may see them (§9).

Illness 因病 and disability 因残 say that someone in the household is ill or disabled: a health fact. A
role that may not view health data (accounts.access.may_view_health) sees neither, and not as a mask
either: if only they were masked, the mask itself would say "ill or disabled". So for such a role the
health causes and "other" 其他 (UNDISCLOSED_CAUSES) are one cause, UNDISCLOSED_LABEL "Other (incl.
undisclosed)" 其他（含不公开项）, on pages, tables, exports, dossiers, the history and the admin, and null
in the API: a household poor by illness looks exactly like one poor for another reason. A filter on any
of the three is ignored and not offered (filtering on "other" would give the health ones by difference).
Every other cause is shown as it is. Which causes are health facts and which are merged with them is said
here once; who may see them, in accounts.access.

A stored cause the user may not see stays as stored when they edit the household (null sent back keeps it
in the API), and while one is hidden they may not choose any of the three for another cause either (the
form does not offer them, the API refuses them): the rule that causes differ would otherwise answer which
one is hidden.

Counts by cause (the §12 dashboard) follow accounts.access.may_view_health_counts: where a role may not
see them (a township, a village, a helper's households), illness, disability and "other" are one bucket,
"Other (incl. undisclosed)", so neither a count shown nor the total less the counts shown is a count of
a health fact (docs/reports.md).
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import User
from villages.models import Region

from . import choices as c

HEALTH_CAUSES: frozenset[str] = frozenset({c.Cause.ILLNESS.value, c.Cause.DISABILITY.value})
CAUSE_FIELDS = ("main_cause", "other_cause_1", "other_cause_2")
# Illness, disability and "other": one cause, UNDISCLOSED_LABEL, to a role that may not view health data
# (per household), and one bucket of the counts by cause where health counts are withheld.
UNDISCLOSED = "other_undisclosed"
UNDISCLOSED_CAUSES: frozenset[str] = HEALTH_CAUSES | {c.Cause.OTHER.value}
UNDISCLOSED_LABEL = _("Other (incl. undisclosed)")


def may_see_cause(user: User | None, value: Any) -> bool:
    """Whether the user may see this stored cause as it is: every cause but illness, disability and
    "other" (UNDISCLOSED_CAUSES), which only a user who may view health data tells apart."""
    return value not in UNDISCLOSED_CAUSES or (user is not None and access.may_view_health(user))


def cause_label(value: Any, user: User | None) -> str:
    """The label of a stored cause for the user: UNDISCLOSED_LABEL for illness, disability and "other"
    where they may not tell them apart."""
    if value in (None, ""):
        return ""
    if not may_see_cause(user, value):
        return str(UNDISCLOSED_LABEL)
    try:
        return str(c.Cause(value).label)
    except ValueError:
        return str(value)


def cause_choices_for(user: User | None, choices: Iterable[tuple[Any, Any]] = c.Cause.choices) -> list[tuple]:
    """The cause choices a filter offers the user: without illness, disability and "other" unless they
    may see them."""
    return [(value, label) for value, label in choices if may_see_cause(user, value)]


def cause_filter_value(value: Any, user: User | None) -> Any:
    """A cause to filter on, or "" when it is one the user may not see (illness, disability or "other": the
    filter is ignored, as the rows it would leave out would reveal a health cause)."""
    return value if may_see_cause(user, value) else ""


def hidden_cause_fields(user: User | None, household: Any) -> list[str]:
    """The cause fields of a stored household holding a cause the user may not see (illness, disability or
    "other"; none for a new household): kept as stored when the user edits it, and while there is one,
    none of UNDISCLOSED_CAUSES may be chosen for another cause."""
    if household is None or household.pk is None:
        return []
    return [name for name in CAUSE_FIELDS if not may_see_cause(user, getattr(household, name))]


def cause_counts_for(user: User, region: Region, rows: Iterable[tuple[Any, int, int | None]]) -> list[dict]:
    """Counts by cause of a region (main cause, households, people), largest first, as {cause, label,
    households, people}. Where the user may not see health counts of the region (§9,
    accounts.access.may_view_health_counts), illness, disability and "other" are summed into UNDISCLOSED:
    every cause is still counted once, so the counts add up to the total and no difference gives a health
    count."""
    merge = not access.may_view_health_counts(user, region)
    totals: dict[Any, list[int]] = {}
    for cause, households, people in rows:
        key = UNDISCLOSED if merge and cause in UNDISCLOSED_CAUSES else cause
        total = totals.setdefault(key, [0, 0])
        total[0] += households
        total[1] += people or 0
    labels: dict[Any, Any] = {**dict(c.Cause.choices), UNDISCLOSED: UNDISCLOSED_LABEL}
    rows_out = [
        {"cause": key, "label": str(labels.get(key, key)), "households": households, "people": people}
        for key, (households, people) in totals.items()
    ]
    return sorted(rows_out, key=lambda r: -r["households"])
