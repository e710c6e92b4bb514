"""The registry of the standard tables (§12); importing this package registers every table."""

from django.http import Http404

from . import funds, households, members, regions  # noqa: F401 - registration
from .base import REGISTRY, Context, Table, filter_form_class, has_personal_columns, headers, row_count, rows_queryset


def table_get(key: str) -> Table:
    try:
        return REGISTRY[key]
    except KeyError:
        raise Http404 from None


__all__ = [
    "REGISTRY",
    "Context",
    "Table",
    "filter_form_class",
    "has_personal_columns",
    "headers",
    "row_count",
    "rows_queryset",
    "table_get",
]
