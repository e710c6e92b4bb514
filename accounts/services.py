"""Writes of the accounts app: the audit log (§9)."""

from typing import Any

from .models import AuditAction, AuditLog, User


def audit_record(
    *, user: User | None, action: str, object_type: str = "", object_id: str | int = "", **detail: Any
) -> None:
    """Append one entry to the audit log: unmasked views, exports (who, when, filter, rows), changes."""
    AuditLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=AuditAction(action),
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
    )
