"""Read-only region endpoints of /api/v1/ (§2, §13), scoped by accounts.access (§1)."""

import django_filters
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets

from accounts.access import regions_for
from accounts.typing import AuthenticatedRequest
from villages.flags import year_flags
from villages.models import Level, Region
from villages.working_year import working_year

from .serializers import RegionSerializer


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label=_("The parent's 12-digit code"))

    class Meta:
        model = Region
        fields = ["level", "parent"]


@extend_schema_view(
    list=extend_schema(summary=_("List the regions inside the user's scope")),
    retrieve=extend_schema(
        summary=_("One region by its 12-digit code"),
        responses={200: RegionSerializer, 404: OpenApiResponse(description=_("Unknown or outside the scope"))},
    ),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{12}"
    queryset = Region.objects.none()  # for the schema; every request uses get_queryset()
    request: AuthenticatedRequest  # behind IsAuthenticated, the project default

    def get_queryset(self) -> QuerySet[Region]:
        return (
            regions_for(self.request.user)
            .select_related("parent")
            .annotate(children_count=Count("children"), **year_flags(working_year()))
            .order_by("code")
        )

    def get_object(self) -> Region:
        try:
            region = self.get_queryset().get(code=self.kwargs["code"])
        except Region.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, region)
        return region
