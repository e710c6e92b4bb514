"""Filters of the household list in the API (§13); they narrow a queryset that is already scoped (§1)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.access import regions_for

from . import choices as c
from .causes import cause_filter_value
from .models import Household
from .selectors import household_search, households_in_region


class HouseholdFilter(django_filters.FilterSet):
    village = django_filters.CharFilter(field_name="village__code", label=_("Village code (12 digits)"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code of any level inside the scope"))
    status = django_filters.ChoiceFilter(choices=c.Status.choices)
    household_type = django_filters.ChoiceFilter(choices=c.HouseholdType.choices)
    main_cause = django_filters.ChoiceFilter(
        choices=c.Cause.choices,
        method="filter_main_cause",
        help_text=_("Illness, disability and other: ignored for roles that may not view health data."),
    )
    identification_year = django_filters.NumberFilter()
    search = django_filters.CharFilter(
        method="filter_search", label=_("A member's ID number or name, or the beginning of a household number")
    )

    class Meta:
        model = Household
        fields = ["village", "region", "status", "household_type", "main_cause", "identification_year", "search"]

    def filter_region(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        # Only a region the user may see narrows the list; any other code (or a typo) matches nothing.
        region = regions_for(self.request.user).filter(code=value).first()
        if region is None:
            return queryset.none()
        return households_in_region(queryset, region)

    def filter_main_cause(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        # §9: a filter on a cause the user may not see (illness, disability, other) is ignored: the rows it
        # kept would reveal a health cause, directly or by difference (households.causes).
        value = cause_filter_value(value, self.request.user)
        return queryset.filter(main_cause=value) if value else queryset

    def filter_search(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        return household_search(queryset, value, self.request.user)
