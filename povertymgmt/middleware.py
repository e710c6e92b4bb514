"""Response headers that keep personal data out of caches and scripts out of pages (§9, issue 12 item 9)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

# Scripts only from our own static files (no inline script, no eval); styles may be inline (Bootstrap
# components and htmx set style attributes), images may be data: URIs (charts, thumbnails).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The API's interactive documentation is drf-spectacular's page, with an inline bootstrap script.
CSP_EXEMPT_URL_NAMES = frozenset({"api-docs"})


class PrivateResponseMiddleware:
    """Every answer to a signed-in user may carry ID numbers, bank accounts or health facts (§9): no
    browser or proxy may keep a copy (`Cache-Control: no-store, private`). Static files are served by
    WhiteNoise before this middleware is reached and keep their long cache lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.static_prefix):
            return response
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        if authenticated:
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name not in CSP_EXEMPT_URL_NAMES:
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class NulCharacterMiddleware:
    """A NUL character in the address or the query string is refused with 400 before any view runs: no
    text in the registry can hold one, and PostgreSQL refuses it in a string (a filter such as
    `?region=%00` would otherwise fail with a server error). Forms and the API refuse it in bodies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.lists()
        if "\x00" in request.path or any("\x00" in key + value for key, values in query for value in values):
            return HttpResponseBadRequest(_("The address holds a character that is not allowed."))
        return self.get_response(request)
