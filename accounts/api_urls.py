"""Account routes of /api/v1/ (§13)."""

from django.urls import path

from .api import TokenObtainView

urlpatterns = [path("auth/token/", TokenObtainView.as_view(), name="api-token")]
