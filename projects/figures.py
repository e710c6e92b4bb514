"""The figures that higher apps add to every project the project library lists (§10, §11, §12).

A project's budget is its own (ProjectBudget); what was arranged to it and paid out of it is kept by the
fund ledger, which is built on projects. The ledger adds its figures to the project pages, the public
notices and the API through this module: it registers an annotation in its AppConfig.ready(), so the
dependency points up the layering: funds imports projects, projects never imports funds
(docs/architecture.md). Today funds registers `arranged_total` and `disbursed_total` (funds/apps.py),
which the project list and page, the public notice page and CSV, and the API's ProjectSerializer show.

An annotation is called as `annotate(qs)` and returns `qs` with its figures added as aggregate subqueries,
so a page of projects costs no query per row.
"""

from collections.abc import Callable

from django.db.models import QuerySet

from .models import Project

ProjectFigures = Callable[[QuerySet[Project]], QuerySet[Project]]

_figures: list[ProjectFigures] = []


def register_project_figures(annotate: ProjectFigures) -> ProjectFigures:
    """Add `annotate`'s figures to every project list, after the figures registered before it.

    Registering the same function again keeps its first place (ready() may run more than once)."""
    if annotate not in _figures:
        _figures.append(annotate)
    return annotate


def with_registered_figures(qs: QuerySet[Project]) -> QuerySet[Project]:
    """`qs` with every registered figure, in the order they were registered."""
    for annotate in _figures:
        qs = annotate(qs)
    return qs
