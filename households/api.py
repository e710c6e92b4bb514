"""The household endpoints of /api/v1/ (§3, §13): scoped by households.selectors (§1), masked per §9,
written through households.services.household_save."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import access
from accounts.api import BoundedBodyMixin
from accounts.services import audit_record

from .filters import HouseholdFilter
from .models import Assessment, Household, Income, Member
from .selectors import household_list_for
from .serializers import HouseholdSerializer, current_year


class CanEditHouseholdsOrReadOnly(permissions.BasePermission):
    """§1: only clerks, helpers, township reviewers and county officials change households; the other roles
    read. A refusal here depends on the role alone, so it says nothing about any record."""

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not request.user.is_authenticated:  # IsAuthenticated, listed first, has refused already
            return False
        if request.method == "POST":  # a new household (§6.2)
            return access.may_register_households(request.user)
        return access.may_edit_households(request.user)


def households_for_api(user) -> QuerySet[Household]:
    """The user's households with everything a response shows, in a fixed number of queries per page."""
    return with_api_relations(household_list_for(user))


def with_api_relations(qs: QuerySet[Household]) -> QuerySet[Household]:
    return qs.select_related("village", "county").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("id")),
        Prefetch("incomes", queryset=Income.objects.filter(year=current_year()), to_attr="current_income_list"),
        Prefetch("assessments", queryset=Assessment.objects.order_by("-assessed_on", "-id"), to_attr="assessment_list"),
    )


@extend_schema_view(
    list=extend_schema(summary=_("List the households inside the user's scope")),
    retrieve=extend_schema(
        summary=_("One household by its number"),
        responses={200: HouseholdSerializer, 404: OpenApiResponse(description=_("Unknown or outside the scope"))},
    ),
    create=extend_schema(summary=_("Register a household with its members in one request")),
    update=extend_schema(summary=_("Replace a household's fields; members are matched by id or ID number")),
    partial_update=extend_schema(summary=_("Change some of a household's fields")),
)
class HouseholdViewSet(
    BoundedBodyMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Registered households (§3). Households are never deleted: closing one is a status change (§3.1)."""

    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    permission_classes = [permissions.IsAuthenticated, CanEditHouseholdsOrReadOnly]
    parser_classes = [parsers.JSONParser]
    lookup_field = "number"
    lookup_value_regex = r"[0-9]{1,20}"
    queryset = Household.objects.none()  # for the schema; every request uses get_queryset()

    def get_queryset(self) -> QuerySet[Household]:
        return households_for_api(self.request.user).order_by("id")

    def get_object(self) -> Household:
        # Outside the scope is answered exactly like a number that does not exist (§1).
        try:
            household = self.get_queryset().get(number=self.kwargs["number"])
        except Household.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, household)
        return household

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        if request.user.is_authenticated and request.user.can_view_sensitive:
            rows = response.data["results"] if "results" in response.data else response.data
            audit_record(
                user=request.user,
                action="view_sensitive",
                object_type="household_list",
                object_id="",
                query=request.GET.urlencode(),
                numbers=[row["number"] for row in rows],
            )
        return response

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        if request.user.is_authenticated and request.user.can_view_sensitive:
            audit_record(
                user=request.user, action="view_sensitive", object_type="household", object_id=response.data["number"]
            )
        return response

    def perform_create(self, serializer: serializers.BaseSerializer[Household]) -> None:
        serializer.instance = self._reloaded(serializer.save())

    def perform_update(self, serializer: serializers.BaseSerializer[Household]) -> None:
        serializer.instance = self._reloaded(serializer.save())

    @staticmethod
    def _reloaded(household: Household) -> Household:
        # The response shows the stored state: derived birth dates, generated income totals.
        return with_api_relations(Household.objects.filter(pk=household.pk)).get()
