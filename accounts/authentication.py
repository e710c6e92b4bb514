"""API token authentication with an expiry (§9): DRF's TokenAuthentication, refusing tokens older than
TOKEN_TTL_DAYS. The token endpoint (accounts.api) replaces an expired token with a new one."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def expires_on(token: Token) -> datetime:
    """When the token stops authenticating (TOKEN_TTL_DAYS after it was issued)."""
    return token.created + timedelta(days=settings.TOKEN_TTL_DAYS)


def is_expired(token: Token) -> bool:
    return expires_on(token) < timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            token.delete()
            raise AuthenticationFailed(_("The API token has expired. Request a new one with your password."))
        return user, token
