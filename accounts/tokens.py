"""The "API 令牌" page (§9, §13): a user sees whether they hold an API token, when it was issued and when
it expires (TOKEN_TTL_DAYS, accounts.authentication), revokes it, or issues a new one whose key is shown
once, on the answer to that POST and never again. An administrator also lists every user's token and
revokes any of them. Revoking another user's token is 404 for everyone else (§1: never 403). Every
revocation and issue is written to the audit log (accounts.services)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from povertymgmt.pagination import page_of

from . import access
from .authentication import expires_on, is_expired
from .models import User
from .services import token_issue, token_revoke
from .typing import AuthenticatedHttpRequest

PAGE_SIZE = 50


def _state(token: Token | None) -> dict | None:
    if token is None:
        return None
    return {"created": token.created, "expires": expires_on(token), "expired": is_expired(token)}


def _page(request: AuthenticatedHttpRequest, *, new_key: str = "") -> HttpResponse:
    user = request.user
    token = Token.objects.filter(user=user).first()
    context: dict = {"token": _state(token), "new_key": new_key, "all_tokens": None}
    if access.may_manage_users(user):
        tokens = Token.objects.select_related("user").order_by("-created")
        page = page_of(request, tokens, per_page=PAGE_SIZE)
        context["all_tokens"] = page
        context["rows"] = [{"owner": t.user, **(_state(t) or {})} for t in page.object_list]
    return render(request, "accounts/tokens.html", context)


@login_required
def token_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def token_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Issue a new token (the old one stops working) and show its key this once."""
    token = token_issue(user=request.user)
    messages.success(request, _("A new API token was issued. Copy it now: it is not shown again."))
    return _page(request, new_key=token.key)


@login_required
@require_POST
def token_revoke_view(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Revoke the token of user `user_id`: one's own, or any user's for an administrator; else 404."""
    owner = get_object_or_404(User, pk=user_id)
    if not access.may_revoke_token(request.user, owner):
        raise Http404
    if token_revoke(user=request.user, owner=owner, via="page"):
        messages.success(request, _("The API token of %(user)s was revoked.") % {"user": owner.username})
    else:
        messages.info(request, _("%(user)s holds no API token.") % {"user": owner.username})
    return redirect("api_tokens")
