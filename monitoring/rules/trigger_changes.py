"""Which monitored households of a county the triggers of §7 must evaluate again tonight, when a night
of the same year and policy parameters is known (issue 16). A household fires tonight as it fired then
unless
- a row it depends on changed — the household, its members, its incomes (the year's and the year
  before's) or its alert's state (a dismissal, a risk removal): the change journal names it
  (households.changes, reader "monitoring");
- its nightly exit test changed (eligibility.HouseholdCheck: a row begun or ended since that night),
  which the failing-guarantee trigger reads.
Anything else the triggers read is the policy year's parameters, compared by the caller."""

import datetime as dt

from django.db.models import Q

from eligibility.models import HouseholdCheck

# Raise it when a trigger changes: the next night of every county is then a full pass.
TRIGGER_RULES_VERSION = 1


def triggers_to_check(*, county_id: int, since: dt.date, as_of: dt.date, changed: set[int]) -> set[int]:
    """The county's households whose triggers as of `as_of` may differ from those as of `since`."""
    if since == as_of:
        moved = Q(since=as_of) | Q(until=as_of)
    else:
        moved = Q(since__gt=since, since__lte=as_of) | Q(until__gt=since, until__lte=as_of)
    checks = HouseholdCheck.objects.filter(moved, county_id=county_id).values_list("household_id", flat=True)
    return set(changed) | set(checks)
