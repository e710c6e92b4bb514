"""The one way a list page is paged: page_of() here, templates/includes/pagination.html for the links."""

from collections.abc import Iterable
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 25


COUNT_CAP = 10_000  # a list of rows that accumulate over the years counts this many at most


def capped_count(items: QuerySet, cap: int = COUNT_CAP) -> int:
    """The number of `items`, counted up to cap + 1: a page of a province's years of records says "more
    than <cap>" (its filters narrow them) rather than counting millions of rows on every request."""
    return items.order_by()[: cap + 1].count()


class QueryPage(Page):
    """A page that knows the request's other query parameters, so that its links keep the filters."""

    query = ""  # url-encoded, without "page"
    count_capped = False  # the count stopped at `count_cap`: the page says "more than <count_cap>"
    count_cap = 0


class _Paginator(Paginator):
    def _get_page(self, *args: Any, **kwargs: Any) -> QueryPage:
        return QueryPage(*args, **kwargs)


def page_of(
    request: HttpRequest,
    items: Any,
    *,
    per_page: int = PER_PAGE,
    count: int | None = None,
    cap: int | None = None,
    capped: QuerySet | None = None,
) -> QueryPage:
    """The page of `items` (a queryset or a list) that ?page= asks for; the last one when it asks for too
    much, the first when it is not a number (Paginator.get_page). `count`: the number of items when the
    caller knows it cheaper than a COUNT(*) over them (the household list's totals kept per village), or
    counted up to `cap`: the page's `count_capped` then says that there are more. `capped`: the rows of a
    list of years of rows (`items` may be their ids), counted here up to COUNT_CAP."""
    if capped is not None:
        cap = COUNT_CAP
        count = capped_count(capped, cap)
    paginator = _Paginator(items, per_page)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property: this is its value
    page = cast(QueryPage, paginator.get_page(request.GET.get("page")))
    if cap is not None and count is not None:
        page.count_capped, page.count_cap = count > cap, cap
    params = request.GET.copy()
    params.pop("page", None)
    page.query = params.urlencode()
    return page


def with_rows(page: QueryPage, rows: QuerySet) -> QueryPage:
    """A page of ids (page_of over `….order_by(…).values_list("pk", flat=True)`, an index range) filled
    with the rows of `rows` for those ids, in the page's order: the joins and annotations a row needs run
    for the rows shown only, not for every row an OFFSET skips or a sort must see (the household list's
    page 500: 380 ms → a few; the cases, helpers, end-of-support and assistance lists, issue 16)."""
    page.object_list = in_order(page.object_list, rows)
    return page


def in_order(ids: Iterable[Any], rows: QuerySet) -> list:
    """The rows of `rows` with these ids (a list, or a sliced `values_list("pk", flat=True)`), in the
    ids' order, in one `in_bulk` read (with_rows; a page's few latest rows)."""
    ids = list(ids)
    found = rows.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
