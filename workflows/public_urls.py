"""Public announcement pages, no login (§12)."""

from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("exits/", public_views.exits, name="exits"),
]
