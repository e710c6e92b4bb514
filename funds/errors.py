"""One way to raise a field error with a code (tests assert on codes, never on the Chinese text)."""

from django.core.exceptions import ValidationError


def invalid(field: str, message, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})
