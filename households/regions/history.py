"""The change history of a region's year (§2, §9): who changed its figures and flags, when, and each field
old → new, from the audit log's entries of that RegionYear (accounts.audit tracks the model). One query.

Region figures hold no personal data, so the lines are shown unmasked to whoever may edit them."""

from django.db.models import QuerySet

from accounts.audit import detail_lines
from accounts.models import AuditLog
from villages.models import RegionYear

HISTORY_LIMIT = 50


def _entries(figures: RegionYear) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(object_type="region_year", object_id=str(figures.pk))


def region_year_history(figures: RegionYear | None) -> list[dict]:
    """The year's entries, newest first: when, who, what (create, change, delete) and the lines."""
    if figures is None or figures.pk is None:
        return []
    entries = _entries(figures).select_related("user").order_by("-at", "-id")[:HISTORY_LIMIT]
    return [
        {
            "at": entry.at,
            "user": entry.user,
            "action": entry.get_action_display(),
            "lines": detail_lines(entry, masked=False),
        }
        for entry in entries
    ]
