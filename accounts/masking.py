"""Masking of personal information in lists, exports and API responses (§9)."""


def mask_id_number(value: str) -> str:
    """2112**********123X: the first four and the last four characters stay."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_bank_account(value: str) -> str:
    """Only the last four digits."""
    if not value:
        return ""
    digits = value.replace(" ", "")
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


MASKED = "***"
