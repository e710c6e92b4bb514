"""What opening the next working year (年度切换) will do, shown before province staff confirm it (§5.2,
§5.6; issue 13). The opening itself is eligibility.services.working_year_open.

Opening Y+1 makes the nightly run and every "current" page evaluate Y+1 (villages.working_year): from
then on a household without an income record of Y+1 fails the income criterion as "missing". So the
preview counts what the year Y leaves behind: households without a year-Y income record (the poor
ones decide exits, the exited ones are watched by monitoring, §7), cases still open, villages whose
year-Y figures lack the incidence denominator or the collective income (§5.3, §5.4), and whether the
parameters of Y+1 exist (if not, Y's are copied, §5.1).

Open cases belong to the workflows app, above this one: it registers a counter here
(`register_open_items`, in its AppConfig.ready()), as monitoring registers its nightly steps
(eligibility.nightly), so eligibility never imports it.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise

from accounts import access
from households import choices as c
from households.models import Income
from households.selectors import households_for_aggregates
from villages.models import Level, RegionYear, WorkingYear
from villages.working_year import policy_date, working_year

from .policy import PARAM_FIELDS, PolicyParams, national_line, parameters_for

# The households the monitoring triggers of §7 watch on the year's income (exited and not poor).
MONITORED_STATUSES = c.MONITORED_STATUSES


@dataclasses.dataclass(frozen=True)
class OpenItem:
    """One line of "still open": what (a case type's label) and how many."""

    label: str | Promise
    count: int


OpenItemsCounter = Callable[[], list[OpenItem]]
_counters: list[OpenItemsCounter] = []


def register_open_items(counter: OpenItemsCounter) -> OpenItemsCounter:
    """A higher app adds what it still has open to the preview (registering twice keeps one)."""
    if counter not in _counters:
        _counters.append(counter)
    return counter


def open_items() -> list[OpenItem]:
    """Every registered counter's lines, in the order they were registered."""
    return [item for counter in _counters for item in counter()]


@dataclasses.dataclass(frozen=True)
class SwitchPreview:
    current: int  # the working year Y
    next: int  # the year that opening would start, Y + 1
    next_as_of: dt.date  # the date Y + 1 would be evaluated on today
    not_begun: bool  # Y + 1 has not begun: it cannot be opened yet
    poor_without_income: int
    monitored_without_income: int
    open_items: list[OpenItem]
    villages: int
    villages_without_population: int
    villages_without_collective_income: int
    next_params: PolicyParams | None  # the parameters recorded for Y + 1, None when there are none
    copied_params: PolicyParams  # what Y + 1 gets when none are recorded: Y's, the line at least Y+1's national one

    @property
    def open_total(self) -> int:
        return sum(item.count for item in self.open_items)

    @property
    def without_income(self) -> int:
        return self.poor_without_income + self.monitored_without_income


def parameters_to_copy(year: int, into: int) -> PolicyParams:
    """The parameters of `year` (its newest version) as `into` will get them: the line never below the
    national line of `into` (§5.1: a provincial line may be higher, never lower)."""
    params = parameters_for(year)
    line = max(params.poverty_line, national_line(into))
    return dataclasses.replace(params, year=into, version=0, poverty_line=line)


def parameter_values(params: PolicyParams) -> dict:
    return {name: getattr(params, name) for name in PARAM_FIELDS}


def year_switch_preview(user, *, today: dt.date | None = None) -> SwitchPreview:
    """§5.6: what opening the next year does, in a fixed number of queries."""
    from .models import PolicyParameter

    today = today or timezone.localdate()
    year = working_year()
    nxt = year + 1
    income = Income.objects.filter(household_id=OuterRef("pk"), year=year)
    lacking = (
        households_for_aggregates(user)
        .filter(status__in=[*c.POOR_STATUSES, *MONITORED_STATUSES])
        .filter(~Exists(income))
        .aggregate(
            poor=Count("id", filter=Q(status__in=c.POOR_STATUSES)),
            monitored=Count("id", filter=Q(status__in=MONITORED_STATUSES)),
        )
    )
    villages = access.regions_for(user).filter(level=Level.VILLAGE)
    figures = RegionYear.objects.filter(region__in=villages, year=year)
    village_counts = villages.aggregate(
        n=Count("id"),
        population=Count("id", filter=Exists(figures.filter(region=OuterRef("pk"), rural_population__isnull=False))),
        income=Count("id", filter=Exists(figures.filter(region=OuterRef("pk"), collective_income__isnull=False))),
    )
    stored = PolicyParameter.objects.filter(year=nxt).exists()
    return SwitchPreview(
        current=year,
        next=nxt,
        next_as_of=policy_date(nxt, today),
        not_begun=nxt > today.year,
        poor_without_income=lacking["poor"],
        monitored_without_income=lacking["monitored"],
        open_items=open_items(),
        villages=village_counts["n"],
        villages_without_population=village_counts["n"] - village_counts["population"],
        villages_without_collective_income=village_counts["n"] - village_counts["income"],
        next_params=parameters_for(nxt) if stored else None,
        copied_params=parameters_to_copy(year, nxt),
    )


def working_year_history():
    """Every opened year, newest first, with who opened it."""
    return WorkingYear.objects.select_related("opened_by").order_by("-year")
