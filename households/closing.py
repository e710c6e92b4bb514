"""Closing a household (销户, §3.1): what its members must show for each reason, and which reason a last
member's departure leads to. The 销户 case itself is a workflow (workflows.definitions.CLOSING) of a
higher app, which asks this module at opening and at county approval (docs/lifecycle-closing.md).

The reasons are the codes of workflows.models.ClosingReason (tests/workflows/test_closing.py holds the
two equal):
- all members deceased: the members the household had when its last member left (those current the day
  before the latest departure, households.membership.current_on) all died;
- moved out of the province: those members all moved away (the clerk's justification says where to);
- wrongly identified (识别不准): nothing of the members; the justification says why.
In the first two, nobody is a member any more on the day of the check.
"""

import datetime as dt

from django.db.models import Max
from django.utils.translation import gettext as _

from . import choices as c
from .membership import current_on
from .models import Household

DECEASED, MOVED_OUT, WRONGLY_IDENTIFIED = "deceased", "moved_out", "wrongly_identified"
# The departure each of the last members must have, by reason (wrongly identified: none asked).
DEPARTURE_FOR = {DECEASED: c.Departure.DECEASED, MOVED_OUT: c.Departure.MOVED_AWAY}
# The closing reason the departure of a household's last member leads to (households.services).
REASON_FOR_EVENT = {c.MemberEventKind.DEATH: DECEASED, c.MemberEventKind.MOVED_AWAY: MOVED_OUT}


def closing_refusal(household: Household, reason: str, on: dt.date) -> str | None:
    """Why the household's members do not bear out the closing reason as of `on` (translated), or None."""
    departure = DEPARTURE_FOR.get(reason)
    if departure is None:
        return None
    members = household.members.all()
    staying = list(current_on(members, on).order_by("id").values_list("name", flat=True))
    if staying:
        return _("%(names)s still belong to the household: record their death or departure first.") % {
            "names": "、".join(staying)
        }
    last = members.aggregate(last=Max("departed_on"))["last"]
    final = list(current_on(members, last - dt.timedelta(days=1)).order_by("id")) if last else []
    if not final:
        return _("No departure of a member is recorded: nothing shows that the members died or moved away.")
    others = [m.name for m in final if m.departure != departure]
    if not others:
        return None
    if reason == DECEASED:
        message = _("Not every last member of the household died: %(names)s left for another reason.")
    else:
        message = _("Not every last member of the household moved away: %(names)s left for another reason.")
    return message % {"names": "、".join(others)}
