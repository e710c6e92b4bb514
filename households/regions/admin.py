"""Admin of the region tree (§2), scoped through accounts.access.regions_for (§1)."""

from django.contrib import admin
from django.db.models import QuerySet

from accounts.access import regions_for
from accounts.admin import ComputedAdmin, ScopedAdmin
from villages.models import AnnualTarget, Region, RegionIndicator, RegionYear, SampledHousehold, VerificationSample


class RegionScoped(ScopedAdmin):
    raw_id_fields = ("region",)
    list_select_related = ("region",)
    search_fields = ("^region__code", "region__name")

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return qs.filter(region__in=regions_for(request.user))


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("code", "name", "level", "parent", "poverty_county", "is_poverty_village", "is_deep_poverty")
    # Choice and boolean filters only: a filter listing 10,000 villages would be one huge query per page.
    list_filter = ("level", "poverty_county", "is_poverty_village", "is_deep_poverty", "is_border_village")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    search_fields = ("^code", "name")
    ordering = ("code",)

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return regions_for(request.user)


@admin.register(RegionYear)
class RegionYearAdmin(RegionScoped):
    list_display = (
        "region",
        "year",
        "rural_population",
        "has_hard_road",
        "has_safe_water",
        "has_electricity",
        "has_broadband",
        "has_standard_clinic",
        "has_cultural_venue",
        "collective_income",
    )
    list_filter = ("year",)
    ordering = ("region__code", "year")


@admin.register(AnnualTarget)
class AnnualTargetAdmin(RegionScoped):
    list_display = ("region", "year", "people", "villages", "counties")
    list_filter = ("year",)
    ordering = ("region__code", "year")


@admin.register(RegionIndicator)
class RegionIndicatorAdmin(ComputedAdmin):
    list_display = ("region", "as_of", "year", "rural_population", "remaining_poor", "incidence", "exit_eligible")
    list_select_related = ("region",)
    list_filter = ("level", "year", "exit_eligible")
    raw_id_fields = ("region",)
    search_fields = ("^region__code", "region__name")

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return qs.filter(region__in=regions_for(request.user))


@admin.register(VerificationSample)
class VerificationSampleAdmin(ScopedAdmin):
    superuser_only_writes = True  # drawn by the sampling service, reproducible from its seed (§6.4)
    list_display = ("county", "drawn_on", "seed", "note")
    list_select_related = ("county",)
    raw_id_fields = ("county",)

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return qs.filter(county__in=regions_for(request.user))


@admin.register(SampledHousehold)
class SampledHouseholdAdmin(ScopedAdmin):
    superuser_only_writes = True
    list_display = ("sample", "kind", "household", "people", "wrongly_exited", "omitted", "approves")
    list_select_related = ("sample__county", "household")
    list_filter = ("kind",)
    raw_id_fields = ("sample", "household")

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return qs.filter(sample__county__in=regions_for(request.user))
