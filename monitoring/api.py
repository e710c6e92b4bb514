"""The monitoring endpoints of /api/v1/ (§13): data-quality findings (§8.2) and monitoring alerts (§7),
scoped like the pages (§1) and masked per §9: a member's ID number only for roles that view sensitive
data, and every such unmasked answer is audited."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import region_for, scope_of
from accounts.masking import mask_id_number
from accounts.services import audit_record
from accounts.typing import AuthenticatedRequest

from .models import AlertCategory, AlertState, AlertTrigger, MonitoringAlert, QualityCode, QualityFinding
from .selectors import alert_list_for, alert_page_rows, finding_hides_health, finding_list_for, finding_page_rows

REGION = OpenApiParameter("region", str, description=_("Region code (12 digits) inside the user's scope; 404 outside"))


class FindingMemberSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.SerializerMethodField()

    def get_id_number(self, member) -> str:
        request = self.context.get("request")
        if request is not None and request.user.can_view_sensitive:
            return member.id_number
        return mask_id_number(member.id_number)


class QualityFindingSerializer(serializers.ModelSerializer):
    household = serializers.CharField(source="household.number")
    village = serializers.CharField(source="village.code")
    member = FindingMemberSerializer(allow_null=True)

    class Meta:
        model = QualityFinding
        fields = ["id", "since", "until", "code", "kind", "severity", "household", "village", "member", "detail"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if finding_hides_health(instance, request.user if request is not None else None):
            # §9: the kind (e.g. "healthy_no_labour") and its detail are a health fact about the member.
            data["kind"], data["detail"] = "", {}
        return data


class AlertTriggerSerializer(serializers.ModelSerializer):
    last_on = serializers.DateField(source="last_fired", read_only=True)  # selectors.alert_page_rows

    class Meta:
        model = AlertTrigger
        fields = ["trigger", "values", "policy_year", "policy_version", "first_on", "last_on"]


class MonitoringAlertSerializer(serializers.ModelSerializer):
    household = serializers.CharField(source="household.number")
    village = serializers.CharField(source="village.code")
    triggers = AlertTriggerSerializer(many=True)
    last_triggered_on = serializers.DateField(source="last_fired", read_only=True)  # selectors.alert_page_rows

    class Meta:
        model = MonitoringAlert
        fields = [
            "id",
            "household",
            "village",
            "category",
            "state",
            "year",
            "opened_on",
            "last_triggered_on",
            "close_reason",
            "triggers",
        ]


class FindingFilter(django_filters.FilterSet):
    code = django_filters.ChoiceFilter(choices=QualityCode.choices)
    as_of = django_filters.DateFilter(method="filter_nothing", label=_("Night (default: the latest)"))

    class Meta:
        model = QualityFinding
        fields = ["code", "as_of"]

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied by the view through the selector


class AlertFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=AlertState.choices)
    category = django_filters.ChoiceFilter(choices=AlertCategory.choices)

    class Meta:
        model = MonitoringAlert
        fields = ["state", "category"]


def _region(request: AuthenticatedRequest):
    code = request.query_params.get("region", "")
    return region_for(request.user, code) if code else None


@extend_schema(parameters=[REGION], summary=_("Data-quality findings inside the user's scope"))
class QualityFindingList(generics.ListAPIView):
    serializer_class = QualityFindingSerializer
    filterset_class = FindingFilter
    request: AuthenticatedRequest  # behind IsAuthenticated, the project default

    def get_queryset(self) -> QuerySet[QualityFinding]:
        as_of = None
        if getattr(self, "swagger_fake_view", False):
            return QualityFinding.objects.none()
        filterset = FindingFilter(self.request.query_params, queryset=QualityFinding.objects.none())
        if filterset.is_valid():
            as_of = filterset.form.cleaned_data.get("as_of")
        return finding_page_rows(finding_list_for(self.request.user, region=_region(self.request), as_of=as_of))

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else response.data
        shown = [row["member"]["id_number"] for row in rows if row.get("member")]
        if request.user.is_authenticated and request.user.can_view_sensitive and shown:
            audit_record(
                user=request.user,
                action="view_sensitive",
                object_type="quality_finding_list",
                entry_region=_region(self.request) or scope_of(self.request.user),  # the list's area (§1)
                query=request.GET.urlencode(),
                rows=len(shown),
            )
        return response


@extend_schema(parameters=[REGION], summary=_("Monitoring alerts inside the user's scope"))
class MonitoringAlertList(generics.ListAPIView):
    serializer_class = MonitoringAlertSerializer
    filterset_class = AlertFilterSet
    request: AuthenticatedRequest  # behind IsAuthenticated, the project default

    def get_queryset(self) -> QuerySet[MonitoringAlert]:
        if getattr(self, "swagger_fake_view", False):
            return MonitoringAlert.objects.none()
        return alert_page_rows(alert_list_for(self.request.user, region=_region(self.request)))
