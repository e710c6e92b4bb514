"""Policy simulation routes of /api/v1/ (issue 17, §13)."""

from django.urls import path

from . import api

urlpatterns = [
    path("simulations/", api.ScenarioCreate.as_view(), name="api-simulations"),
    path("simulations/<int:id>/", api.ScenarioDetail.as_view(), name="api-simulation"),
    path("simulations/<int:id>/households/", api.ScenarioHouseholds.as_view(), name="api-simulation-households"),
]
