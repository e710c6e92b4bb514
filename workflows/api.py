"""Workflow endpoints of /api/v1/ (§13): cases in the user's scope, one case with its steps, and a
POST that takes a step through the same service as the pages (§6)."""

import django_filters
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import AuthenticatedRequest
from monitoring.models import AlertCategory

from . import definitions as d
from .dossier import masked_check
from .models import Case, Step
from .selectors import case_get_for, case_list_for, case_rows, inbox_for
from .services import case_transition, exit_check


def _codes(choices) -> str:
    return ", ".join(value for value, _label in choices)


# States and categories as plain strings listing their codes: shared field names ("state", "category")
# with other apps' choice sets would otherwise collide in the schema's enum names.
STATE_HELP = format_lazy(_("One of: {codes}"), codes=_codes(d.State.choices))


class StepSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")
    from_state = serializers.CharField(help_text=STATE_HELP)
    to_state = serializers.CharField(help_text=STATE_HELP)

    class Meta:
        model = Step
        fields = ["transition", "from_state", "to_state", "user", "role", "at", "date", "reason", "detail"]


class CaseSerializer(serializers.ModelSerializer):
    household = serializers.CharField(source="household.number", allow_null=True, default=None)
    region = serializers.CharField(source="region.code")
    opened_by = serializers.CharField(source="opened_by.username")
    state = serializers.CharField(help_text=STATE_HELP)
    category = serializers.CharField(help_text=format_lazy(_("One of: {codes}"), codes=_codes(AlertCategory.choices)))

    class Meta:
        model = Case
        fields = [
            "id",
            "case_type",
            "household",
            "region",
            "state",
            "year",
            "opened_by",
            "opened_at",
            "state_since",
            "closed_at",
            "justification",
            "eligible_at_proposal",
            "appraisal_date",
            "appraisal_attendance",
            "appraisal_result",
            "notice_start",
            "notice_end",
            "category",
            "send_back_reason",
        ]


class CaseDetailSerializer(CaseSerializer):
    steps = StepSerializer(many=True)
    available = serializers.SerializerMethodField()
    exit_check = serializers.SerializerMethodField(
        help_text=_(
            "Household exits: the exit test of the case's policy year as of its policy date, which county "
            "approval and the announcement require to pass; null for other cases."
        )
    )

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "steps", "available", "exit_check"]

    def get_available(self, case) -> list[str]:
        user = self.context["request"].user
        return [t.name for t in d.WORKFLOWS[case.case_type].actions_for(user, case.state)]

    @extend_schema_field({"type": "object", "additionalProperties": {}, "nullable": True})  # null: not an exit
    def get_exit_check(self, case) -> dict | None:
        if case.case_type != d.CaseType.HOUSEHOLD_EXIT:
            return None
        return masked_check(exit_check(case), self.context["request"].user)


class CaseFilter(django_filters.FilterSet):
    case_type = django_filters.ChoiceFilter(choices=d.CaseType.choices)
    state = django_filters.CharFilter(help_text=STATE_HELP)
    inbox = django_filters.BooleanFilter(method="filter_inbox", label=_("Only what waits for me"))

    class Meta:
        model = Case
        fields = ["case_type", "state"]

    def filter_inbox(self, queryset, name, value):
        return queryset.filter(pk__in=inbox_for(self.request.user).values("pk")) if value else queryset


@extend_schema(summary=_("Workflow cases inside the user's scope"))
class CaseList(generics.ListAPIView):
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    request: AuthenticatedRequest  # behind IsAuthenticated, the project default

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return case_rows(case_list_for(self.request.user)).order_by("state_since", "id")


@extend_schema(summary=_("One case with its steps and the steps the user may take now"))
class CaseDetail(generics.RetrieveAPIView):
    serializer_class = CaseDetailSerializer
    request: AuthenticatedRequest  # behind IsAuthenticated, the project default

    def get_object(self) -> Case:
        return case_get_for(self.request.user, self.kwargs["pk"])


class CaseTransitionSerializer(serializers.Serializer):
    transition = serializers.CharField(max_length=30)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    appraisal_date = serializers.DateField(required=False)
    appraisal_attendance = serializers.IntegerField(required=False, min_value=1)
    appraisal_result = serializers.CharField(required=False, max_length=200)
    notice_start = serializers.DateField(required=False)
    category = serializers.CharField(required=False, max_length=20, help_text=_("Monitoring category code"))


class CaseTransition(APIView):
    @extend_schema(
        request=CaseTransitionSerializer,
        responses={200: CaseDetailSerializer},
        summary=_("Take a step of a case; refused by role, scope, state and the step's conditions"),
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = case_get_for(request.user, pk)
        data = CaseTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        appraisal = None
        if "appraisal_date" in v:
            appraisal = {
                "date": v["appraisal_date"],
                "attendance": v.get("appraisal_attendance"),
                "result": v.get("appraisal_result", ""),
            }
        case = case_transition(
            user=request.user,
            case=case,
            transition=v["transition"],
            reason=v["reason"],
            appraisal=appraisal,
            notice_start=v.get("notice_start"),
            category=v.get("category", ""),
        )
        case = case_get_for(request.user, case.pk)
        return Response(CaseDetailSerializer(case, context={"request": request}).data, status=status.HTTP_200_OK)
