"""Issue 12: `manage.py check --deploy` is clean with the production environment of the README (DEBUG off,
a real SECRET_KEY, ALLOWED_HOSTS, BEHIND_TLS_PROXY): HSTS, the HTTPS redirect and secure cookies follow
from running behind TLS; a development install over plain HTTP keeps none of them."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from povertymgmt import settings as project_settings

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "poverty.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://poverty.example.gov.cn",
    "BEHIND_TLS_PROXY": "1",
    "SECURE_COOKIES": "1",
    "MEDIA_ACCEL_REDIRECT": "1",
}
TLS_VARIABLES = (
    "BEHIND_TLS_PROXY",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def deploy_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    skip = {*TLS_VARIABLES, "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the last: set by Playwright
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(PRODUCTION, STATIC_ROOT=str(tmp_path / "static"), MEDIA_ROOT=str(tmp_path / "media"), **extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_check_is_clean_with_the_production_settings(tmp_path):
    result = deploy_check(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "System check identified no issues" in output, output


def test_without_tls_the_check_names_what_is_missing(tmp_path):
    """The test above would catch a regression: the same check without BEHIND_TLS_PROXY warns."""
    result = deploy_check(tmp_path, BEHIND_TLS_PROXY="0", SECURE_COOKIES="0")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert all(code in output for code in ("security.W004", "security.W008", "security.W012")), output


def test_tls_settings_follow_behind_tls_proxy(monkeypatch):
    try:
        for name in TLS_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        plain = importlib.reload(project_settings)
        assert not plain.SECURE_SSL_REDIRECT and not plain.SESSION_COOKIE_SECURE and plain.SECURE_HSTS_SECONDS == 0
        assert not plain.SECURE_HSTS_INCLUDE_SUBDOMAINS and plain.SECURE_PROXY_SSL_HEADER is None
        monkeypatch.setenv("BEHIND_TLS_PROXY", "1")
        tls = importlib.reload(project_settings)
        assert tls.SECURE_SSL_REDIRECT and tls.SESSION_COOKIE_SECURE and tls.CSRF_COOKIE_SECURE
        assert tls.SECURE_HSTS_SECONDS >= 31536000 and tls.SECURE_HSTS_INCLUDE_SUBDOMAINS
        assert tls.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
        monkeypatch.setenv("SECURE_SSL_REDIRECT", "0")
        assert not importlib.reload(project_settings).SECURE_SSL_REDIRECT
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
