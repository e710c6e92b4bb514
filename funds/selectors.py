"""Scoped reads and reports of the fund ledger (§11, §12): aggregate SQL, never per-row loops."""

from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, DecimalField, F, Model, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404

from accounts import access
from accounts.models import User
from households import choices as hc
from projects.choices import FundSource
from projects.models import Project

from .choices import EntryKind, Payee
from .models import Allocation, Arrangement, Disbursement

ZERO = Decimal("0.00")
MONEY: DecimalField = DecimalField(max_digits=16, decimal_places=2)

_M = TypeVar("_M", bound=Model)


def _zero():
    return Value(ZERO, output_field=MONEY)


def allocation_list_for(user: User) -> QuerySet[Allocation]:
    return access.scoped(Allocation.objects.all(), user, "county")


def arrangement_list_for(user: User) -> QuerySet[Arrangement]:
    return access.scoped(Arrangement.objects.all(), user, "allocation__county")


def disbursement_list_for(user: User) -> QuerySet[Disbursement]:
    return access.scoped(Disbursement.objects.all(), user, "arrangement__allocation__county")


def _get(qs: QuerySet[_M], pk) -> _M:
    try:
        return qs.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):  # the model's DoesNotExist is one
        raise Http404 from None


def allocation_get_for(user: User, pk) -> Allocation:
    return _get(with_allocation_totals(allocation_list_for(user)).select_related("county", "reverses"), pk)


def arrangement_get_for(user: User, pk) -> Arrangement:
    qs = with_arrangement_totals(arrangement_list_for(user)).select_related("allocation__county", "project", "reverses")
    return _get(qs, pk)


def disbursement_get_for(user: User, pk) -> Disbursement:
    qs = disbursement_list_for(user).select_related(
        "arrangement__allocation__county", "arrangement__project", "household"
    )
    return _get(qs, pk)


def _sum_subquery(qs: QuerySet, group: str) -> Subquery:
    return Subquery(qs.order_by().values(group).annotate(s=Sum("signed_amount")).values("s")[:1], output_field=MONEY)


def with_fund_totals(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Net arranged to and disbursed from each project (§11), as aggregate subqueries. Registered with
    projects.figures (funds/apps.py), so every project list, page and API row shows them."""
    arranged = _sum_subquery(Arrangement.objects.filter(project=OuterRef("pk")), "project")
    disbursed = _sum_subquery(Disbursement.objects.filter(arrangement__project=OuterRef("pk")), "arrangement__project")
    zero = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))
    return projects.annotate(arranged_total=Coalesce(arranged, zero), disbursed_total=Coalesce(disbursed, zero))


def project_arrangements(project: Project) -> QuerySet[Arrangement]:
    """A project's arrangements in posting order, reversals included (§11): the caller has scoped `project`."""
    return Arrangement.objects.filter(project=project).select_related("allocation", "reversal").order_by("date", "id")


def with_allocation_totals(qs: QuerySet[Allocation]) -> QuerySet[Allocation]:
    """net = the allocation less its reversal; arranged = net arranged from it; unarranged = idle funds."""
    reversed_amount = Subquery(
        Allocation.objects.filter(reverses=OuterRef("pk")).values("amount")[:1], output_field=MONEY
    )
    arranged = _sum_subquery(Arrangement.objects.filter(allocation=OuterRef("pk")), "allocation")
    return qs.annotate(
        reversed_amount=Coalesce(reversed_amount, _zero()),
        arranged_total=Coalesce(arranged, _zero()),
    )


def with_arrangement_totals(qs: QuerySet[Arrangement]) -> QuerySet[Arrangement]:
    reversed_amount = Subquery(
        Arrangement.objects.filter(reverses=OuterRef("pk")).values("amount")[:1], output_field=MONEY
    )
    disbursed = _sum_subquery(Disbursement.objects.filter(arrangement=OuterRef("pk")), "arrangement")
    return qs.annotate(
        reversed_amount=Coalesce(reversed_amount, _zero()),
        disbursed_total=Coalesce(disbursed, _zero()),
    )


def ledger_filter(qs: QuerySet, *, to_allocation: str = "", county: str = "", source: str = "", year=None) -> QuerySet:
    """Filter ledger entries by their allocation's county code, source and year; `to_allocation` is the
    path from the entry to its allocation ("" for allocations, "allocation__", "arrangement__allocation__")."""
    if county:
        qs = qs.filter(**{f"{to_allocation}county__code": county})
    if source:
        qs = qs.filter(**{f"{to_allocation}source": source})
    if year:
        qs = qs.filter(**{f"{to_allocation}year": year})
    return qs


def fund_progress(user: User, *, year=None, county: str = "", source: str = "") -> list[dict]:
    """§11 report: allocated, arranged, disbursed and 支出进度 (disbursed ÷ allocated) by county, source
    and fund year (the year of the allocation the money came from). Three GROUP BY queries."""
    alloc = ledger_filter(allocation_list_for(user), county=county, source=source, year=year)
    arr = ledger_filter(
        arrangement_list_for(user), to_allocation="allocation__", county=county, source=source, year=year
    )
    dis = ledger_filter(
        disbursement_list_for(user),
        to_allocation="arrangement__allocation__",
        county=county,
        source=source,
        year=year,
    )
    rows: dict[tuple, dict] = {}

    def merge(qs, prefix: str, key: str):
        grouped = (
            qs.order_by()
            .values(
                code=F(f"{prefix}county__code"),
                name=F(f"{prefix}county__name"),
                src=F(f"{prefix}source"),
                yr=F(f"{prefix}year"),
            )
            .annotate(total=Sum("signed_amount"))
        )
        for g in grouped:
            row = rows.setdefault(
                (g["code"], g["src"], g["yr"]),
                {
                    "county_code": g["code"],
                    "county_name": g["name"],
                    "source": g["src"],
                    "year": g["yr"],
                    "allocated": ZERO,
                    "arranged": ZERO,
                    "disbursed": ZERO,
                },
            )
            row[key] = g["total"] or ZERO

    merge(alloc, "", "allocated")
    merge(arr, "allocation__", "arranged")
    merge(dis, "arrangement__allocation__", "disbursed")
    for row in rows.values():
        row["source_label"] = FundSource(row["source"]).label
        row["unarranged"] = row["allocated"] - row["arranged"]
        row["undisbursed"] = row["arranged"] - row["disbursed"]
        row["progress"] = (
            (row["disbursed"] / row["allocated"] * 100).quantize(Decimal("0.01")) if row["allocated"] else None
        )
    return sorted(rows.values(), key=lambda r: (-(r["year"] or 0), r["county_code"], r["source"]))


def idle_allocations(user: User) -> QuerySet[Allocation]:
    """Allocated but not (fully) arranged (§11 idle funds)."""
    qs = with_allocation_totals(allocation_list_for(user).filter(kind=EntryKind.NORMAL))
    return qs.filter(amount__gt=F("reversed_amount") + F("arranged_total")).select_related("county")


def idle_arrangements(user: User) -> QuerySet[Arrangement]:
    """Arranged but not (fully) disbursed (§11 idle funds)."""
    qs = with_arrangement_totals(arrangement_list_for(user).filter(kind=EntryKind.NORMAL))
    return qs.filter(amount__gt=F("reversed_amount") + F("disbursed_total")).select_related(
        "project", "allocation__county"
    )


def household_payments(user: User, *, year=None) -> QuerySet:
    """Payments per household and year (§11): count and net amount, by household number only (§12)."""
    qs = disbursement_list_for(user).filter(payee=Payee.HOUSEHOLD)
    if year:
        qs = qs.filter(date__year=year)
    return (
        qs.order_by()
        .annotate(yr=ExtractYear("date"))
        .values("household__number", "household__village__name", "yr")
        .annotate(payments=Count("id", filter=Q(kind=EntryKind.NORMAL)), total=Sum("signed_amount"))
        .order_by("household__number", "yr")
    )


def _live_household_payments(user: User) -> QuerySet[Disbursement]:
    """Posted household payments that have not been reversed."""
    return disbursement_list_for(user).filter(payee=Payee.HOUSEHOLD, kind=EntryKind.NORMAL, reversal__isnull=True)


def anomaly_double_payments(user: User) -> QuerySet:
    """A household paid more than once for the same category in one year (§11)."""
    return (
        _live_household_payments(user)
        .exclude(category="")
        .order_by()
        .annotate(yr=ExtractYear("date"))
        .values("household__number", "category", "yr")
        .annotate(payments=Count("id"), total=Sum("amount"))
        .filter(payments__gt=1)
        .order_by("household__number", "yr", "category")
    )


def anomaly_closed_households(user: User) -> QuerySet[Disbursement]:
    """Payments to closed households (made with an audited override, or before the closure)."""
    return (
        _live_household_payments(user)
        .filter(household__status=hc.Status.CLOSED)
        .select_related("household", "arrangement__project")
    )


def public_fund_use(county) -> list[dict]:
    """§12: a county's fund use by source and year, with no personal data (two GROUP BY queries)."""
    rows: dict[tuple, dict] = {}
    alloc = (
        Allocation.objects.filter(county=county).order_by().values("source", "year").annotate(t=Sum("signed_amount"))
    )
    for g in alloc:
        rows[(g["year"], g["source"])] = {
            "year": g["year"],
            "source": g["source"],
            "allocated": g["t"],
            "disbursed": ZERO,
        }
    dis = (
        Disbursement.objects.filter(arrangement__allocation__county=county)
        .order_by()
        .values(source=F("arrangement__allocation__source"), year=F("arrangement__allocation__year"))
        .annotate(t=Sum("signed_amount"))
    )
    for g in dis:
        row = rows.setdefault(
            (g["year"], g["source"]), {"year": g["year"], "source": g["source"], "allocated": ZERO, "disbursed": ZERO}
        )
        row["disbursed"] = g["t"]
    for row in rows.values():
        row["source_label"] = FundSource(row["source"]).label
    return sorted(rows.values(), key=lambda r: (-r["year"], r["source"]))
