"""Report routes of /api/v1/ (§12, §13)."""

from django.urls import path

from . import api

urlpatterns = [
    path("reports/summary/", api.ReportSummary.as_view(), name="api-report-summary"),
    path("reports/<str:code>/summary/", api.RegionReportSummary.as_view(), name="api-report-region-summary"),
]
