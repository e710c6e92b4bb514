from django.http import HttpRequest

from .menu import menu_html


def user_scope(request: HttpRequest) -> dict:
    """The top bar shows the user's role and scope on every page (style.md)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: the template calls it where the menu is shown, so a fragment (htmx) builds no menu.
    return {"user_role": user.get_role_display(), "user_scope": user.scope, "menu_html": lambda: menu_html(user)}
