"""Token authentication for API clients (§13)."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from povertymgmt.api import PayloadTooLarge

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


class TokenObtainView(BoundedBodyMixin, ObtainAuthToken):
    """Exchange a username and password for the user's API token (sent as `Authorization: Token <key>`)."""

    # Open to anonymous clients, and free of the session's CSRF check: the password is the credential.
    authentication_classes: list = []

    @extend_schema(
        summary=_("Exchange a username and password for an API token"),
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("TokenResponse", fields={"token": serializers.CharField()}),
            400: OpenApiResponse(description=_("Wrong username or password, or an inactive account")),
            413: OpenApiResponse(description=_("The request body is too large")),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
