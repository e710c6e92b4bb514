"""Region rules: poverty incidence (§5.3), village exit (§5.4), county exit (§5.5) and the rates of a
verification sample (§6.4). Pure functions over numbers; eligibility.rules.indicators feeds them."""

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

from ..policy import PolicyParams

HUNDRED = Decimal("100")
PCT = Decimal("0.0001")

# Village indicators of §2 that must hold for §5.4, by the RegionYear field that records them.
VILLAGE_INDICATORS = {
    "hard_road": "has_hard_road",
    "safe_water": "has_safe_water",
    "electricity": "has_electricity",
    "broadband": "has_broadband",
    "clinic": "has_standard_clinic",
    "cultural_venue": "has_cultural_venue",
}


def percent(numerator: Decimal | int, denominator: Decimal | int | None) -> Decimal | None:
    """numerator ÷ denominator × 100, to 4 places; None when the denominator is missing or zero (§5.3)."""
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(PCT, ROUND_HALF_UP)


@dataclasses.dataclass(frozen=True)
class SampleRates:
    """§6.4, in percent; a rate is None when nobody of its kind was verified."""

    wrong_exit_rate: Decimal | None
    omission_rate: Decimal | None
    approval: Decimal | None


def sample_rates(
    *,
    exited_people: int,
    wrongly_exited_people: int,
    non_registered_people: int,
    omitted_people: int,
    surveyed_households: int,
    approving_households: int,
) -> SampleRates:
    """§6.4: wrong-exit rate, omission rate and public approval of one verification sample."""
    return SampleRates(
        wrong_exit_rate=percent(wrongly_exited_people, exited_people),
        omission_rate=percent(omitted_people, non_registered_people),
        approval=percent(approving_households, surveyed_households),
    )


@dataclasses.dataclass(frozen=True)
class Incidence:
    rural_population: int | None
    remaining_poor: int
    estimated_wrongly_exited: Decimal
    estimated_omitted: Decimal
    incidence: Decimal | None
    comprehensive_incidence: Decimal | None


def incidence(
    *,
    rural_population: int | None,
    remaining_poor: int,
    registered_people: int,
    exited_people: int,
    rates: SampleRates | None,
) -> Incidence:
    """§5.3: incidence and comprehensive incidence of a region; estimates are 0 without a sample."""
    wrong = Decimal(0)
    omitted = Decimal(0)
    if rates is not None:
        if rates.wrong_exit_rate is not None:
            wrong = rates.wrong_exit_rate * exited_people / HUNDRED
        if rates.omission_rate is not None and rural_population:
            omitted = rates.omission_rate * max(rural_population - registered_people, 0) / HUNDRED
    return Incidence(
        rural_population=rural_population,
        remaining_poor=remaining_poor,
        estimated_wrongly_exited=wrong.quantize(Decimal("0.01")),
        estimated_omitted=omitted.quantize(Decimal("0.01")),
        incidence=percent(remaining_poor, rural_population),
        comprehensive_incidence=percent(remaining_poor + wrong + omitted, rural_population),
    )


def _incidence_failures(comprehensive: Decimal | None, params: PolicyParams) -> list[str]:
    if comprehensive is None:
        return ["incidence_undefined"]
    return [] if comprehensive < params.incidence_threshold else ["incidence"]


def village_exit_failures(comprehensive: Decimal | None, figures, params: PolicyParams) -> list[str]:
    """§5.4: the conditions a village fails (empty = eligible). `figures` is its RegionYear or None."""
    failing = _incidence_failures(comprehensive, params)
    for code, field in VILLAGE_INDICATORS.items():
        if figures is None or getattr(figures, field) is not True:
            failing.append(code)
    income = None if figures is None else figures.collective_income
    if income is None:
        failing.append("collective_income_missing")
    elif income < params.collective_income_threshold:
        failing.append("collective_income")
    return failing


def county_exit_failures(comprehensive: Decimal | None, rates: SampleRates | None, params: PolicyParams) -> list[str]:
    """§5.5: each condition is a veto; without a sample the county is awaiting verification."""
    failing = _incidence_failures(comprehensive, params)
    if rates is None:
        return [*failing, "awaiting_verification"]
    if rates.wrong_exit_rate is None or rates.wrong_exit_rate >= params.wrong_exit_threshold:
        failing.append("wrong_exit_rate")
    if rates.omission_rate is None or rates.omission_rate >= params.omission_threshold:
        failing.append("omission_rate")
    if rates.approval is None or rates.approval < params.approval_threshold:
        failing.append("approval")
    return failing
