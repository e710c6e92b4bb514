"""API of the aggregated report figures (§12, §13): the dashboard's figures of a region, scoped (§1)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import AuthenticatedRequest

from . import selectors


class ReportSummary(APIView):
    """Households and people by status, incidence of the child regions, exit progress against the annual
    targets, causes of poverty, assistance by category, fund progress and the trend over the nightly
    snapshots of a region inside the user's scope (404 outside). ?as_of= picks a nightly run date, ?year=
    the policy year of the exit progress, assistance and funds (exits counted from the year's exit events).
    Causes: for a role that may not view health data, a township's or a village's (and a helper's) illness,
    disability and other causes are one entry, `other_undisclosed` (§9, docs/reports.md)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, required=False),
            OpenApiParameter("year", OpenApiTypes.INT, required=False),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: AuthenticatedRequest, code: str | None = None) -> Response:
        region = selectors.report_region(request.user, code)
        dates = selectors.snapshot_dates()
        as_of, _explicit, error = selectors.resolve_as_of(request.query_params.get("as_of"), dates)
        if error:
            raise ValidationError({"as_of": [error]})
        year, year_error = selectors.resolve_year(request.query_params.get("year"))
        if year_error:
            raise ValidationError({"year": [year_error]})
        data = selectors.dashboard(request.user, region, as_of, year)
        body = selectors.dashboard_json(data, region)
        body["as_of"] = as_of.isoformat() if as_of else None
        body["snapshot_dates"] = [d.isoformat() for d in dates]
        return Response(body)


class RegionReportSummary(ReportSummary):
    """The same figures for a region given by its code (§2)."""

    @extend_schema(
        operation_id="reports_region_summary",
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, required=False),
            OpenApiParameter("year", OpenApiTypes.INT, required=False),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: AuthenticatedRequest, code: str | None = None) -> Response:
        return super().get(request, code)
