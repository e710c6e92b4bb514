"""Field errors of the services, shared by every app: a service raises `invalid(field, message, code)`,
a page puts it next to the field with `apply_errors` (tests assert on codes, never on the Chinese text)."""

from django import forms
from django.core.exceptions import ValidationError


def invalid(field: str, message, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form fields it names, the rest at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
