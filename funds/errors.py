"""One way to raise a field error with a code (tests assert on codes, never on the Chinese text)."""

from django.core.exceptions import ValidationError


def invalid(field: str, message, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form fields it names, the rest at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
