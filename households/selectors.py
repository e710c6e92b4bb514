"""Scoped reads of households and members (§1): the one place the UI, the API, the admin and exports
ask which households a user may see."""

import datetime as dt

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.access import scope_of
from accounts.models import Role, User
from villages.models import Level

from . import choices as c
from .models import Household, Member


def household_scope_q(user: User) -> Q | None:
    """The filter that limits households to the user's scope; None means nothing is visible."""
    scope = scope_of(user)
    if scope is None:
        return None
    if user.role == Role.HELPER:
        today = dt.date.today()
        return (
            Q(
                pairings__helper__user=user,
                pairings__start__lte=today,
            )
            & (Q(pairings__end__isnull=True) | Q(pairings__end__gte=today))
            & Q(county__code__startswith=scope.prefix)
        )
    level = scope.level
    if level == Level.VILLAGE:
        return Q(village_id=scope.pk)
    if level == Level.TOWNSHIP:
        return Q(village__parent_id=scope.pk)
    if level == Level.COUNTY:
        return Q(county_id=scope.pk)
    if level == Level.CITY:
        return Q(county__parent_id=scope.pk)
    return Q(county__code__startswith=scope.prefix)


def household_list_for(user: User) -> QuerySet[Household]:
    q = household_scope_q(user)
    if q is None:
        return Household.objects.none()
    qs = Household.objects.filter(q)
    if user.role == Role.HELPER:
        qs = qs.distinct()
    return qs


def household_get_for(user: User, number: str) -> Household:
    """One household by its number, or 404 when it does not exist or lies outside the scope."""
    try:
        return household_list_for(user).select_related("village__parent", "county").get(number=number)
    except Household.DoesNotExist:
        raise Http404 from None


def current_member_count() -> Subquery:
    """The number of current members of the household of the outer query (a correlated subquery)."""
    size = (
        Member.objects.filter(household=OuterRef("pk"), departure="")
        .order_by()
        .values("household")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Subquery(size)


def with_head_and_size(qs: QuerySet[Household]) -> QuerySet[Household]:
    """Annotate the head's name and the number of current members (two correlated subqueries)."""
    head = Member.objects.filter(household=OuterRef("pk"), relationship=c.Relationship.HEAD, departure="")
    return qs.annotate(head_name=Subquery(head.values("name")[:1]), member_count=current_member_count())


def household_search(qs: QuerySet[Household], term: str) -> QuerySet[Household]:
    """Search by a member's ID number (18 characters), a household number (digits) or a member's name (§13)."""
    term = (term or "").strip()
    if not term:
        return qs
    if len(term) == 18 and term[:17].isdigit():
        return qs.filter(pk__in=Member.objects.filter(id_number=term.upper()).values("household_id"))
    if term.isdigit():
        return qs.filter(number__startswith=term)
    return qs.filter(pk__in=Member.objects.filter(name=term).values("household_id"))


def member_list_for(user: User) -> QuerySet[Member]:
    return Member.objects.filter(household__in=household_list_for(user))


def current_members(household: Household) -> QuerySet[Member]:
    return household.members.filter(departure="")
