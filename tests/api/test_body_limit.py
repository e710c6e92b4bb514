"""Every API endpoint answers an oversized body with a JSON 413, not an HTML error page."""

import json

from django.urls import reverse

from tests.conftest import login


def test_an_oversized_body_to_another_apps_endpoint_gets_a_json_413(client, users):
    login(client, users.county)
    body = json.dumps({"note": "x" * (3 * 1024 * 1024)})
    response = client.post(reverse("api-allocation-list"), body, content_type="application/json")
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("application/json")
