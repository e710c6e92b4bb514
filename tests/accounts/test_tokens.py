"""API tokens expire after TOKEN_TTL_DAYS and a password change revokes them (issue 12, item 5; §9)."""

import datetime as dt

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD

URL = "/api/v1/auth/token/"


def get_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/households/")


def age(token, days):
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(days=days))


def test_a_token_within_its_lifetime_authenticates(users, settings):
    settings.TOKEN_TTL_DAYS = 30
    token = Token.objects.create(user=users.clerk_a)
    age(token, 29)
    assert get_with(token.key).status_code == 200


def test_an_expired_token_gets_401_with_a_chinese_message(users, settings):
    settings.TOKEN_TTL_DAYS = 30
    token = Token.objects.create(user=users.clerk_a)
    age(token, 31)
    response = get_with(token.key)
    assert response.status_code == 401
    assert "令牌已过期" in response.json()["detail"]
    assert not Token.objects.filter(pk=token.pk).exists()


def test_the_lifetime_is_configurable(users, settings):
    settings.TOKEN_TTL_DAYS = 1
    token = Token.objects.create(user=users.clerk_a)
    age(token, 2)
    assert get_with(token.key).status_code == 401


def test_the_token_endpoint_replaces_an_expired_token(users, settings):
    settings.TOKEN_TTL_DAYS = 30
    old = Token.objects.create(user=users.clerk_a)
    age(old, 31)
    response = APIClient().post(URL, {"username": "clerk_a", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert key != old.key
    assert get_with(key).status_code == 200


def test_a_password_change_revokes_the_users_tokens(users):
    token = Token.objects.create(user=users.clerk_a)
    other = Token.objects.create(user=users.clerk_b)
    users.clerk_a.set_password("a-new-Pass-42")
    users.clerk_a.save()
    assert not Token.objects.filter(pk=token.pk).exists()
    assert get_with(token.key).status_code == 401
    assert Token.objects.filter(pk=other.pk).exists()


def test_a_password_change_with_update_fields_revokes_too(users):
    token = Token.objects.create(user=users.clerk_a)
    users.clerk_a.set_password("a-new-Pass-42")
    users.clerk_a.save(update_fields=["password"])
    assert not Token.objects.filter(pk=token.pk).exists()


def test_other_saves_keep_the_tokens(users, client):
    token = Token.objects.create(user=users.clerk_a)
    users.clerk_a.first_name = "张"
    users.clerk_a.save()
    client.login(username="clerk_a", password=PASSWORD)  # updates last_login
    assert Token.objects.filter(pk=token.pk).exists()


def test_a_password_change_in_the_admin_revokes_the_tokens(client, users):
    token = Token.objects.create(user=users.clerk_a)
    client.force_login(users.admin)
    response = client.post(
        f"/admin/accounts/user/{users.clerk_a.pk}/password/",
        {"password1": "Another-Pass-77", "password2": "Another-Pass-77", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Token.objects.filter(pk=token.pk).exists()
