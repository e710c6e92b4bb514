"""API tokens listed and revoked by their owner and by an administrator (issue 12; §9, §13): the "API 令牌"
page, `DELETE /api/v1/auth/token/`, and DRF's token admin scoped to administrators without the keys.
Every revocation is audited; a revoked or expired token gets a 401 in JSON."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import AuditAction, AuditLog, Role
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGE = "/account/api-tokens/"
API = "/api/v1/auth/token/"


def revoke_url(user) -> str:
    return reverse("api_token_revoke", args=[user.pk])


def api_get(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/households/")


def revocations():
    return AuditLog.objects.filter(action=AuditAction.CHANGE, object_type="token", detail__revoked=True)


def test_the_page_issues_a_token_shows_its_key_once_and_its_dates(client, users, settings):
    settings.TOKEN_TTL_DAYS = 30
    client.force_login(users.clerk_a)
    page = client.get(PAGE)
    assert page.status_code == 200 and 'data-testid="no-token"' in page.content.decode()
    issued = client.post(reverse("api_token_new"))
    token = Token.objects.get(user=users.clerk_a)
    assert issued.status_code == 200 and token.key in issued.content.decode()
    again = client.get(PAGE).content.decode()
    assert token.key not in again
    expires = timezone.localtime(token.created + dt.timedelta(days=30))
    assert f"{expires:%Y-%m-%d %H:%M}" in again
    assert api_get(token.key).status_code == 200
    entry = AuditLog.objects.get(object_type="token", detail__issued=True)
    assert entry.user == users.clerk_a and entry.object_id == str(users.clerk_a.pk)
    # A new token replaces the old one, which stops working.
    client.post(reverse("api_token_new"))
    assert api_get(token.key).status_code == 401
    assert Token.objects.filter(user=users.clerk_a).count() == 1


def test_the_owner_revokes_and_the_token_gets_401_json(client, users):
    token = Token.objects.create(user=users.clerk_a)
    client.force_login(users.clerk_a)
    response = client.post(revoke_url(users.clerk_a))
    assert response.status_code == 302 and response["Location"] == PAGE
    assert not Token.objects.filter(user=users.clerk_a).exists()
    entry = revocations().get()
    assert entry.user == users.clerk_a and entry.detail["owner"] == "clerk_a" and entry.detail["via"] == "page"
    assert token.key not in str(entry.detail)
    refused = api_get(token.key)
    assert refused.status_code == 401 and refused["Content-Type"].startswith("application/json")
    assert refused.json()["detail"]


def test_revoking_is_a_post(client, users):
    Token.objects.create(user=users.clerk_a)
    client.force_login(users.clerk_a)
    assert client.get(revoke_url(users.clerk_a)).status_code == 405
    assert Token.objects.filter(user=users.clerk_a).exists()


def test_the_revoke_form_carries_the_csrf_token(users):
    from django.test import Client

    Token.objects.create(user=users.clerk_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.clerk_a)
    assert "csrfmiddlewaretoken" in client.get(PAGE).content.decode()
    assert client.post(revoke_url(users.clerk_a)).status_code == 403
    assert Token.objects.filter(user=users.clerk_a).exists()


@pytest.mark.parametrize("who", ["clerk_b", "county", "province", "auditor", "township"])
def test_nobody_else_revokes_a_token_404(client, users, who):
    token = Token.objects.create(user=users.clerk_a)
    client.force_login(getattr(users, who))
    assert client.post(revoke_url(users.clerk_a)).status_code == 404
    assert client.post(reverse("api_token_revoke", args=[999999])).status_code == 404
    assert Token.objects.filter(pk=token.pk).exists() and not revocations().exists()
    assert token.key not in client.get(PAGE).content.decode()
    assert 'data-testid="all-tokens"' not in client.get(PAGE).content.decode()


def test_an_administrator_lists_every_token_without_keys_and_revokes_one(client, users):
    token = Token.objects.create(user=users.clerk_a)
    admin_role = f.user("admin2", Role.ADMIN, users.admin.scope, is_staff=True)
    client.force_login(admin_role)
    page = client.get(PAGE).content.decode()
    assert 'data-testid="all-tokens"' in page and "clerk_a" in page and token.key not in page
    assert client.post(revoke_url(users.clerk_a)).status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()
    entry = revocations().get()
    assert entry.user == admin_role and entry.detail["owner"] == "clerk_a"


def test_the_user_menu_links_the_page(client, users):
    client.force_login(users.township)
    assert f'href="{PAGE}"' in client.get(PAGE).content.decode()


def test_the_api_revokes_the_callers_own_token(users):
    token = Token.objects.create(user=users.clerk_a)
    other = Token.objects.create(user=users.clerk_b)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.delete(API).status_code == 204
    assert not Token.objects.filter(pk=token.pk).exists() and Token.objects.filter(pk=other.pk).exists()
    assert revocations().get().detail["via"] == "api"
    again = client.delete(API)
    assert again.status_code == 401 and again.json()["detail"]
    assert api_get(token.key).status_code == 401


def test_the_api_delete_needs_a_signed_in_caller_and_a_token(users):
    anonymous = APIClient().delete(API)
    assert anonymous.status_code == 401 and anonymous.json()["detail"]
    session = APIClient()
    session.force_login(users.clerk_b)
    missing = session.delete(API)
    assert missing.status_code == 404 and missing.json()["detail"]


def test_an_expired_token_neither_revokes_nor_reads(users, settings):
    settings.TOKEN_TTL_DAYS = 30
    token = Token.objects.create(user=users.clerk_a)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(days=31))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.delete(API)
    assert response.status_code == 401 and "令牌已过期" in response.json()["detail"]
    assert not revocations().exists()


def test_the_password_exchange_still_answers_anonymously(users):
    from tests.factories import PASSWORD

    response = APIClient().post(API, {"username": "clerk_a", "password": PASSWORD}, format="json")
    assert response.status_code == 200 and response.json()["token"]


def test_drf_token_admin_is_for_administrators_only_and_shows_no_key(client, users):
    token = Token.objects.create(user=users.clerk_a)
    changelist = "/admin/authtoken/tokenproxy/"
    client.force_login(users.admin)
    page = client.get(changelist)
    assert page.status_code == 200 and "clerk_a" in page.content.decode()
    assert token.key not in page.content.decode()
    assert client.get(f"{changelist}{users.clerk_a.pk}/change/").status_code == 403  # the page shows the key
    assert client.get(f"{changelist}{users.clerk_a.pk}/delete/").status_code == 403
    assert client.get(f"{changelist}add/").status_code == 403
    staff = f.user("county_staff", Role.COUNTY_OFFICIAL, users.county.scope, is_staff=True)
    client.force_login(staff)
    assert client.get(changelist).status_code == 403
    assert "tokenproxy" not in client.get("/admin/").content.decode()
