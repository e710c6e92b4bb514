"""The OpenAPI schema of the project, ledger and assistance endpoints (§13): no warnings, valid."""

from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

MODULES = ["projects.api_urls", "funds.api_urls", "assistance.api_urls"]


def test_schema_of_projects_funds_and_assistance_generates_cleanly(db):
    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include(m)) for m in MODULES]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, str(GENERATOR_STATS)
    validate_schema(schema)
    paths = schema["paths"]
    for p in ("/api/v1/funds/allocations/{id}/", "/api/v1/funds/disbursements/{id}/"):
        assert set(paths[p]) == {"get"}
    assert "post" in paths["/api/v1/funds/arrangements/{id}/reverse/"]
    assert "delete" not in paths["/api/v1/projects/{id}/"]
