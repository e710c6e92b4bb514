"""The OpenAPI schema (§13) and its Swagger UI, which must work with no internet."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.validation import validate_schema

# The settings this project needs for an offline Swagger UI (to be placed in povertymgmt/settings.py).
OFFLINE_APPS = ["drf_spectacular_sidecar"]
OFFLINE_SPECTACULAR = {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI's default validator badge calls an online service.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
}
from povertymgmt.api_v1 import API_MODULES  # noqa: E402 - every app of /api/v1/


def test_the_schema_is_served_and_describes_the_registry_endpoints(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for route in ("/api/v1/households/", "/api/v1/households/{number}/", "/api/v1/regions/{code}/"):
        assert route in paths
    assert "/api/v1/auth/token/" in paths
    assert "delete" not in paths["/api/v1/households/{number}/"]


def test_the_schema_of_the_whole_api_generates_without_warnings_and_validates(db):
    patterns = [path("api/v1/", include(module)) for module in API_MODULES]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    validate_schema(schema)
    household = schema["components"]["schemas"]["Household"]["properties"]
    assert {"members", "income", "assessment", "village", "number"} <= set(household)


@pytest.fixture
def offline_docs():
    apps = list(settings.INSTALLED_APPS) + [a for a in OFFLINE_APPS if a not in settings.INSTALLED_APPS]
    with override_settings(INSTALLED_APPS=apps), patched_settings(OFFLINE_SPECTACULAR):
        yield


def test_the_swagger_ui_page_loads_only_assets_of_this_server(client, db, offline_docs):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # No address of another host anywhere in the page (a random token may well spell "cdn").
    assert not re.findall(r"(?:https?:)?//[a-z0-9-]+(?:\.[a-z0-9-]+)+", html, re.IGNORECASE)
    assert not re.search(r"\b(?:cdn|jsdelivr|unpkg|cdnjs)\b", html, re.IGNORECASE)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3
    for url in assets:
        assert url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL), url
        assert finders.find(url.split(settings.STATIC_URL, 1)[1]), f"{url} is not a static file of this project"
    assert '"validatorUrl": null' in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_swagger_ui_renders_the_household_operations_with_the_network_cut_off(page, offline_docs):
    outside = []

    def only_this_server(route):
        if route.request.url.startswith(page.base):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    page.route("**/*", only_this_server)
    page.goto(page.base + "/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.locator(".opblock-summary-path[data-path='/api/v1/households/']").count() >= 1
    assert outside == []
