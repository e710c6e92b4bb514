"""The login forms of the login page and the Django admin: both throttled (§9, accounts.throttle)."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from . import throttle

if TYPE_CHECKING:
    _FormBase = AuthenticationForm  # the mixin's super() calls reach the authentication form
else:
    _FormBase = object


class ThrottledLoginMixin(_FormBase):
    """Refuses a locked-out username or address before the password is checked, counts failures, and
    clears the username's count on a correct password."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if not (username and self.cleaned_data.get("password")):
            return super().clean()  # nothing is checked: the missing field is reported
        try:
            throttle.guard(self.request, username)
        except throttle.LoginLocked as locked:
            raise forms.ValidationError(str(locked), code="throttled") from None
        try:
            return super().clean()
        except forms.ValidationError:
            # A correct password of an inactive or (for the admin) non-staff account is not a guess.
            if self.user_cache is None:
                throttle.failed(self.request, username)
            raise
        finally:
            if self.user_cache is not None:
                throttle.succeeded(self.request, username)


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
