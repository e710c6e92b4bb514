"""Project endpoints of /api/v1/ (§10, §13): scoped by county; writes by the county's officials only."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.access import regions_for
from households.models import Household
from villages.models import Level, Region

from .choices import PROJECT_CATEGORIES, FundSource
from .models import Project
from .selectors import project_list_for, with_totals
from .services import project_save, project_transition


class BudgetSerializer(serializers.Serializer):
    # The serializer's metaclass moves declared fields off the class, so this does not shadow Field.source at
    # run time; the stubs cannot know that.
    source = serializers.ChoiceField(choices=FundSource.choices)  # type: ignore[assignment]
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"))


class TargetSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=20, allow_blank=True, required=False, default="")
    planned = serializers.DecimalField(max_digits=14, decimal_places=2)
    achieved = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, required=False)


class ProjectSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.none())
    villages = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Region.objects.none(), required=False
    )
    beneficiary_households = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=Household.objects.none(), required=False
    )
    # A plain string in the schema: an enum here would collide with §4's "category" enum of the other endpoints.
    category = serializers.CharField(max_length=20, help_text=", ".join(value for value, _label in PROJECT_CATEGORIES))
    budgets = BudgetSerializer(many=True, required=False)
    targets = TargetSerializer(many=True, required=False)
    budget_total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    # The ledger's figures, added to every project list by funds (projects.figures).
    arranged_total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    disbursed_total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "county",
            "villages",
            "year",
            "category",
            "content",
            "implementing_unit",
            "planned_start",
            "planned_end",
            "beneficiary_households",
            "beneficiary_people",
            "benefit_linkage",
            "benefit_linkage_note",
            "status",
            "budgets",
            "targets",
            "budget_total",
            "arranged_total",
            "disbursed_total",
        ]
        read_only_fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        from households.selectors import household_list_for

        regions = regions_for(request.user)
        self.fields["county"].queryset = regions.filter(level=Level.COUNTY)
        self.fields["villages"].child_relation.queryset = regions.filter(level=Level.VILLAGE)
        self.fields["beneficiary_households"].child_relation.queryset = household_list_for(request.user)

    def validate_category(self, value: str) -> str:
        if value not in dict(PROJECT_CATEGORIES):
            raise serializers.ValidationError(
                _("Choose an assistance category or an infrastructure kind."), code="invalid_choice"
            )
        return value

    def save_with(self, user, instance=None):
        data = dict(self.validated_data)
        villages = data.pop("villages", None)
        beneficiaries = data.pop("beneficiary_households", None)
        budgets = data.pop("budgets", None)
        targets = data.pop("targets", None)
        project = instance or Project()
        for k, v in data.items():
            setattr(project, k, v)
        from .models import PerformanceTarget

        with transaction.atomic():
            return project_save(
                user=user,
                project=project,
                villages=villages if villages is not None else (list(instance.villages.all()) if instance else []),
                beneficiaries=beneficiaries
                if beneficiaries is not None
                else (list(instance.beneficiary_households.all()) if instance else []),
                budgets={b["source"]: b["amount"] for b in budgets} if budgets is not None else None,
                targets=[PerformanceTarget(**t) for t in targets] if targets is not None else None,
            )


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.CharField()
    reason = serializers.CharField(max_length=500)


class ProjectViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProjectSerializer
    queryset = Project.objects.none()
    filterset_fields = ["status", "category", "year"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        qs = (
            project_list_for(self.request.user)
            .select_related("county")
            .prefetch_related("villages", "beneficiary_households", "budgets", "targets")
        )
        county = self.request.query_params.get("county")
        if county:
            qs = qs.filter(county__code=county)
        return with_totals(qs).order_by("-year", "-id")

    def _save(self, ser, instance=None):
        try:
            return ser.save_with(self.request.user, instance)
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        project = self._save(ser)
        return Response(self.get_serializer(self.get_queryset().get(pk=project.pk)).data, status=201)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        ser = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        ser.is_valid(raise_exception=True)
        self._save(ser, instance)
        return Response(self.get_serializer(self.get_queryset().get(pk=instance.pk)).data)

    @extend_schema(request=TransitionSerializer, summary=_("Move the project to another status"))
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        project = self.get_object()
        ser = TransitionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            project_transition(user=request.user, project=project, **ser.validated_data)
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=project.pk)).data, status=status.HTTP_200_OK)
