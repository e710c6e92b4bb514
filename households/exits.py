"""Exits and returns of a policy year, counted from the status events (§3.1, §12).

A household's exit_year and return_year say only its latest exit and return. "Exits of the year" and the
progress against the annual targets (§2) count every exit of the year from the dated events instead, a
re-exit of a household that had returned to poverty included, with the people the household had then:

- an exit is an event from poor or returned to exited (with or without policy) — a change between the
  two exited statuses is not a new exit — counted in the policy year the event records (the case's year,
  households.services.household_status_change); a return 返贫 is an event to returned, likewise;
- a household with no such event that records its year (registered or imported already exited, or
  written in bulk before events kept their year) counts in its exit_year (return_year), with its current
  members: its exit predates the registry's history.
"""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from . import choices as c
from .models import Household, Member, StatusEvent

EXITED = (c.Status.EXITED, c.Status.EXITED_NO_POLICY)
EXIT_EVENT = Q(to_status__in=EXITED, from_status__in=c.POOR_STATUSES)
RETURN_EVENT = Q(to_status=c.Status.RETURNED)


def _dated(kind: Q) -> QuerySet[StatusEvent]:
    return StatusEvent.objects.filter(kind, year__isnull=False)


def exit_events(year: int) -> QuerySet[StatusEvent]:
    """The exits counted in `year`, one event per exit (a household may have two)."""
    return _dated(EXIT_EVENT).filter(year=year)


def return_events(year: int) -> QuerySet[StatusEvent]:
    return _dated(RETURN_EVENT).filter(year=year)


def _undated(field: str, kind: Q, year: int) -> Q:
    """Households whose `field` is `year` and that have no event of the kind recording its year."""
    return Q(**{field: year}) & ~Q(pk__in=_dated(kind).values("household_id"))


def exited_in_q(year: int) -> Q:
    """Households with an exit counted in `year` (a filter on Household)."""
    return Q(pk__in=exit_events(year).values("household_id")) | _undated("exit_year", EXIT_EVENT, year)


def returned_in_q(year: int) -> Q:
    """Households with a return to poverty counted in `year` (a filter on Household)."""
    return Q(pk__in=return_events(year).values("household_id")) | _undated("return_year", RETURN_EVENT, year)


def _current_people(household: str) -> Subquery:
    """The current members of the household at `household` (an OuterRef path)."""
    return Subquery(
        Member.objects.filter(household_id=OuterRef(household), departure="")
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .values("n")
    )


def _totals(events: QuerySet[StatusEvent], households: QuerySet[Household], undated: Q) -> dict:
    """Distinct households and their people: at each household's latest event of the set, plus the
    undated households with their current members (two queries)."""
    events = events.filter(household__in=households.values("pk"))
    latest = events.filter(household_id=OuterRef("household_id")).order_by("-date", "-id").values("pk")[:1]
    dated = events.filter(pk=Subquery(latest)).aggregate(
        households=Count("household_id"), people=Sum(Coalesce("people", _current_people("household_id")))
    )
    old = (
        households.filter(undated)
        .annotate(size=_current_people("pk"))
        .aggregate(households=Count("pk"), people=Sum("size"))
    )
    return {
        "households": (dated["households"] or 0) + (old["households"] or 0),
        "people": (dated["people"] or 0) + (old["people"] or 0),
    }


def exit_totals(households: QuerySet[Household], year: int) -> dict:
    """{"households", "people"} exited in `year` among `households` (a scoped queryset)."""
    return _totals(exit_events(year), households, _undated("exit_year", EXIT_EVENT, year))


def return_totals(households: QuerySet[Household], year: int) -> dict:
    """{"households", "people"} returned to poverty in `year` among `households`."""
    return _totals(return_events(year), households, _undated("return_year", RETURN_EVENT, year))
