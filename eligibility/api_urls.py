"""Exit-eligibility routes of /api/v1/ (§13)."""

from django.urls import path

from .api import ExitCheckView, RegionIndicatorsView

urlpatterns = [
    path("households/<str:number>/exit-check/", ExitCheckView.as_view(), name="api-household-exit-check"),
    path("regions/<str:code>/indicators/", RegionIndicatorsView.as_view(), name="api-region-indicators"),
]
