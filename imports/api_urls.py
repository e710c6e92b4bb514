from django.urls import path

from . import api

urlpatterns = [
    path("imports/", api.ImportJobCreate.as_view(), name="api-import-create"),
    path("imports/<int:pk>/", api.ImportJobDetail.as_view(), name="api-import-detail"),
    path("imports/<int:pk>/commit/", api.ImportJobCommit.as_view(), name="api-import-commit"),
]
