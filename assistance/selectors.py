"""Scoped reads of assistance (§4): the household scope of households.selectors, or the same regions by
the rows' own village and county."""

import datetime as dt
from decimal import Decimal

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts import access
from accounts.models import User
from households import choices as hc
from households.models import Household, Pairing
from households.selectors import household_list_for, in_household_regions
from villages.models import Level

from .models import AssistanceRecord, SmallLoan, Visit, visit_overdue_days


def newest_first(qs: QuerySet, user: User, field: str) -> QuerySet:
    """The scope's records or visits, newest `field` (a date, never empty) first, then the newest id.

    A province's, a county's and a village's are read in this order from an index that has it
    ((date, id), and behind their county or village). A township has none: asked for its 25 newest,
    PostgreSQL walked the province's index of dates and skipped 11,000 rows of other townships (65 ms
    at 1,000,000 households). Sorted "nulls last", which orders dates that are never null the same way
    but is not that index's order, it reads the township's villages' rows by their index and sorts
    them (1,800 rows, under 1 ms)."""
    scope = access.scope_of(user)
    if scope is not None and scope.level == Level.TOWNSHIP and not access.is_helper(user):
        return qs.order_by(F(field).desc(nulls_last=True), "-id")
    return qs.order_by(f"-{field}", "-id")


def assistance_list_for(user: User) -> QuerySet[AssistanceRecord]:
    return in_household_regions(AssistanceRecord.objects.all(), user)


def visit_list_for(user: User) -> QuerySet[Visit]:
    return in_household_regions(Visit.objects.all(), user)


def loan_list_for(user: User) -> QuerySet[SmallLoan]:
    return in_household_regions(SmallLoan.objects.all(), user)


def counted_assistance(qs: QuerySet[AssistanceRecord]) -> QuerySet[AssistanceRecord]:
    """Records that count: one whose payment was reversed is shown but not added up."""
    return qs.filter(Q(disbursement__isnull=True) | Q(disbursement__reversal__isnull=True))


# What templates/assistance/partials/household_assistance.html shows: a household's page is opened all
# day long, and reading the whole rows of the related tables doubled the block's cost (issue 16).
RECORD_COLUMNS = (
    "household_id", "date", "category", "content", "amount", "member__name", "project__name",
    "disbursement__reversal__id",
)  # fmt: skip
LOAN_COLUMNS = (
    "household_id",
    "issued_on",
    "amount",
    "benchmark_rate",
    "term_months",
    "due_on",
    "extended_to",
    "repaid_on",
)
VISIT_COLUMNS = ("household_id", "visited_on", "findings", "helper__name", "visitor__username")


def household_assistance(household: Household) -> dict:
    """Everything a household received (§4), with totals by year: four queries whatever the size. The
    totals add up the records read for the table: every record but a reversed payment's (`reversed`,
    the record-level form of counted_assistance; tests/assistance/test_assistance_pages.py holds
    the two equal)."""
    records = list(
        household.assistance.select_related("member", "project", "disbursement__reversal")
        .only(*RECORD_COLUMNS)
        .order_by("-date", "-id")
    )
    totals: dict[int, Decimal] = {}
    for record in records:
        if not record.reversed:
            totals[record.date.year] = totals.get(record.date.year, Decimal("0")) + record.amount
    loans = list(household.small_loans.only(*LOAN_COLUMNS).order_by("-issued_on"))
    visits = list(
        household.visits.select_related("helper", "visitor").only(*VISIT_COLUMNS).prefetch_related("photos")[:10]
    )
    return {
        "records": records,
        "totals_by_year": [{"yr": year, "total": totals[year]} for year in sorted(totals, reverse=True)],
        "grand_total": sum(totals.values(), Decimal("0")),
        "loans": loans,
        "visits": visits,
    }


def followup_list(user: User, village_pk: int, *, days: int | None = None, today: dt.date | None = None):
    """§4: a village's live households with no current helper, or not visited for `days` days."""
    today = today or timezone.localdate()
    days = visit_overdue_days() if days is None else days
    since = today - dt.timedelta(days=days)
    current_pairing = Pairing.objects.filter(access.pairing_active_q(today), household=OuterRef("pk"))
    recent_visit = Visit.objects.filter(household=OuterRef("pk"), visited_on__gte=since)
    return (
        household_list_for(user)
        .filter(village_id=village_pk)
        # Identified households only: an applicant or a not-poor household has no helper to lack (as DQ11).
        .exclude(status__in=(hc.Status.CLOSED, *hc.UNIDENTIFIED_STATUSES))
        .annotate(
            has_helper=Exists(current_pairing),
            visited_recently=Exists(recent_visit),
            last_visit=Max("visits__visited_on"),
        )
        .filter(Q(has_helper=False) | Q(visited_recently=False))
        .order_by("number")
    )
