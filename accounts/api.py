"""Token authentication for API clients (§13)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken


class TokenObtainView(ObtainAuthToken):
    """Exchange a username and password for the user's API token (sent as `Authorization: Token <key>`)."""

    # Open to anonymous clients, and free of the session's CSRF check: the password is the credential.
    authentication_classes: list = []

    @extend_schema(
        summary=_("Exchange a username and password for an API token"),
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("TokenResponse", fields={"token": serializers.CharField()}),
            400: OpenApiResponse(description=_("Wrong username or password, or an inactive account")),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
