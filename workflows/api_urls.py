"""API routes of the workflows app (§13)."""

from django.urls import path

from .api import CaseDetail, CaseList, CaseTransition

urlpatterns = [
    path("cases/", CaseList.as_view(), name="api-cases"),
    path("cases/<int:pk>/", CaseDetail.as_view(), name="api-case"),
    path("cases/<int:pk>/transition/", CaseTransition.as_view(), name="api-case-transition"),
]
