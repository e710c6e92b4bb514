"""Reads of the region tree that know no user (§2). Scoped reads are in accounts.access (§1)."""

from .models import PREFIX_LENGTH, Region


def ancestors(region: Region) -> list[Region]:
    """From the province down to the region itself, for the breadcrumb (one query)."""
    prefixes = [region.code[:n].ljust(12, "0") for n in PREFIX_LENGTH.values()]
    found = {r.code: r for r in Region.objects.filter(code__in=prefixes)}
    chain = [found[p] for p in dict.fromkeys(prefixes) if p in found]
    return [r for r in chain if r.code != region.code] + [region]
