"""Policy simulation endpoints of /api/v1/ (issue 17, §13): create a scenario, read its state and summary,
list its changed households, delete it. Scoped like the pages (§1: 404 for a role that may not read
scenarios, a scope's households only) and with no personal identifier (§9)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.typing import AuthenticatedRequest

from . import selectors, services
from .models import HouseholdResult, Scenario
from .parameters import SIMULATED


class ScenarioCreateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    parameters = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        default=dict,
        help_text=format_lazy(_("The parameters to change, by name: {names}."), names=", ".join(SIMULATED)),
    )


CREATED = inline_serializer(
    "ScenarioCreated",
    fields={
        "id": serializers.IntegerField(),
        "state": serializers.ChoiceField(choices=["pending", "running", "done", "failed"]),
    },
)


class ScenarioSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="policy_year")
    created_by = serializers.CharField(source="created_by.username")
    eligible_households_before = serializers.SerializerMethodField()
    eligible_households_after = serializers.SerializerMethodField()
    households_changed = serializers.SerializerMethodField()
    households_gaining = serializers.SerializerMethodField()
    households_losing = serializers.SerializerMethodField()
    people_affected = serializers.SerializerMethodField()
    villages_changed = serializers.SerializerMethodField()
    counties_changed = serializers.SerializerMethodField()
    below_monitoring_range_before = serializers.SerializerMethodField()
    below_monitoring_range_after = serializers.SerializerMethodField()

    class Meta:
        model = Scenario
        fields = [
            "id",
            "name",
            "year",
            "as_of",
            "parameters",
            "overrides",
            "base_version",
            "before_version",
            "state",
            "progress",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "eligible_households_before",
            "eligible_households_after",
            "households_changed",
            "households_gaining",
            "households_losing",
            "people_affected",
            "villages_changed",
            "counties_changed",
            "below_monitoring_range_before",
            "below_monitoring_range_after",
        ]

    def _summary(self, scenario: Scenario) -> dict:
        """The figures of the user's scope (the whole province for province staff); 0 until the run is done."""
        if scenario.state != "done":
            return {}
        cache = self.context.setdefault("summary", {})
        if scenario.pk not in cache:
            cache[scenario.pk] = selectors.scenario_summary_for(self.context["request"].user, scenario)
        return cache[scenario.pk]

    def get_eligible_households_before(self, scenario: Scenario) -> int | None:
        return self._summary(scenario).get("eligible_households_before", 0)

    def get_eligible_households_after(self, scenario: Scenario) -> int | None:
        return self._summary(scenario).get("eligible_households_after", 0)

    def get_households_changed(self, scenario: Scenario) -> int:
        return self._summary(scenario).get("households_changed", 0)

    def get_households_gaining(self, scenario: Scenario) -> int:
        return self._summary(scenario).get("households_gaining", 0)

    def get_households_losing(self, scenario: Scenario) -> int:
        return self._summary(scenario).get("households_losing", 0)

    def get_people_affected(self, scenario: Scenario) -> int:
        return self._summary(scenario).get("people_affected", 0)

    def get_villages_changed(self, scenario: Scenario) -> int:
        return self._summary(scenario).get("villages_changed", 0)

    def get_counties_changed(self, scenario: Scenario) -> int:
        return self._summary(scenario).get("counties_changed", 0)

    def get_below_monitoring_range_before(self, scenario: Scenario) -> int | None:
        """Exited households below the monitoring range (§7), live parameters; None below county level."""
        return self._summary(scenario).get("below_range_before")

    def get_below_monitoring_range_after(self, scenario: Scenario) -> int | None:
        """The same with the scenario's line and multiplier."""
        return self._summary(scenario).get("below_range_after")


class ChangedHouseholdSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="household.number")
    county = serializers.CharField(source="county.name")
    county_code = serializers.CharField(source="county.code")
    village = serializers.CharField(source="village.name")
    before = serializers.BooleanField(source="eligible_before")
    after = serializers.BooleanField(source="eligible_after")
    criteria = serializers.SerializerMethodField()
    failing_before = serializers.ListField(child=serializers.CharField(), source="failing_before_list")
    failing_after = serializers.ListField(child=serializers.CharField(), source="failing_after_list")

    class Meta:
        model = HouseholdResult
        fields = [
            "number",
            "county",
            "county_code",
            "village",
            "member_count",
            "per_capita_net",
            "before",
            "after",
            "criteria",
            "failing_before",
            "failing_after",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_criteria(self, row: HouseholdResult) -> list[str]:
        return row.criteria_changed


def _as_api_errors(exc: DjangoValidationError) -> ValidationError:
    """The service's errors as the API's: the parameters' under "parameters", by name."""
    fields: dict = {}
    params: dict = {}
    for name, errors in exc.error_dict.items():
        messages = [str(e.message % e.params) if e.params else str(e.message) for e in errors]
        if name in ("year", "as_of", "name"):
            fields[name] = messages
        elif name == "parameters":
            fields["parameters"] = messages
        else:
            params[name] = messages
    if params:
        fields["parameters"] = params
    return ValidationError(fields)


class ScenarioCreate(APIView):
    @extend_schema(
        summary=_("Create and run a policy scenario (province staff)"),
        request=ScenarioCreateSerializer,
        responses={201: CREATED},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if not access.may_run_simulations(request.user):
            raise PermissionDenied(_("Only province staff may run policy simulations."))
        data = ScenarioCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            scenario = services.scenario_create(
                user=request.user, name=v.get("name", ""), year=v["year"], as_of=v["as_of"], parameters=v["parameters"]
            )
        except DjangoValidationError as exc:
            raise _as_api_errors(exc) from exc
        scenario.refresh_from_db(fields=["state"])  # in-process tasks have run it already
        return Response({"id": scenario.pk, "state": scenario.state}, status=status.HTTP_201_CREATED)


class ScenarioDetail(APIView):
    @extend_schema(summary=_("A scenario's state, progress and summary"), responses={200: ScenarioSerializer})
    def get(self, request: AuthenticatedRequest, id: int) -> Response:  # noqa: A002 - the path's name
        scenario = selectors.scenario_get_for(request.user, id)
        return Response(ScenarioSerializer(scenario, context={"request": request}).data)

    @extend_schema(
        summary=_("Delete a scenario (its author or the administrator)"),
        responses={204: OpenApiResponse(description=_("Deleted"))},
    )
    def delete(self, request: AuthenticatedRequest, id: int) -> Response:  # noqa: A002
        scenario = selectors.scenario_get_for(request.user, id)
        services.scenario_delete(user=request.user, scenario=scenario)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(summary=_("The households whose exit eligibility the scenario changes, inside the user's scope"))
class ScenarioHouseholds(generics.ListAPIView):
    serializer_class = ChangedHouseholdSerializer

    def get_queryset(self) -> QuerySet[HouseholdResult]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return HouseholdResult.objects.none()
        request: AuthenticatedRequest = self.request  # type: ignore[assignment]
        scenario = selectors.scenario_get_for(request.user, self.kwargs["id"])
        qs = selectors.household_results_for(request.user, scenario)
        return qs.select_related("household", "county", "village").order_by("county__code", "household__number")
