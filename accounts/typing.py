"""Request types for views that only signed-in users reach.

Behind ``login_required`` (pages) or DRF's default ``IsAuthenticated`` (API) ``request.user`` is always
our User, never ``AnonymousUser``; the stubs cannot know that, so views annotate their request with these
types instead of casting ``request.user`` at every use. They live here, with the User model they name:
povertymgmt, below accounts in the app layering, cannot import it.
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a ``login_required`` page view."""

    user: "User"


class AuthenticatedRequest(Request):
    """The request of a DRF view behind ``IsAuthenticated`` (the project default)."""

    user: "User"
