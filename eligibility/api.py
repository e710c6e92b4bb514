"""Exit-eligibility endpoints of /api/v1/ (§5, §13): scoped like the UI (404 outside the scope), with
health details masked per §9."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import region_for
from accounts.typing import AuthenticatedRequest
from households.selectors import household_get_for
from villages.working_year import working_year

from .rules.household import jsonable
from .rules.indicators import indicator_fraction
from .rules.reads import working_year_check
from .templatetags.eligibility import explanation_dict, region_indicators


def _json(value):
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return jsonable(value)


class ExitCheckView(APIView):
    @extend_schema(
        summary=_("The household's latest exit check, criterion by criterion"),
        responses={200: OpenApiResponse(description=_("as_of, policy_year, eligible, criteria")), 404: None},
    )
    def get(self, request: AuthenticatedRequest, number: str) -> Response:
        household = household_get_for(request.user, number)
        explanation, stored = working_year_check(household)  # the working year as of its policy date
        data = explanation_dict(explanation, request.user)
        data["source"] = "nightly" if stored else "live"
        return Response(_json(data))


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2013, max_value=2100)


class RegionIndicatorsView(APIView):
    @extend_schema(
        summary=_("A region's incidence and exit eligibility; percentages as fractions"),
        parameters=[OpenApiParameter("year", int, required=False)],
        responses={200: OpenApiResponse(description=_("Latest snapshot of the year")), 404: None},
    )
    def get(self, request: AuthenticatedRequest, code: str) -> Response:
        region = region_for(request.user, code)
        query = YearQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        # Without a year: the working year's latest snapshot up to its policy date.
        ind = region_indicators(region, query.validated_data.get("year"))
        if ind is None:
            return Response(
                {
                    "code": region.code,
                    "as_of": None,
                    "year": query.validated_data.get("year") or working_year(),
                    "rural_population": None,
                    "remaining_poor": None,
                    "incidence": None,
                    "comprehensive_incidence": None,
                    "exit_eligible": None,
                    "failing": [],
                }
            )
        return Response(
            _json(
                {
                    "code": region.code,
                    "as_of": ind.as_of,
                    "year": ind.year,
                    "params_version": ind.params_version,
                    "rural_population": ind.rural_population,
                    "remaining_poor": ind.remaining_poor,
                    "incidence": _fraction(ind.incidence),
                    "comprehensive_incidence": _fraction(ind.comprehensive_incidence),
                    "exit_eligible": ind.exit_eligible,
                    "failing": ind.failing,
                }
            )
        )


def _fraction(value: Decimal | None) -> Decimal | None:
    return indicator_fraction(value)
