"""Filters of the audit log page and its export (§9); they narrow a queryset already scoped (§1)."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access
from .audit import object_type_choices
from .models import AuditAction, AuditLog

DATE = forms.DateInput(attrs={"type": "date"})


def _local_midnight(day: dt.date) -> dt.datetime:
    """The start of a day in Asia/Shanghai: the time column stays indexed (no conversion per row)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditLogFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="user__username", lookup_expr="icontains", label=_("User"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    object_type = django_filters.ChoiceFilter(choices=object_type_choices, label=_("Object type"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))
    date_from = django_filters.DateFilter(method="filter_from", label=_("From"), widget=DATE)
    date_to = django_filters.DateFilter(method="filter_to", label=_("To"), widget=DATE)
    object_id = django_filters.CharFilter(field_name="object_id", label=_("Object ID"))

    class Meta:
        model = AuditLog
        fields = ["user", "action", "object_type", "region", "date_from", "date_to", "object_id"]

    def filter_region(self, queryset: QuerySet[AuditLog], name: str, value: str) -> QuerySet[AuditLog]:
        # A region of the reader's scope narrows to its subtree; any other code (or a typo) matches nothing.
        region = access.regions_for(self.request.user).filter(code=value.strip()).first()
        if region is None:
            return queryset.none()
        return access.in_region(queryset, region, "region")

    def filter_from(self, queryset: QuerySet[AuditLog], name: str, value: dt.date) -> QuerySet[AuditLog]:
        return queryset.filter(at__gte=_local_midnight(value))

    def filter_to(self, queryset: QuerySet[AuditLog], name: str, value: dt.date) -> QuerySet[AuditLog]:
        return queryset.filter(at__lt=_local_midnight(value + dt.timedelta(days=1)))
