"""Token authentication for API clients (§13)."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from povertymgmt.api import PayloadTooLarge

from . import throttle
from .authentication import is_expired
from .services import token_revoke
from .typing import AuthenticatedRequest

if TYPE_CHECKING:
    from rest_framework.views import APIView

    _ViewBase = APIView  # the mixin's super() calls reach the API view it is mixed into
else:
    _ViewBase = object


class BoundedBodyMixin(_ViewBase):
    """For API views that take a body: one over DATA_UPLOAD_MAX_MEMORY_SIZE gets a JSON 413, not Django's
    HTML error page (DRF lets Django's RequestDataTooBig escape its exception handler)."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        declared = request.META.get("CONTENT_LENGTH") or ""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge()
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, RequestDataTooBig):
            exc = PayloadTooLarge()
        return super().handle_exception(exc)


class ThrottledAuthTokenSerializer(AuthTokenSerializer):
    """DRF's username and password check, throttled like the login page (accounts.throttle)."""

    def validate(self, attrs):
        request = self.context.get("request")
        username = attrs.get("username") or ""
        try:
            throttle.guard(request, username)
        except throttle.LoginLocked as locked:
            refused = Throttled(detail=str(locked))  # the message names the wait already
            refused.wait = locked.wait  # → Retry-After
            raise refused from None
        try:
            attrs = super().validate(attrs)
        except serializers.ValidationError:
            if username and attrs.get("password") and not _password_was_right(attrs):
                throttle.failed(request, username)
            raise
        throttle.succeeded(request, username)
        return attrs


def _password_was_right(attrs) -> bool:
    """Whether a refusal was for an inactive account (the password matched) rather than a guess."""
    from .models import User

    user = User.objects.filter(username=attrs["username"]).first()
    return user is not None and not user.is_active and user.check_password(attrs["password"])


class TokenObtainView(BoundedBodyMixin, ObtainAuthToken):
    """Exchange a username and password for the user's API token (sent as `Authorization: Token <key>`).
    The token lasts TOKEN_TTL_DAYS; once it has expired the exchange gives a new one. DELETE revokes the
    caller's own token (audited, accounts.services.token_revoke)."""

    # POST is open to anonymous clients, and free of the session's CSRF check: the password is the
    # credential. DELETE is signed in like every other API call (the token itself, or the session).
    authentication_classes: list = []
    serializer_class = ThrottledAuthTokenSerializer

    def _revoking(self) -> bool:
        return getattr(getattr(self, "request", None), "method", "") == "DELETE"

    def get_authenticators(self):
        if self._revoking():
            return [auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
        return super().get_authenticators()

    def get_permissions(self):
        if self._revoking():
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        summary=_("Revoke the caller's API token"),
        request=None,
        responses={
            204: OpenApiResponse(description=_("The token was revoked: requests with it now get 401")),
            401: OpenApiResponse(description=_("Not signed in, or the token is unknown or has expired")),
            404: OpenApiResponse(description=_("The caller holds no API token")),
        },
        tags=["auth"],
    )
    def delete(self, request: AuthenticatedRequest, *args, **kwargs) -> Response:
        if not token_revoke(user=request.user, owner=request.user, via="api"):
            raise NotFound(_("You hold no API token."))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=_("Exchange a username and password for an API token"),
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("TokenResponse", fields={"token": serializers.CharField()}),
            400: OpenApiResponse(description=_("Wrong username or password, or an inactive account")),
            413: OpenApiResponse(description=_("The request body is too large")),
            429: OpenApiResponse(description=_("Too many failed attempts for this username or address")),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        if is_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})
