"""Password validators beyond Django's own (§9): a date such as a birthday is guessed first."""

import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Separators people put in dates: 2020-12-31, 2020/12/31, 2020.12.31, 2020年12月31日.
_SEPARATORS = re.compile(r"[\s\-/._年月日]")
_FORMATS = {8: ("%Y%m%d", "%d%m%Y", "%m%d%Y"), 6: ("%y%m%d", "%d%m%y", "%m%d%y", "%Y%m")}


def looks_like_a_date(password: str) -> bool:
    digits = _SEPARATORS.sub("", password)
    if not digits.isdigit() or not digits.isascii():
        return False
    for fmt in _FORMATS.get(len(digits), ()):
        try:
            datetime.strptime(digits, fmt)  # noqa: DTZ007 - only whether it parses matters
        except ValueError:
            continue
        return True
    return False


class DateLikePasswordValidator:
    """Refuse passwords that are a date (20201231, 2020-12-31, 31.12.2020)."""

    def validate(self, password: str, user=None) -> None:
        if looks_like_a_date(password):
            raise ValidationError(_("This password is a date, which is easily guessed."), code="password_is_date")

    def get_help_text(self) -> str:
        return _("Your password can’t be a date.")
