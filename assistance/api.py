"""Assistance endpoints of /api/v1/ (§4, §13): scoped by households.selectors; list, read and create."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import reverse
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from households.models import Household, Member
from households.selectors import household_list_for
from projects.models import Project
from projects.selectors import project_list_for

from .models import AssistanceRecord, SmallLoan, Visit
from .selectors import assistance_list_for, loan_list_for, newest_first, visit_list_for
from .services import assistance_record_create, small_loan_save, visit_create
from .validators import validate_photo


class ScopedHouseholdMixin(serializers.Serializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        households = household_list_for(request.user)
        self.fields["household"].queryset = households
        if "member" in self.fields:
            self.fields["member"].queryset = Member.objects.filter(household__in=households)
        if "project" in self.fields:
            self.fields["project"].queryset = project_list_for(request.user)


class AssistanceRecordSerializer(ScopedHouseholdMixin, serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", queryset=Household.objects.none())
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none(), required=False, allow_null=True)

    class Meta:
        model = AssistanceRecord
        fields = ["id", "household", "member", "category", "date", "content", "amount", "project", "disbursement"]
        read_only_fields = ["disbursement"]


class SmallLoanSerializer(ScopedHouseholdMixin, serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", queryset=Household.objects.none())
    status = serializers.CharField(read_only=True)

    class Meta:
        model = SmallLoan
        fields = [
            "id",
            "household",
            "member",
            "bank",
            "amount",
            "benchmark_rate",
            "term_months",
            "issued_on",
            "due_on",
            "extended_to",
            "repaid_on",
            "status",
        ]


class VisitSerializer(ScopedHouseholdMixin, serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", queryset=Household.objects.none())
    photo = serializers.FileField(write_only=True, required=False, validators=[validate_photo])
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "household", "helper", "visitor", "visited_on", "findings", "photo", "photos"]
        read_only_fields = ["helper", "visitor"]

    def get_photos(self, obj) -> list[str]:
        # The scoped, audited view: nothing under MEDIA_ROOT has a public URL (§9).
        request = self.context.get("request")
        urls = [reverse("assistance:visit_photo", args=[p.pk]) for p in obj.photos.all()]
        return [request.build_absolute_uri(u) for u in urls] if request is not None else urls


class CreateListRetrieve(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            obj = self.save_with(dict(ser.validated_data))
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None
        return Response(self.get_serializer(obj).data, status=201)


class AssistanceRecordViewSet(CreateListRetrieve):
    serializer_class = AssistanceRecordSerializer
    queryset = AssistanceRecord.objects.none()
    filterset_fields = ["category"]

    def get_queryset(self):
        user = self.request.user
        return newest_first(assistance_list_for(user), user, "date").select_related("household")

    def save_with(self, data):
        return assistance_record_create(user=self.request.user, record=AssistanceRecord(**data))


class SmallLoanViewSet(CreateListRetrieve):
    serializer_class = SmallLoanSerializer
    queryset = SmallLoan.objects.none()

    def get_queryset(self):
        # The households of the page's loans read after it (prefetch): joined before the sort, PostgreSQL
        # hashed the province's 1,000,000 households to sort its 23,000 loans (230 ms).
        return loan_list_for(self.request.user).prefetch_related("household").order_by("-issued_on", "-id")

    def save_with(self, data):
        return small_loan_save(user=self.request.user, loan=SmallLoan(**data))


class VisitViewSet(CreateListRetrieve):
    serializer_class = VisitSerializer
    queryset = Visit.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        user = self.request.user
        visits = newest_first(visit_list_for(user), user, "visited_on")
        return visits.select_related("household").prefetch_related("photos")

    def save_with(self, data):
        photo = data.pop("photo", None)
        return visit_create(user=self.request.user, photos=[photo] if photo else [], **data)
