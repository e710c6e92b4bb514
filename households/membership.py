"""Who was a member of a household on a date (§3.2, §5.2 "members counted are those current on D").

A member row is never deleted: a departure (death, marriage out, moving away, the household closed)
keeps the row with `departed_on`, and a member who joined later (birth, marriage in, moving in) has a
dated join event. So a member is current on day D when
- born by D (`birth_date <= D`),
- not joined after D (no birth, marriage-in or moved-in event dated after D), and
- not departed on or before D (`departed_on` empty or later than D).
A member registered without a join event counts from the start: the household was registered with
them. Today this is the same as `departure = ''` (no date lies in the future); for a past date it
counts the one who left since and leaves out the one who joined since, so rerunning a past date gives
what that date would have given.

`current_on` (the ORM) and `current_on_sql` (the nightly run's SQL) are the one rule; the eligibility
tests keep the two in agreement.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from . import choices as c
from .models import Member, MemberEvent

# Member changes that start a membership (§3.2); the departing ones are choices.DEPARTING_EVENTS.
JOINING_EVENTS = (c.MemberEventKind.BIRTH, c.MemberEventKind.MARRIAGE_IN, c.MemberEventKind.MOVED_IN)


def current_on(members: QuerySet[Member], day: dt.date) -> QuerySet[Member]:
    """The members of `members` that were current on `day`."""
    joined_later = MemberEvent.objects.filter(member_id=OuterRef("pk"), kind__in=JOINING_EVENTS, date__gt=day)
    return members.filter(
        Q(birth_date__lte=day),
        Q(departed_on__isnull=True) | Q(departed_on__gt=day),
        ~Exists(joined_later),
    )


def current_on_sql(alias: str, day: str = "%(as_of)s") -> str:
    """current_on() for raw SQL: the member row `alias` was current on the date bound at `day`.

    The members who joined after the date are one uncorrelated subquery, read once per statement
    (a hashed subplan on PostgreSQL, an ephemeral index on SQLite), not probed per member."""
    events = MemberEvent._meta.db_table
    kinds = ", ".join(f"'{k}'" for k in JOINING_EVENTS)
    # Only the alias, the table name and code constants are interpolated; the date is a parameter.
    joined_later = f"SELECT je.member_id FROM {events} je WHERE je.kind IN ({kinds}) AND je.date > {day}"  # noqa: S608
    return (
        f"{alias}.birth_date <= {day} AND ({alias}.departed_on IS NULL OR {alias}.departed_on > {day}) "
        f"AND {alias}.id NOT IN ({joined_later})"
    )
