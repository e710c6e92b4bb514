"""Ledger endpoints of /api/v1/ (§11, §13): list, read, post and reverse; never PUT, PATCH or DELETE."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.access import regions_for
from households.models import Household, Member
from households.selectors import household_list_for
from projects.choices import AssistanceCategory
from projects.models import Project
from projects.selectors import project_list_for
from villages.models import Level, Region

from . import selectors as sel
from . import services
from .models import Allocation, Arrangement, Disbursement

LEDGER_READ_ONLY = ["id", "kind", "signed_amount", "reverses", "created_at"]


class PostOnlyViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Posted entries are immutable: only GET and POST are routed (§11)."""

    http_method_names = ["get", "post", "head", "options"]
    reverse_service: Callable[..., Model] | None = None  # the service that posts a reversal (keyword-only)
    reverse_arg = ""

    def perform(self, func, **kwargs):
        try:
            return func(user=self.request.user, **kwargs)
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None

    @extend_schema(request=None, summary=_("Post a reversal of this entry"))
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        entry = self.get_object()
        reason = str(request.data.get("reason", ""))
        reversal = self.perform(type(self).reverse_service, reason=reason, **{self.reverse_arg: entry})
        return Response(self.get_serializer(reversal).data, status=status.HTTP_201_CREATED)

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        entry = self.post_entry(ser.validated_data)
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)


class AllocationSerializer(serializers.ModelSerializer):
    signed_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    county = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.none())

    class Meta:
        model = Allocation
        fields = [
            "id",
            "kind",
            "source",
            "county",
            "document_number",
            "amount",
            "signed_amount",
            "date",
            "year",
            "note",
            "reverses",
            "created_at",
        ]
        read_only_fields = LEDGER_READ_ONLY
        extra_kwargs = {"year": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["county"].queryset = regions_for(request.user).filter(level=Level.COUNTY)


class ArrangementSerializer(serializers.ModelSerializer):
    signed_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Arrangement
        fields = [
            "id",
            "kind",
            "allocation",
            "project",
            "amount",
            "signed_amount",
            "date",
            "document_number",
            "note",
            "reverses",
            "created_at",
        ]
        read_only_fields = LEDGER_READ_ONLY

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["allocation"].queryset = (
            sel.allocation_list_for(request.user).select_related("county") if request else Allocation.objects.none()
        )
        self.fields["project"].queryset = project_list_for(request.user) if request else Project.objects.none()


class DisbursementSerializer(serializers.ModelSerializer):
    signed_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    household = serializers.SlugRelatedField(
        slug_field="number", queryset=Household.objects.none(), required=False, allow_null=True
    )
    category = serializers.ChoiceField(choices=AssistanceCategory.choices, required=False, allow_blank=True)
    record_assistance = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "kind",
            "arrangement",
            "payee",
            "payee_unit",
            "household",
            "member",
            "category",
            "amount",
            "signed_amount",
            "date",
            "voucher",
            "override",
            "override_reason",
            "note",
            "reverses",
            "created_at",
            "record_assistance",
        ]
        read_only_fields = LEDGER_READ_ONLY

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        self.fields["arrangement"].queryset = sel.arrangement_list_for(request.user).select_related(
            "allocation__county", "project"
        )
        self.fields["household"].queryset = household_list_for(request.user)
        self.fields["member"].queryset = Member.objects.filter(household__in=household_list_for(request.user))


class AllocationViewSet(PostOnlyViewSet):
    serializer_class = AllocationSerializer
    queryset = Allocation.objects.none()
    filterset_fields = ["kind", "source", "year"]
    reverse_service = staticmethod(services.allocation_reverse)
    reverse_arg = "allocation"

    def get_queryset(self):
        return sel.allocation_list_for(self.request.user).select_related("county").order_by("-date", "-id")

    def post_entry(self, data):
        return self.perform(services.allocation_create, **data)


class ArrangementViewSet(PostOnlyViewSet):
    serializer_class = ArrangementSerializer
    queryset = Arrangement.objects.none()
    filterset_fields = ["kind", "project", "allocation"]
    reverse_service = staticmethod(services.arrangement_reverse)
    reverse_arg = "arrangement"

    def get_queryset(self):
        return sel.arrangement_list_for(self.request.user).select_related("allocation__county").order_by("-date", "-id")

    def post_entry(self, data):
        return self.perform(services.arrangement_create, **data)


class DisbursementViewSet(PostOnlyViewSet):
    serializer_class = DisbursementSerializer
    queryset = Disbursement.objects.none()
    filterset_fields = ["kind", "arrangement", "payee", "category"]
    reverse_service = staticmethod(services.disbursement_reverse)
    reverse_arg = "disbursement"

    def get_queryset(self):
        return (
            sel.disbursement_list_for(self.request.user)
            .select_related("arrangement__allocation__county", "household")
            .order_by("-date", "-id")
        )

    def post_entry(self, data):
        return self.perform(services.disbursement_create, **data)
