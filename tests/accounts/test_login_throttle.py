"""Login throttling on every password entry point (issue 12, item 5; §9): the login page, the admin login
and the API token endpoint, per username and per client address."""

import pytest
from rest_framework.test import APIClient

from accounts import throttle
from accounts.models import AuditAction, AuditLog
from tests.factories import PASSWORD

LOCKED = "登录失败次数过多"
TOKEN_URL = "/api/v1/auth/token/"


def post_login(client, username, password, address="127.0.0.1", url="/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def post_token(username, password, address="127.0.0.1"):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def locked_entries():
    return AuditLog.objects.filter(action=AuditAction.LOGIN_LOCKED)


def test_six_wrong_passwords_then_the_right_one_is_refused_on_the_login_page(client, users):
    for _ in range(6):
        assert post_login(client, "clerk_a", "wrong").status_code == 200
    response = post_login(client, "clerk_a", PASSWORD)
    assert response.status_code == 200  # the form again, not the redirect of a login
    assert "_auth_user_id" not in client.session
    assert LOCKED in response.content.decode()
    assert "1 分钟" in response.content.decode()
    entry = locked_entries().get(detail__locked="user")
    assert entry.user == users.clerk_a
    assert entry.detail["username"] == "clerk_a"
    assert entry.detail["address"] == "127.0.0.1"
    assert entry.detail["wait"] == 60


def test_after_the_wait_the_right_password_works_and_clears_the_count(client, users, monkeypatch):
    for _ in range(5):
        post_login(client, "clerk_a", "wrong")
    assert LOCKED in post_login(client, "clerk_a", PASSWORD).content.decode()

    start = throttle.now()
    monkeypatch.setattr(throttle, "now", lambda: start + 61)
    assert post_login(client, "clerk_a", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(users.clerk_a.pk)

    # The user's count started afresh: four more failures do not lock the account.
    client.logout()
    for _ in range(4):
        post_login(client, "clerk_a", "wrong", address="10.0.0.9")
    assert post_login(client, "clerk_a", PASSWORD, address="10.0.0.9").status_code == 302


def test_the_wait_doubles_with_each_lock_out(client, users, monkeypatch):
    start = throttle.now()
    waits = []
    for round_ in range(3):
        moment = start + round_ * 10_000
        monkeypatch.setattr(throttle, "now", lambda moment=moment: moment)
        for _ in range(5):
            post_login(client, "clerk_a", "wrong", address=f"10.0.1.{round_}")
        waits.append(throttle.remaining(username="clerk_a", address=""))
    assert waits == [60, 120, 240]


def test_the_reset_api_lifts_a_lock_out(client, users):
    for _ in range(5):
        post_login(client, "clerk_a", "wrong")
    throttle.reset(username="clerk_a", address="127.0.0.1")
    assert post_login(client, "clerk_a", PASSWORD).status_code == 302


def test_the_throttle_is_per_address_across_usernames(client, users):
    # Five different usernames guessed from one address lock that address out...
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        post_login(client, name, "wrong", address="10.0.0.1")
    response = post_login(client, "clerk_b", PASSWORD, address="10.0.0.1")
    assert LOCKED in response.content.decode()
    assert locked_entries().filter(detail__locked="address", detail__address="10.0.0.1").exists()
    # ...but not another address.
    assert post_login(client, "clerk_b", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_throttle_is_per_username_across_addresses(client, users):
    for index in range(5):
        post_login(client, "clerk_a", "wrong", address=f"10.0.2.{index}")
    assert LOCKED in post_login(client, "clerk_a", PASSWORD, address="10.0.3.1").content.decode()
    # Other users from those addresses are not affected.
    assert post_login(client, "clerk_b", PASSWORD, address="10.0.2.0").status_code == 302


def test_the_username_is_compared_without_case(client, users):
    for _ in range(5):
        post_login(client, "CLERK_A", "wrong", address="10.0.4.1")
    assert LOCKED in post_login(client, "clerk_a", PASSWORD, address="10.0.4.2").content.decode()


def test_behind_the_proxy_the_forwarded_address_is_counted(client, users, settings):
    settings.BEHIND_TLS_PROXY = True
    for index in range(5):
        client.post(
            "/login/",
            {"username": f"x{index}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{index}, 10.9.9.9",
        )
    assert throttle.remaining(username="", address="10.9.9.9") == 60
    assert throttle.remaining(username="", address="127.0.0.1") == 0


def test_the_admin_login_is_throttled_too(client, users):
    for _ in range(6):
        post_login(client, "admin", "wrong", url="/admin/login/")
    response = post_login(client, "admin", PASSWORD, url="/admin/login/")
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert locked_entries().filter(user=users.admin).exists()


def test_a_right_password_of_a_non_staff_user_on_the_admin_is_no_failure(client, users):
    for _ in range(6):
        post_login(client, "clerk_a", PASSWORD, url="/admin/login/")
    assert not locked_entries().exists()
    assert post_login(client, "clerk_a", PASSWORD).status_code == 302


def test_six_wrong_passwords_then_the_right_one_is_refused_on_the_token_endpoint(users):
    for _ in range(5):
        assert post_token("clerk_a", "wrong").status_code == 400
    assert post_token("clerk_a", "wrong").status_code == 429
    response = post_token("clerk_a", PASSWORD)
    assert response.status_code == 429
    assert response.json()["detail"] == "登录失败次数过多，请 1 分钟后再试。"
    assert response["Retry-After"] == "60"
    assert locked_entries().filter(user=users.clerk_a, detail__locked="user").exists()


def test_the_token_endpoint_works_after_the_wait(users, monkeypatch):
    for _ in range(5):
        post_token("clerk_a", "wrong")
    assert post_token("clerk_a", PASSWORD).status_code == 429
    start = throttle.now()
    monkeypatch.setattr(throttle, "now", lambda: start + 61)
    assert post_token("clerk_a", PASSWORD).status_code == 200


def test_the_token_endpoint_is_throttled_per_address(users):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        post_token(name, "wrong", address="10.0.5.1")
    assert post_token("clerk_b", PASSWORD, address="10.0.5.1").status_code == 429
    assert post_token("clerk_b", PASSWORD, address="10.0.5.2").status_code == 200


def test_failures_on_the_page_and_the_endpoint_count_together(client, users):
    for _ in range(3):
        post_login(client, "clerk_a", "wrong", address="10.0.6.1")
    for _ in range(2):
        post_token("clerk_a", "wrong", address="10.0.6.2")
    assert post_token("clerk_a", PASSWORD, address="10.0.6.3").status_code == 429


def test_an_inactive_users_right_password_is_no_failure(users):
    users.clerk_a.is_active = False
    users.clerk_a.save()
    for _ in range(6):
        assert post_token("clerk_a", PASSWORD).status_code == 400
    assert not locked_entries().exists()


@pytest.mark.parametrize("language, text", [("en", "Too many failed logins. Try again in 1 minute.")])
def test_the_message_is_translated(language, text):
    from django.utils import translation

    with translation.override(language):
        assert throttle.message(30) == text
    with translation.override("zh-hans"):
        assert throttle.message(120) == "登录失败次数过多，请 2 分钟后再试。"
