"""Writes of the accounts app: the audit log (§9) and the API tokens."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from villages.models import Region

from .access import may_revoke_token
from .models import AuditAction, AuditLog, User


def audit_record(
    *,
    user: User | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    entry_region: Region | int | None = None,
    object_repr: str = "",
    **detail: Any,
) -> AuditLog:
    """Append one entry to the audit log: unmasked views, exports (who, when, filter, rows), changes.

    `entry_region` (a region or its id) places the entry in the region tree, so that an auditor of that
    region's county or above reads it (§1); an entry without one is read at the province only
    (docs/audit.md). Changes of tracked models are written by accounts.audit, not here."""
    return AuditLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=AuditAction(action),
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        region_id=entry_region.pk if isinstance(entry_region, Region) else entry_region,
        detail=detail,
    )


# --- API tokens (§9, §13): issued to their owner, revoked by the owner or an administrator, audited. ---


def token_revoke(*, user: User, owner: User, via: str) -> bool:
    """Revoke `owner`'s API token (the next request with it gets 401); False when there was none. Refused
    unless `user` is the owner or an administrator (accounts.access.may_revoke_token)."""
    if not may_revoke_token(user, owner):
        raise PermissionDenied(_("Only the owner of an API token or an administrator may revoke it."))
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=owner).first()
        if token is None:
            return False
        created = token.created
        token.delete()
        audit_record(
            user=user,
            action=AuditAction.CHANGE,
            object_type="token",
            object_id=owner.pk,
            object_repr=owner.username,
            owner=owner.username,
            revoked=True,
            created=created.isoformat(),
            via=via,
        )
    return True


def token_issue(*, user: User) -> Token:
    """A new API token for `user`, replacing (and so revoking) the one they had; the key is shown once."""
    with transaction.atomic():
        replaced = token_revoke(user=user, owner=user, via="replaced")
        token = Token.objects.create(user=user)
        audit_record(
            user=user,
            action=AuditAction.CHANGE,
            object_type="token",
            object_id=user.pk,
            object_repr=user.username,
            owner=user.username,
            issued=True,
            replaced=replaced,
        )
    return token
