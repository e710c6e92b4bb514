"""Eligibility snapshots kept with a case: the household exit test (§5.2) from the nightly check or
live, and the region indicators (§5.4, §5.5) of the nightly run. Each is of the case's policy year as
of that year's policy date (issue 13: never the latest row of whatever year). Plain JSON values only,
so a sealed dossier reads back exactly as it was hashed."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from eligibility.policy import parameters_for
from eligibility.rules.household import Explanation, explain_household, explanation_from_check, jsonable
from eligibility.rules.reads import check_for
from households import choices as hc
from households.models import Household
from villages.models import Region, RegionIndicator
from villages.working_year import policy_date


def explanation_json(expl: Explanation, source: str) -> dict:
    return {
        "source": source,
        "as_of": expl.as_of.isoformat(),
        "policy_year": expl.policy_year,
        "params_version": expl.params_version,
        "status": expl.status,
        "eligible": bool(expl.eligible),
        "same_year_blocked": bool(expl.same_year_blocked),
        "criteria": {
            code: {
                "passed": crit.passed,
                "reason": str(crit.reason or ""),
                "values": {k: jsonable(v) for k, v in crit.values.items()},
            }
            for code, crit in expl.criteria.items()
        },
    }


def household_snapshot_nightly(household: Household, year: int, on: dt.date | None = None) -> dict:
    """§6.1 step 1: what the nightly run of policy year `year` says as of the year's policy date on `on`
    (default today), read like the household page reads it (eligibility's `check_for`). When no run of
    that year tested the household (the year was just opened), the year's test live, the same function
    county approval requires to pass, marked not eligible: the recompute has not marked it eligible."""
    check = check_for(household, year, policy_date(year, on))
    if check is None:
        snap = household_snapshot_of_year(household, year, on)
        snap["eligible"] = False
        return snap
    snap = explanation_json(explanation_from_check(check), "nightly")
    snap["eligible"] = bool(check.eligible) and household.status in hc.POOR_STATUSES
    return snap


def household_snapshot_of_year(household: Household, year: int, on: dt.date | None = None) -> dict:
    """§6.1: the test of policy year `year` recomputed from the household's data as of the year's policy
    date on `on` (default today): the date itself within the year, 31 December once the year is over."""
    as_of = policy_date(year, on)
    return explanation_json(explain_household(household, as_of, parameters_for(year)), "live")


def failing_codes(snapshot: dict) -> list[str]:
    """The criteria of a snapshot that do not pass (missing data fails, §5.2)."""
    return [code for code, crit in (snapshot.get("criteria") or {}).items() if crit.get("passed") is not True]


def check_summary(snapshot: dict) -> dict:
    """What a step records of the check it was taken on: year, date, result and the failing criteria."""
    return {
        "policy_year": snapshot.get("policy_year"),
        "as_of": snapshot.get("as_of"),
        "eligible": bool(snapshot.get("eligible")),
        "failing": failing_codes(snapshot),
        "same_year_blocked": bool(snapshot.get("same_year_blocked")),
    }


def _norm(values: dict | None) -> dict:
    """Values compared by meaning: "4000" and "4000.00" are the same line."""
    out = {}
    for key, value in (values or {}).items():
        if isinstance(value, str):
            try:
                value = Decimal(value)
            except InvalidOperation:
                pass
        out[key] = value
    return out


def snapshot_differences(before: dict, after: dict) -> list[str]:
    """The criteria whose outcome or looked-at values differ between two snapshots."""
    codes = list(dict.fromkeys([*before.get("criteria", {}), *after.get("criteria", {})]))
    diff = []
    for code in codes:
        a, b = before.get("criteria", {}).get(code), after.get("criteria", {}).get(code)
        if (
            a is None
            or b is None
            or a.get("passed") != b.get("passed")
            or _norm(a.get("values")) != _norm(b.get("values"))
        ):
            diff.append(code)
    if before.get("eligible") != after.get("eligible"):
        diff.append("eligible")
    return diff


def region_indicator_of_year(region: Region, year: int, on: dt.date | None = None) -> RegionIndicator | None:
    """The region's indicator snapshot of policy year `year` that holds on the year's policy date on `on`
    (default today): the latest one of that year up to that date, never one of another year."""
    return (
        RegionIndicator.objects.filter(region=region, year=year, as_of__lte=policy_date(year, on))
        .order_by("-as_of")
        .first()
    )


def region_snapshot(region: Region, year: int, on: dt.date | None = None) -> dict:
    """§5.4 / §5.5 from the region's indicator snapshot of policy year `year` (as of its policy date on
    `on`); not eligible when the nightly run has not computed that year for the region."""
    ind = region_indicator_of_year(region, year, on)
    if ind is None:
        return {"source": "none", "eligible": False, "failing": ["no_indicator"]}
    return {
        "source": "nightly",
        "as_of": ind.as_of.isoformat(),
        "year": ind.year,
        "params_version": ind.params_version,
        "eligible": bool(ind.exit_eligible),
        "failing": list(ind.failing or []),
        "incidence": jsonable(ind.incidence),
        "comprehensive_incidence": jsonable(ind.comprehensive_incidence),
        "remaining_poor": ind.remaining_poor,
        "rural_population": ind.rural_population,
    }
