"""The household endpoints of /api/v1/ (§3, §13): scoped by households.selectors (§1), masked per §9,
written through households.services.household_save; the income records of every year through
households.services.income_save (issue 13)."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import access
from accounts.api import BoundedBodyMixin
from accounts.services import audit_record
from accounts.typing import AuthenticatedRequest
from villages.working_year import working_year

from .filters import HouseholdFilter
from .models import Assessment, Household, Income, Member
from .selectors import current_members, household_get_for, household_list_for
from .serializers import HouseholdIncomesSerializer, HouseholdSerializer, IncomeRecordSerializer, IncomeSerializer
from .services import income_check_year, income_save, income_years


class CanEditHouseholdsOrReadOnly(permissions.BasePermission):
    """§1: only clerks, township reviewers and county officials change households; the other roles read
    (helpers record visits and assistance, in the assistance API). A refusal here depends on the role
    alone, so it says nothing about any record."""

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
        Prefetch("incomes", queryset=Income.objects.filter(year=working_year()), to_attr="current_income_list"),
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
                entry_region=access.scope_of(request.user),  # the list's area: the reader's scope (§1)
                query=request.GET.urlencode(),
                numbers=[row["number"] for row in rows],
            )
        return response

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        household = self.get_object()
        response = Response(self.get_serializer(household).data)
        if request.user.is_authenticated and request.user.can_view_sensitive:
            audit_record(
                user=request.user,
                action="view_sensitive",
                object_type="household",
                object_id=household.number,
                entry_region=household.village_id,  # read by the auditors of its county and above (§1)
            )
        return response

    def perform_create(self, serializer: serializers.BaseSerializer[Household]) -> None:
        serializer.instance = self._reloaded(serializer.save())

    def perform_update(self, serializer: serializers.BaseSerializer[Household]) -> None:
        serializer.instance = self._reloaded(serializer.save())

    # --- the income records of every year (issue 13) ---

    def _household(self, request: AuthenticatedRequest) -> Household:
        # Outside the scope is answered exactly like a number that does not exist (§1).
        return household_get_for(request.user, self.kwargs["number"])

    @staticmethod
    def _income_context(request: Request, household: Household) -> dict:
        return {"request": request, "current_member_count": current_members(household).count()}

    @extend_schema(
        summary=_("Every income record of a household, oldest first"),
        responses={
            200: HouseholdIncomesSerializer,
            404: OpenApiResponse(description=_("Unknown or outside the scope")),
        },
    )
    @action(detail=True, methods=["get"], url_path="incomes")
    def incomes(self, request: AuthenticatedRequest, number: str | None = None) -> Response:
        household = self._household(request)
        last = working_year()
        context = self._income_context(request, household)
        data = {
            "number": household.number,
            "working_year": last,
            "first_year": income_years(household, last=last).start,
            "incomes": IncomeSerializer(household.incomes.order_by("year"), many=True, context=context).data,
        }
        return Response(data)

    @extend_schema(
        summary=_("Write or correct the income record of one year"),
        description=_(
            "Any year from the household's identification year to the working year. The items left out are 0. "
            "A record of a closed year (before the working year) is changed only with a reason, kept in its "
            "history and the audit log."
        ),
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("Income year"))],
        request=IncomeRecordSerializer,
        responses={
            200: IncomeSerializer,
            400: OpenApiResponse(description=_("A year outside the allowed range, a bad amount or a missing reason")),
            403: OpenApiResponse(description=_("Your role cannot change households")),
            404: OpenApiResponse(description=_("Unknown or outside the scope")),
        },
    )
    @action(detail=True, methods=["put"], url_path=r"incomes/(?P<year>[0-9]{1,9})", url_name="income")
    def income(self, request: AuthenticatedRequest, number: str | None = None, year: str | None = None) -> Response:
        household = self._household(request)
        income_check_year(household, int(year or 0))  # the year first: a clear answer whatever the body
        body = IncomeRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        reason = values.pop("reason", "")
        saved = income_save(user=request.user, household=household, year=int(year or 0), values=values, reason=reason)
        saved = Income.objects.get(pk=saved.pk)  # the totals the database generated
        return Response(IncomeSerializer(saved, context=self._income_context(request, household)).data)

    @staticmethod
    def _reloaded(household: Household) -> Household:
        # The response shows the stored state: derived birth dates, generated income totals.
        return with_api_relations(Household.objects.filter(pk=household.pk)).get()
