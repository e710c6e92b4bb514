"""Reads of the region tree that know no user (§2). Scoped reads are in accounts.access (§1)."""

from .models import PREFIX_LENGTH, Region


def read_parents(region: Region) -> list[Region]:
    """The region and the parents read with it (`select_related("parent__parent…")`), the region first."""
    chain = [region]
    while chain[-1].parent_id is not None and Region.parent.is_cached(chain[-1]):
        parent = chain[-1].parent
        assert parent is not None
        chain.append(parent)
    return chain


def ancestors(region: Region) -> list[Region]:
    """From the province down to the region itself, for the breadcrumb: the parents read with the region
    when they reach the province, else one query."""
    chain = read_parents(region)
    if chain[-1].parent_id is None:
        return chain[::-1]
    prefixes = [region.code[:n].ljust(12, "0") for n in PREFIX_LENGTH.values()]
    found = {r.code: r for r in Region.objects.filter(code__in=prefixes)}
    chain = [found[p] for p in dict.fromkeys(prefixes) if p in found]
    return [r for r in chain if r.code != region.code] + [region]
