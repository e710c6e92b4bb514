"""Public announcement pages, no login (§12)."""

from django.urls import path  # noqa: F401

app_name = "public"

urlpatterns = []
