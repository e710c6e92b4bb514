"""The login page: Django's LoginView with the throttled form (§9); the user's API tokens page."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import tokens
from .forms import LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("account/api-tokens/", tokens.token_page, name="api_tokens"),
    path("account/api-tokens/new/", tokens.token_new, name="api_token_new"),
    path("account/api-tokens/<int:user_id>/revoke/", tokens.token_revoke_view, name="api_token_revoke"),
]
