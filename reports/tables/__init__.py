"""The registry of the standard tables (§12); importing this package registers every table."""

from django.http import Http404

from accounts.models import User

from . import funds, households, members, regions  # noqa: F401 - registration
from .base import (
    REGISTRY,
    Context,
    Table,
    display_rows,
    filter_form_class,
    has_personal_columns,
    headers,
    row_count,
    rows_queryset,
)


def table_get(key: str, user: User | None = None) -> Table:
    """The table of the key; 404 when there is none or, given the user, when they may not see it (§9)."""
    table = REGISTRY.get(key)
    if table is None or (user is not None and not table.visible_to(user)):
        raise Http404
    return table


def tables_for(user: User) -> list[Table]:
    """The tables the user may open: a health ledger is absent for roles that may not see health data."""
    return [t for t in REGISTRY.values() if t.visible_to(user)]


__all__ = [
    "REGISTRY",
    "Context",
    "Table",
    "display_rows",
    "filter_form_class",
    "has_personal_columns",
    "headers",
    "row_count",
    "rows_queryset",
    "table_get",
    "tables_for",
]
