"""The routes of /api/v1/: each app contributes its own module of URL patterns."""

from django.urls import include, path

API_MODULES = [
    "accounts.api_urls",
    "households.regions.api_urls",
    "households.api_urls",
    "eligibility.api_urls",
    "monitoring.api_urls",
    "assistance.api_urls",
    "projects.api_urls",
    "funds.api_urls",
    "imports.api_urls",
    "workflows.api_urls",
    "simulations.api_urls",
    "reports.api_urls",
]

urlpatterns = [path("", include(module)) for module in API_MODULES]
