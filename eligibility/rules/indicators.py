"""Dated region indicators (§5.3–§5.5) from the household snapshots of a date (§5.6).

A fixed number of queries whatever the size of the tree: household figures are aggregated per
village in the database, the tree, the yearly figures and the samples are read once, the sums up the
tree are done in memory, and the snapshot rows are written with bulk_create in batches.
"""

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

from accounts.access import region_q
from households import choices as c
from villages.models import Level, Region, RegionIndicator, RegionYear, SampledHousehold, SampleKind, VerificationSample

from ..models import HouseholdCheck
from ..policy import PolicyParams
from .regions import SampleRates, county_exit_failures, incidence, sample_rates, village_exit_failures

POOR = [str(s) for s in c.POOR_STATUSES]
EXITED = [str(c.Status.EXITED), str(c.Status.EXITED_NO_POLICY)]


def ancestor_codes(code: str) -> list[str]:
    """The codes of a village's township, county, city and province (§2)."""
    return [code[:n].ljust(12, "0") for n in (9, 6, 4, 2)]


def _sample_sums() -> dict:
    """§6.4: the people and households a sample's rates are made of, as aggregates of its entries."""
    exited, non_registered = Q(kind=SampleKind.EXITED), Q(kind=SampleKind.NON_REGISTERED)
    return {
        "exited": Sum("people", filter=exited & Q(wrongly_exited__isnull=False), default=0),
        "wrong": Sum("people", filter=exited & Q(wrongly_exited=True), default=0),
        "nonreg": Sum("people", filter=non_registered & Q(omitted__isnull=False), default=0),
        "omitted": Sum("people", filter=non_registered & Q(omitted=True), default=0),
        "surveyed": Count("id", filter=Q(approves__isnull=False)),
        "approving": Count("id", filter=Q(approves=True)),
    }


def _rates_from(sums: dict) -> SampleRates:
    return sample_rates(
        exited_people=sums["exited"],
        wrongly_exited_people=sums["wrong"],
        non_registered_people=sums["nonreg"],
        omitted_people=sums["omitted"],
        surveyed_households=sums["surveyed"],
        approving_households=sums["approving"],
    )


def sample_rates_of(sample: VerificationSample) -> SampleRates:
    """§6.4: the rates of one sample from the results recorded so far (one query)."""
    return _rates_from(sample.entries.aggregate(**_sample_sums()))


def latest_sample_rates(as_of: dt.date, county_ids=None) -> dict[int, SampleRates]:
    """§6.4: the rates of each county's latest sample drawn on or before the date."""
    samples = VerificationSample.objects.filter(drawn_on__lte=as_of).order_by("county_id", "-drawn_on", "-id")
    if county_ids is not None:
        samples = samples.filter(county_id__in=county_ids)
    latest: dict[int, int] = {}
    for county_id, sample_id in samples.values_list("county_id", "id"):
        latest.setdefault(county_id, sample_id)
    rows = SampledHousehold.objects.filter(sample_id__in=latest.values()).values("sample_id").annotate(**_sample_sums())
    by_sample = {r["sample_id"]: r for r in rows}
    empty = dict.fromkeys(_sample_sums(), 0)
    return {county_id: _rates_from(by_sample.get(sample_id, empty)) for county_id, sample_id in latest.items()}


def village_sums_on(as_of: dt.date, county: Region | None = None) -> dict[int, dict]:
    """Per village, from the household snapshots of a date: remaining poor, registered and exited
    people, and the households eligible to exit (§5.3)."""
    checks = HouseholdCheck.objects.on(as_of)
    if county is not None:
        checks = checks.filter(county_id=county.pk)
    return {
        r["village_id"]: r
        for r in checks.values("village_id").annotate(
            remaining=Sum("member_count", filter=Q(status__in=POOR), default=0),
            # §5.3 "registered" means identified (poor, returned or exited): never an applicant or a
            # not-poor household (docs/lifecycle-applicants.md), whatever statuses the snapshot holds.
            registered=Sum("member_count", filter=Q(status__in=POOR + EXITED), default=0),
            exited=Sum("member_count", filter=Q(status__in=EXITED), default=0),
            eligible_households=Count("id", filter=Q(status__in=POOR, eligible=True)),
        )
    }


def region_indicators_compute(*, as_of: dt.date, params: PolicyParams, county: Region | None = None) -> int:
    """Write the indicator snapshot of every region (or of one county's subtree) for a date (§5.6).

    Replaces the date's earlier rows of those regions (idempotent); returns the number of regions."""
    rows = region_indicator_rows(as_of=as_of, params=params, village_sums=village_sums_on(as_of, county), county=county)
    regions = Region.objects.all() if county is None else Region.objects.filter(region_q(county))
    with transaction.atomic():
        RegionIndicator.objects.filter(as_of=as_of, region_id__in=regions.values("id")).delete()
        RegionIndicator.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@dataclasses.dataclass(frozen=True)
class RegionInputs:
    """What the region rules read besides the household figures: the tree, the year's figures of each
    region (§2) and the latest sample rates of each county (§6.4) on the date."""

    tree: list[tuple[int, str, str]]
    figures: dict[int, RegionYear]
    rates: dict[int, SampleRates]


def region_inputs(*, as_of: dt.date, year: int, county: Region | None = None) -> RegionInputs:
    """The region rules' inputs of a date and policy year (a fixed number of queries)."""
    regions = Region.objects.all()
    if county is not None:
        regions = regions.filter(region_q(county))
    tree = list(regions.values_list("id", "code", "level"))
    years = RegionYear.objects.filter(year=year)
    if county is not None:
        years = years.filter(region_q(county, "region"))
    county_ids = [pk for pk, _code, level in tree if level == Level.COUNTY]
    return RegionInputs(tree, {y.region_id: y for y in years}, latest_sample_rates(as_of, county_ids))


def region_indicator_rows(
    *,
    as_of: dt.date,
    params: PolicyParams,
    village_sums: dict[int, dict],
    county: Region | None = None,
    inputs: RegionInputs | None = None,
) -> list[RegionIndicator]:
    """The (unsaved) indicator rows of every region, or of one county's subtree, from the figures of each
    village (`village_sums`: village id → remaining, registered, exited, eligible_households), summed up
    the tree (§5.3), with village (§5.4) and county (§5.5) exit eligibility under `params`. The nightly
    run passes the snapshot's sums (village_sums_on); a policy simulation passes its own, and the same
    `inputs` (region_inputs) for both of its sets of parameters."""
    inputs = inputs or region_inputs(as_of=as_of, year=params.year, county=county)
    tree, figures, rates = inputs.tree, inputs.figures, inputs.rates
    by_code = {code: (pk, level) for pk, code, level in tree}

    # Sums of the village figures into every ancestor (in memory: one pass over the villages).
    keys = ("remaining", "registered", "exited", "eligible_households")
    totals: dict[int, dict] = defaultdict(lambda: dict.fromkeys(keys, 0) | {"village_rural": None})
    for pk, code, level in tree:
        if level != Level.VILLAGE:
            continue
        own = village_sums.get(pk, {})
        rural = figures[pk].rural_population if pk in figures else None
        for target_code in [code, *ancestor_codes(code)]:
            target = by_code.get(target_code)
            if target is None:
                continue
            acc = totals[target[0]]
            for k in keys:
                acc[k] += own.get(k, 0) or 0
            if rural is not None:
                acc["village_rural"] = (acc["village_rural"] or 0) + rural

    rows = []
    for pk, code, level in tree:
        acc = totals[pk]
        own_figure = figures[pk].rural_population if pk in figures else None
        # §5.3: a non-village node's own figure where recorded, else the sum of its villages.
        rural = own_figure if own_figure is not None else acc["village_rural"]
        county_code = code[:6].ljust(12, "0")
        county_pk = (
            by_code.get(county_code, (None,))[0] if level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE) else None
        )
        sample = rates.get(county_pk) if county_pk else None
        inc = incidence(
            rural_population=rural,
            remaining_poor=acc["remaining"],
            registered_people=acc["registered"],
            exited_people=acc["exited"],
            rates=sample,
        )
        failing: list[str] = []
        eligible = None
        if level == Level.VILLAGE:
            failing = village_exit_failures(inc.comprehensive_incidence, figures.get(pk), params)
            eligible = not failing
        elif level == Level.COUNTY:
            failing = county_exit_failures(inc.comprehensive_incidence, sample, params)
            eligible = not failing
        rows.append(
            RegionIndicator(
                as_of=as_of,
                region_id=pk,
                level=level,
                year=params.year,
                params_version=params.version,
                rural_population=rural,
                remaining_poor=acc["remaining"],
                registered_people=acc["registered"],
                exited_people=acc["exited"],
                estimated_wrongly_exited=inc.estimated_wrongly_exited,
                estimated_omitted=inc.estimated_omitted,
                incidence=inc.incidence,
                comprehensive_incidence=inc.comprehensive_incidence,
                exit_eligible=eligible,
                failing=failing,
                eligible_households=acc["eligible_households"],
            )
        )
    return rows


def indicator_fraction(value: Decimal | None) -> Decimal | None:
    """A stored percent as a fraction (1.2300 % → 0.012300), for the API."""
    return None if value is None else (value / 100).quantize(Decimal("0.000001"))
