"""Monitoring routes of /api/v1/ (§13)."""

from django.urls import path

from .api import MonitoringAlertList, QualityFindingList

urlpatterns = [
    path("quality-findings/", QualityFindingList.as_view(), name="api-quality-findings"),
    path("monitoring-alerts/", MonitoringAlertList.as_view(), name="api-monitoring-alerts"),
]
