"""Every failure of the API answers JSON in one shape (issue 12 item 9): {"detail": <Chinese message>,
"code": <code>} plus the field errors of a 400; a busy database is a 503 with Retry-After, never an HTML
500; and the schema documents these answers (povertymgmt.api_errors, povertymgmt.api_schema)."""

import sqlite3
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.utils import translation
from rest_framework.test import APIClient

from households.models import Assessment
from povertymgmt.api_errors import INVALID_INPUT, DatabaseBusy, ServerError, UnknownAddress

from .conftest import household_document

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def in_chinese(message) -> str:
    """A message of the project as a Simplified Chinese user reads it (locale/zh_Hans)."""
    with translation.override("zh-hans"):
        return str(message)


@contextmanager
def write_lock(table: str):
    """A second database connection holds a real lock that keeps this test's connection from writing to
    `table`. SQLite (the tests' shared-cache database): a read transaction on the table, so a write to it
    is refused at once ("database table is locked"). PostgreSQL: LOCK TABLE … IN EXCLUSIVE MODE, with a
    lock_timeout of 200 ms on this test's connection (its transaction's own setting)."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, timeout=0.1, isolation_level=None)
        try:
            other.execute("BEGIN")
            other.execute(f"SELECT count(*) FROM {table}").fetchall()  # noqa: S608 - a table name of the test
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
    elif connection.vendor == "postgresql":
        import psycopg2

        other = psycopg2.connect(**connection.get_connection_params())
        try:
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '5s'")
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            yield
        finally:
            other.rollback()
            other.close()
    else:  # pragma: no cover
        pytest.skip(f"no lock recipe for {connection.vendor}")


def test_a_locked_database_answers_503_json_with_a_chinese_message_and_retry_after(api, users, homes):
    official = api(users.county)
    number = homes.a.number
    assessment = {"assessed_on": "2020-06-01", "food_secure": True, "clothing_secure": True}
    with write_lock(Assessment._meta.db_table):
        response = official.patch(f"/api/v1/households/{number}/", {"assessment": assessment}, format="json")
    body = assert_error(response, 503, "database_busy")
    assert body["detail"] == in_chinese(DatabaseBusy.default_detail)
    assert int(response["Retry-After"]) > 0
    assert not Assessment.objects.filter(household=homes.a).exists()  # nothing changed
    # Once the lock is gone the same request goes through.
    response = official.patch(f"/api/v1/households/{number}/", {"assessment": assessment}, format="json")
    assert response.status_code == 200, response.content


def test_a_database_error_outside_the_view_answers_503_json_too(users, monkeypatch):
    """Here the session, read by a middleware after the view, cannot be loaded."""
    client = APIClient(raise_request_exception=False)
    client.force_login(users.county)

    def busy(self):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", busy)
    response = client.get("/api/v1/no-such-endpoint/")
    body = assert_error(response, 503, "database_busy")
    assert body["detail"] == in_chinese(DatabaseBusy.default_detail)
    assert int(response["Retry-After"]) > 0


def test_an_unhandled_exception_answers_a_json_500(users, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("households.regions.api.RegionViewSet.list", broken)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(users.county)
    body = assert_error(client.get("/api/v1/regions/"), 500, "server_error")
    assert body["detail"] == in_chinese(ServerError.default_detail)


def test_an_unknown_api_address_answers_json_404(api, users, client):
    body = assert_error(api(users.county).get("/api/v1/no-such-endpoint/"), 404, "not_found")
    assert body["detail"] == in_chinese(UnknownAddress.default_detail)
    assert_error(api().get("/api/nothing-here"), 404, "not_found")
    # Outside /api/ a missing page stays the HTML page.
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_an_anonymous_client_gets_a_json_401(api):
    response = api().get("/api/v1/households/")
    body = assert_error(response, 401, "not_authenticated")
    assert has_chinese(body["detail"])
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_refusal_of_a_service_keeps_its_own_message(api, users):
    body = assert_error(api(users.auditor).post("/api/v1/imports/", {}, format="multipart"), 403, "permission_denied")
    assert has_chinese(body["detail"])
    generic = assert_error(api(users.auditor).post("/api/v1/households/", {}, format="json"), 403, "permission_denied")
    assert body["detail"] != generic["detail"]  # the service's reason, not DRF's generic sentence


def test_invalid_input_gives_the_field_errors_next_to_detail_and_code(api, users, tree):
    body = assert_error(
        api(users.county).post(
            "/api/v1/households/", household_document(tree.village_a.code, members=0), format="json"
        ),
        400,
        "invalid",
    )
    assert body["detail"] == in_chinese(INVALID_INPUT) and body["members"]
    body = assert_error(api(users.county).post("/api/v1/imports/", {}, format="multipart"), 400, "invalid")
    assert body["file"] and body["codes"] == ["required"]


def test_a_malformed_body_is_a_json_400(api, users, homes):
    response = api(users.county).generic(
        "PATCH", f"/api/v1/households/{homes.a.number}/", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_too_many_failed_logins_answer_429_with_retry_after(api, users):
    for _ in range(5):
        api().post("/api/v1/auth/token/", {"username": "clerk_a", "password": "wrong"}, format="json")
    response = api().post("/api/v1/auth/token/", {"username": "clerk_a", "password": "wrong"}, format="json")
    body = assert_error(response, 429, "throttled")
    assert has_chinese(body["detail"]) and int(response["Retry-After"]) > 0


def test_the_schema_documents_the_error_answers(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail", "code"]
    assert components["ValidationError"]["required"] == ["detail", "code"]
    ref = "#/components/schemas/{}".format

    def answer(path, method, status):
        return schema["paths"][path][method]["responses"][status]

    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for status in ("429", "503"):
                assert responses[status]["content"]["application/json"]["schema"] == {"$ref": ref("Error")}
                assert "Retry-After" in responses[status]["headers"], (path, method, status)
            if method in ("post", "put", "patch"):
                assert "400" in responses, (path, method)
            if "{" in path:
                assert "404" in responses, (path, method)
            if path != "/api/v1/auth/token/":
                assert {"401", "403"} <= set(responses), (path, method)
    households = "/api/v1/households/{number}/"
    assert answer(households, "patch", "400")["content"]["application/json"]["schema"] == {
        "$ref": ref("ValidationError")
    }
    assert answer(households, "get", "404")["content"]["application/json"]["schema"] == {"$ref": ref("Error")}
    assert answer(households, "get", "404")["description"]  # the view's own description is kept
    assert "401" not in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]


def test_a_member_s_departure_may_be_blank_in_the_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    departure = schema["components"]["schemas"]["Member"]["properties"]["departure"]
    enums = [schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]] for ref in departure["oneOf"]]
    assert "" in [value for enum in enums for value in enum["enum"]]
