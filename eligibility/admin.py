"""Admin of the exit-eligibility records (§5): the policy parameters, read by every staff user and set
in the policy pages, and the nightly results and runs, computed and so read-only (ComputedAdmin).
Scoped like every other read (§1)."""

from django.contrib import admin
from django.db.models import QuerySet

from accounts.access import region_q, scope_of
from accounts.admin import ComputedAdmin, ScopedAdmin
from households.selectors import household_list_for
from villages.models import Level, Region
from villages.selectors import ancestors

from .models import HouseholdCheck, PolicyParameter, RecomputeCounty, RecomputeRun


def _county_or_above(scope: Region | None) -> Region | None:
    """The region whose runs a scope sees: runs are per county (§5.6), so a township or village scope
    sees those of its county."""
    if scope is None or scope.level not in (Level.TOWNSHIP, Level.VILLAGE):
        return scope
    return next((r for r in ancestors(scope) if r.level == Level.COUNTY), None)


@admin.register(PolicyParameter)
class PolicyParameterAdmin(ScopedAdmin):
    """Province-wide parameters (§5.1): every staff user reads them; they are set in the policy pages."""

    superuser_only_writes = True
    list_display = ("year", "version", "poverty_line", "incidence_threshold", "notice_days")
    ordering = ("-year",)

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return qs


@admin.register(HouseholdCheck)
class HouseholdCheckAdmin(ComputedAdmin):
    list_display = ("household_id", "since", "until", "status", "policy_year", "eligible", "per_capita_net")
    list_filter = ("eligible", "status")
    search_fields = ("=household__number",)
    raw_id_fields = ("household", "county", "village", "run")

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return qs.filter(household__in=household_list_for(request.user))


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ComputedAdmin):
    list_display = ("id", "as_of", "trigger", "state", "only_county", "counties_done", "counties_total", "eligible")
    list_select_related = ("only_county",)
    list_filter = ("state", "trigger")

    def scope(self, request, qs: QuerySet) -> QuerySet:
        region = _county_or_above(scope_of(request.user))
        if region is None:
            return qs.none()
        if region.level == Level.PROVINCE:
            return qs  # the province-wide runs too (no only_county)
        return qs.filter(region_q(region, "only_county"))


@admin.register(RecomputeCounty)
class RecomputeCountyAdmin(ComputedAdmin):
    list_display = ("run", "county", "state", "attempts", "households", "eligible", "seconds")
    list_select_related = ("run", "county")
    list_filter = ("state",)

    def scope(self, request, qs: QuerySet) -> QuerySet:
        region = _county_or_above(scope_of(request.user))
        if region is None:
            return qs.none()
        return qs.filter(region_q(region, "county"))
