from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD

URL = "/api/v1/auth/token/"


def test_a_username_and_password_are_exchanged_for_a_token_that_authenticates(api, users, homes):
    response = api().post(URL, {"username": "clerk_a", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(key=key).user == users.clerk_a

    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listed = client.get("/api/v1/households/")
    assert listed.status_code == 200
    assert [row["number"] for row in listed.json()["results"]] == [homes.a.number]


def test_the_same_token_is_returned_on_a_second_exchange(api, users):
    first = api().post(URL, {"username": "clerk_a", "password": PASSWORD}, format="json").json()["token"]
    second = api().post(URL, {"username": "clerk_a", "password": PASSWORD}, format="json").json()["token"]
    assert first == second


def test_a_wrong_password_gets_400_with_a_message_and_no_token(api, users):
    response = api().post(URL, {"username": "clerk_a", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    assert not Token.objects.exists()


def test_an_inactive_user_gets_no_token(api, users):
    users.clerk_a.is_active = False
    users.clerk_a.save()
    response = api().post(URL, {"username": "clerk_a", "password": PASSWORD}, format="json")
    assert response.status_code == 400


def test_missing_fields_are_named(api, users):
    response = api().post(URL, {"username": "clerk_a"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_an_invalid_token_is_refused(api, users):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    # 403 rather than 401 while SessionAuthentication is the first authentication class (settings).
    assert client.get("/api/v1/households/").status_code in (401, 403)


def test_anonymous_requests_are_refused(api, users, homes):
    assert api().get("/api/v1/households/").status_code in (401, 403)
    assert api().get("/api/v1/regions/").status_code in (401, 403)


def test_an_oversized_body_gets_a_json_413(api, users, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api().post(URL, "username=" + "x" * 2000, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response.json()["detail"]
