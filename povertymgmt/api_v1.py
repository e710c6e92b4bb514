"""The routes of /api/v1/: each app contributes its own."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include("villages.api_urls")),
    path("", include("households.api_urls")),
]
