"""Headers that keep personal data out of caches and scripts out of pages (issue 12, item 9; §9)."""

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from povertymgmt import settings as project_settings
from tests.conftest import login

NO_STORE = "no-store, private"


def test_household_page_is_not_stored(client, users, homes):
    login(client, users.clerk_a)
    response = client.get(reverse("households:detail", args=[homes.a.number]))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_household_api_answer_is_not_stored(client, users, homes):
    login(client, users.clerk_a)
    response = client.get(f"/api/v1/households/{homes.a.number}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_token_api_answer_is_not_stored(client, users, homes):
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=users.clerk_a)
    response = client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_static_files_keep_their_cache_lifetime(client, users):
    login(client, users.clerk_a)
    response = client.get("/" + settings.STATIC_URL.lstrip("/") + "js/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_templates_hold_no_inline_script():
    """The CSP forbids inline script: templates load behaviour from static files only."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|\son[a-z]+=\"", re.I)
    offenders = [
        str(path)
        for path in Path(settings.BASE_DIR).glob("**/templates/**/*.html")
        if ".venv" not in path.parts and inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_hsts_only_behind_tls(monkeypatch):
    try:
        monkeypatch.delenv("BEHIND_TLS_PROXY", raising=False)
        assert importlib.reload(project_settings).SECURE_HSTS_SECONDS == 0
        monkeypatch.setenv("BEHIND_TLS_PROXY", "1")
        assert importlib.reload(project_settings).SECURE_HSTS_SECONDS > 0
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)


@pytest.mark.django_db
def test_a_nul_character_in_the_query_is_a_400_on_pages_and_in_the_api(client, users):
    """PostgreSQL refuses NUL in a string: refused before any query (found by the fuzz test)."""
    client.force_login(users.county)
    assert client.get("/households/", {"q": "a\x00b"}).status_code == 400
    response = client.get("/api/v1/monitoring-alerts/", {"region": "\x00"})
    assert response.status_code == 400
    assert response.json()["code"]
