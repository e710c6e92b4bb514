"""One JSON error shape for API clients (issue 12 item 9), whatever failed.

Every error under /api/ answers `{"detail": <message in the user's language>, "code": <stable code>}`; a
400 of invalid input also carries the errors of each field under the field's name, as DRF gives them. A
busy database (a locked SQLite file, a PostgreSQL lock or statement timeout, a deadlock, a lost
connection) answers 503 with Retry-After: the client may simply try again. `exception_handler` covers the
API views (REST_FRAMEWORK["EXCEPTION_HANDLER"]); `ApiErrorMiddleware` covers what Django answers itself
under /api/ (an unknown address, an exception outside a view, an uncaught one) and turns it into the same
JSON. The schema documents these answers (povertymgmt.api_schema).
"""

import logging
import sqlite3
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .api import PayloadTooLarge

API_PREFIX = "/api/"
# Seconds a client should wait before it tries again after a 503 of a busy database.
RETRY_AFTER_SECONDS = 5

logger = logging.getLogger(__name__)

INVALID_INPUT = _("The request has errors: see the message under each field.")
REFUSED = _("The request was refused (HTTP %(status)s).")


class DatabaseBusy(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The database is busy. Please try again in a few seconds.")
    default_code = "database_busy"
    wait = RETRY_AFTER_SECONDS  # → Retry-After (DRF's exception handler)


class ServerError(exceptions.APIException):
    default_detail = _("The server could not complete this request. The error has been logged; please try again later.")
    default_code = "server_error"


class UnknownAddress(exceptions.NotFound):
    default_detail = _("There is no API endpoint at this address.")


class BadRequest(exceptions.ParseError):
    default_detail = _("The request could not be understood.")
    default_code = "bad_request"


def is_database_busy(exc: BaseException | None) -> bool:
    """Whether an exception is the database being busy or away (worth trying again), not a bug."""
    if isinstance(exc, InterfaceError):  # the connection was lost
        return True
    if not isinstance(exc, OperationalError):
        return False
    if isinstance(exc.__cause__, sqlite3.Error):
        # SQLite reports its own programming errors ("no such column") as OperationalError too.
        text = str(exc).lower()
        return "locked" in text or "busy" in text
    # PostgreSQL (psycopg2): lock_not_available, query_canceled (statement_timeout), deadlocks,
    # serialization failures, lost connections, too many connections; its SQL errors are other classes.
    return True


def as_api_exception(exc: Exception) -> Exception:
    """Django's and the database's exceptions as the API exception that answers them."""
    if isinstance(exc, DjangoValidationError):
        # Services raise Django's ValidationError (with codes): answered like the API's own.
        detail = get_error_detail(exc)
        return exceptions.ValidationError(detail if isinstance(detail, dict) else {"non_field_errors": detail})
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        # The service's own message says why (DRF would put its generic one in its place).
        return exceptions.PermissionDenied(str(exc) or None)
    if is_database_busy(exc):
        logger.warning("API request answered 503, the database is busy: %s", exc, exc_info=exc)
        return DatabaseBusy()
    return exc


def error_code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else str(exc.default_code)


def error_body(data, exc: exceptions.APIException) -> dict:
    """The API's one error shape. No input field of the API is named `detail` or `code`."""
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {api_settings.NON_FIELD_ERRORS_KEY: data}
        return {**fields, "detail": str(INVALID_INPUT), "code": "invalid"}
    detail = data.get("detail", exc.detail) if isinstance(data, dict) else exc.detail
    return {"detail": str(detail), "code": error_code(exc)}


def exception_handler(exc: Exception, context: dict):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every exception of an API view in the one error shape. Other
    exceptions (bugs) propagate: Django logs them and ApiErrorMiddleware answers a JSON 500."""
    exc = as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(response.data, exc)
    return response


def _remember_exception(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """Django sends this signal just before its 500 page: keep the exception for ApiErrorMiddleware."""
    if request is not None:
        request.api_exception = sys.exc_info()[1]  # type: ignore[attr-defined]


got_request_exception.connect(_remember_exception, dispatch_uid="povertymgmt.api_errors")

# What Django answers itself (its error pages), by status, as the API's exception.
DJANGO_ANSWERS: dict[int, Callable[[], exceptions.APIException]] = {
    400: BadRequest,
    403: exceptions.PermissionDenied,
    404: UnknownAddress,
}


def django_error_as_json(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    exc = getattr(request, "api_exception", None)
    language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        if response.status_code >= 500:
            error: exceptions.APIException = DatabaseBusy() if is_database_busy(exc) else ServerError()
        elif response.status_code in DJANGO_ANSWERS:
            error = DJANGO_ANSWERS[response.status_code]()
        else:
            error = exceptions.APIException(detail=REFUSED % {"status": response.status_code}, code="error")
            error.status_code = response.status_code
        body = {"detail": str(error.detail), "code": error_code(error)}
    answer = JsonResponse(body, status=error.status_code, json_dumps_params={"ensure_ascii": False})
    wait = getattr(error, "wait", None)
    if wait:
        answer["Retry-After"] = str(wait)
    for name, value in response.headers.items():  # no-store, CSP, Content-Language … of the inner layers
        if name.lower() not in ("content-type", "content-length"):
            answer.headers.setdefault(name, value)
    return answer


class ApiErrorMiddleware:
    """Under /api/, an answer Django made itself (an HTML error page: unknown address, an exception outside
    or escaping a view) becomes the API's JSON error. Answers of the API views pass unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path_info.startswith(API_PREFIX):
            return response
        if "json" in response.get("Content-Type", "") or hasattr(response, "data"):  # the API's own answer
            return response
        return django_error_as_json(request, response)
