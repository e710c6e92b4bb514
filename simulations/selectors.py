"""Scoped reads of the policy simulation (issue 17): one selector per read, used by the pages, the API and
the exports alike. Outside the predicate or the scope: 404. Lists carry no personal identifier (§9): a
household's number, its head's name, its village and per-capita income."""

from collections import defaultdict

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404

from accounts import access
from accounts.models import User
from households import choices as c
from households.models import Member
from villages.models import Level

from .models import DIFFERENCES, HouseholdResult, RegionResult, Scenario
from .run import households_summary


def scenario_list_for(user: User) -> QuerySet[Scenario]:
    """Every scenario, kept with who created it and when (issue 17 item 5), for those who may read them."""
    if not access.may_view_simulations(user):
        return Scenario.objects.none()
    return Scenario.objects.select_related("created_by")


def scenario_get_for(user: User, pk: int) -> Scenario:
    try:
        return scenario_list_for(user).get(pk=pk)
    except Scenario.DoesNotExist:
        raise Http404 from None


def household_results_for(user: User, scenario: Scenario) -> QuerySet[HouseholdResult]:
    """The scenario's changed households inside the user's scope (§1)."""
    qs = HouseholdResult.objects.filter(scenario=scenario)
    return access.scoped(qs, user, "village", county="county")


def region_results_for(user: User, scenario: Scenario) -> QuerySet[RegionResult]:
    return access.scoped(RegionResult.objects.filter(scenario=scenario), user, "region")


def household_rows(qs: QuerySet[HouseholdResult]) -> QuerySet[HouseholdResult]:
    """A list's rows with the household number, the head's name, the village and the county (one query)."""
    head = Member.objects.filter(household=OuterRef("household_id"), relationship=c.Relationship.HEAD, departure="")
    return (
        qs.select_related("household", "village", "county")
        .annotate(head_name=Subquery(head.values("name")[:1]))
        .order_by("county__code", "household__number")
    )


def scenario_summary_for(user: User, scenario: Scenario) -> dict:
    """The summary of the API and the page, for the user's scope: eligible households before and after
    from the scope region's result, the changed households, people, villages and counties inside it."""
    scope = access.scope_of(user)
    own = RegionResult.objects.filter(scenario=scenario, region=scope).first() if scope is not None else None
    regions = region_results_for(user, scenario).filter(changed=True)
    by_level = dict(regions.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    # A township or village scope whose figures do not change has no row: its counts are unknown (None).
    return {
        "eligible_households_before": own.eligible_households_before if own else None,
        "eligible_households_after": own.eligible_households_after if own else None,
        **households_summary(scenario, household_results_for(user, scenario)),
        "villages_changed": by_level.get(Level.VILLAGE, 0),
        "counties_changed": by_level.get(Level.COUNTY, 0),
        "below_range_before": own.below_range_before if own else None,
        "below_range_after": own.below_range_after if own else None,
    }


def by_county(user: User, scenario: Scenario) -> list[dict]:
    """Per county of the scope: households gaining and losing eligibility, and the county's result
    (eligible households, projected incidence, exit eligibility) before and after. Two queries."""
    counts = {
        r["county_id"]: r
        for r in household_results_for(user, scenario)
        .values("county_id")
        .annotate(
            gaining=Count("id", filter=Q(eligible_after=True)),
            losing=Count("id", filter=Q(eligible_after=False)),
            people=Sum("member_count", default=0),
        )
    }
    rows = []
    counties = region_results_for(user, scenario).filter(level=Level.COUNTY).select_related("region")
    for r in counties.order_by("region__code"):
        n = counts.get(r.region_id, {})
        rows.append(
            {
                "result": r,
                "gaining": n.get("gaining", 0),
                "losing": n.get("losing", 0),
                "people": n.get("people", 0),
            }
        )
    return rows


def by_criterion(user: User, scenario: Scenario) -> list[dict]:
    """Households gaining and losing eligibility by the criterion that made the difference (income, the
    same-year rule, or both), counted in the database by distinct failing sets (one query)."""
    totals: dict[tuple[str, ...], dict[str, int]] = defaultdict(lambda: {"gaining": 0, "losing": 0, "people": 0})
    groups = (
        household_results_for(user, scenario)
        .values("failing_before", "failing_after", "eligible_after")
        .annotate(n=Count("id"), people=Sum("member_count", default=0))
        .order_by()
    )
    for g in groups:
        before, after = set(g["failing_before"].split()), set(g["failing_after"].split())
        key = tuple(code for code in DIFFERENCES if (code in before) != (code in after))
        acc = totals[key]
        acc["gaining" if g["eligible_after"] else "losing"] += g["n"]
        acc["people"] += g["people"]
    return [{"criteria": list(key), **acc} for key, acc in sorted(totals.items())]


def changed_regions(user: User, scenario: Scenario, level: str) -> QuerySet[RegionResult]:
    """Villages or counties of the scope whose projected incidence or exit eligibility changes."""
    return (
        region_results_for(user, scenario)
        .filter(level=level, changed=True)
        .select_related("region", "region__parent")
        .order_by("region__code")
    )


def scope_counties(user: User) -> list:
    """The counties of the user's scope, for the filter (one query)."""
    return list(access.regions_for(user).filter(level=Level.COUNTY).order_by("code").only("code", "name"))


def chart_data(rows: list[dict]) -> list[dict]:
    """The per-county chart's figures (static/js/simulations.js)."""
    return [
        {
            "name": row["result"].region.name,
            "before": row["result"].eligible_households_before,
            "after": row["result"].eligible_households_after,
            "incidence_before": _float(row["result"].incidence_before),
            "incidence_after": _float(row["result"].incidence_after),
        }
        for row in rows
    ]


def _float(value) -> float | None:
    return None if value is None else float(value)
