"""Scoped reads of the region tree (§1, §2)."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role, User

from .models import Level, Region


def scope_region(user: User) -> Region | None:
    """The region a user sees; None means nothing (default deny)."""
    if not user.is_authenticated or not user.is_active:
        return None
    return user.scope


def region_list_for(user: User) -> QuerySet[Region]:
    """Every region inside the user's scope (a helper sees the tree of their scope too, for navigation)."""
    scope = scope_region(user)
    if scope is None:
        return Region.objects.none()
    return Region.objects.filter(code__startswith=scope.prefix)


def region_get_for(user: User, code: str) -> Region:
    try:
        return region_list_for(user).select_related("parent").get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None


def ancestors(region: Region) -> list[Region]:
    """From the province down to the region itself, for the breadcrumb (one query)."""
    prefixes = [region.code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)]
    found = {r.code: r for r in Region.objects.filter(code__in=prefixes)}
    chain = [found[p] for p in dict.fromkeys(prefixes) if p in found]
    return [r for r in chain if r.code != region.code] + [region]


def visible_ancestors(user: User, region: Region) -> list[Region]:
    scope = scope_region(user)
    if scope is None:
        return []
    return [r for r in ancestors(region) if scope.contains(r)]


def can_edit_region(user: User, region: Region) -> bool:
    """County officials edit the figures of regions inside their county (§2, issue of region figures)."""
    scope = scope_region(user)
    return (
        scope is not None
        and user.role == Role.COUNTY_OFFICIAL
        and scope.contains(region)
        and region.level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
    )
