"""Issue 12: with the cache (Redis) unreachable, logins still work and are still throttled, answered at
once: no 500, no wait per cache call. The cache points at a closed port, as in tests/test_broker_down.py."""

import time

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from accounts import throttle
from accounts.models import AuditAction, AuditLog
from tests.factories import PASSWORD

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once
BOUND = 10  # seconds for a whole test's logins: a wait per cache call would exceed it with a slow cache
LOCKED = "登录失败次数过多"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    settings.LANGUAGE_CODE = "zh-hans"
    throttle.forget_outage()
    translation.activate("zh-hans")
    yield
    translation.deactivate()
    throttle.forget_outage()


def post_login(client, username, password):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


@pytest.mark.django_db
def test_the_right_password_logs_in_at_once(client, users, cache_down):
    start = time.monotonic()
    response = post_login(client, "clerk_a", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users.clerk_a.pk)
    assert time.monotonic() - start < BOUND


@pytest.mark.django_db
def test_guessing_is_still_locked_out_with_a_chinese_message(client, users, cache_down):
    start = time.monotonic()
    for _ in range(5):
        assert post_login(client, "clerk_a", "wrong").status_code == 200
    response = post_login(client, "clerk_a", PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert LOCKED in response.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_LOCKED, detail__locked="user").exists()
    token = APIClient().post(
        "/api/v1/auth/token/", {"username": "clerk_a", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert token.status_code == 429 and LOCKED in token.json()["detail"]
    assert time.monotonic() - start < BOUND


@pytest.mark.django_db
def test_the_token_endpoint_gives_a_token(users, cache_down):
    response = APIClient().post("/api/v1/auth/token/", {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]


class BrokenCache:
    """A cache whose every call fails, counting the calls (a slow outage costs a timeout per call)."""

    def __init__(self):
        self.calls = 0

    def __getattr__(self, name):
        def call(*args, **kwargs):
            self.calls += 1
            raise ConnectionError("cache unreachable")

        return call


@pytest.mark.django_db
def test_an_outage_costs_one_cache_call_per_retry_period(client, users, monkeypatch):
    broken = BrokenCache()
    monkeypatch.setattr(throttle, "cache", broken)
    throttle.forget_outage()
    try:
        for _ in range(3):
            post_login(client, "clerk_a", "wrong")
        assert post_login(client, "clerk_a", PASSWORD).status_code == 302
        assert broken.calls == 1
        # After RETRY_SHARED seconds the shared cache is tried again.
        later = throttle._clock() + throttle.RETRY_SHARED + 1
        monkeypatch.setattr(throttle, "_clock", lambda: later)
        client.logout()
        post_login(client, "clerk_a", PASSWORD)
        assert broken.calls == 2
    finally:
        throttle.forget_outage()
