from django.http import HttpRequest

from .menu import menu_for


def user_scope(request: HttpRequest) -> dict:
    """The top bar shows the user's role and scope on every page (style.md)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_role": user.get_role_display(), "user_scope": user.scope, "menu": menu_for(user)}
