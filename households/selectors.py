"""Scoped reads of households and members (§1): the one place the UI, the API, the admin and exports
ask which households a user may see."""

import functools

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404

from accounts import access
from accounts.models import User
from villages.models import Level, Region

from . import choices as c
from .models import CountyTally, Household, Member, VillageTally


def household_list_for(user: User) -> QuerySet[Household]:
    """The households the user sees (§1, accounts.access.household_q)."""
    q = access.household_q(user)
    if q is None:
        return Household.objects.none()
    qs = Household.objects.filter(q)
    if access.is_helper(user):
        qs = qs.distinct()  # one row per household however many pairings join
    return qs


def in_household_regions(qs: QuerySet, user: User) -> QuerySet:
    """Rows of other apps that carry their household's village and county, kept so when it moves
    (households/follow_sql.py: findings, alerts, assistance records, loans and visits), that the user
    sees: those of the households the user sees. For every role but the helper they are scoped by their
    own columns, one index range, as the households are (tests/monitoring/test_follow_household.py and
    tests/assistance/test_follow_household.py hold it equal to `household IN household_list_for(user)`);
    a helper's are those of the paired households."""
    scope = access.scope_of(user)
    if scope is None:
        return qs.none()
    if access.is_helper(user):
        return qs.filter(household__in=household_list_for(user))
    return households_in_region(qs, scope)


def households_for_aggregates(user: User) -> QuerySet[Household]:
    """The scoped queryset without the helper's DISTINCT, so it can be aggregated and annotated safely."""
    qs = household_list_for(user)
    if access.is_helper(user):
        qs = Household.objects.filter(pk__in=qs.values("pk"))
    return qs


def tallies_for(user: User, region: Region) -> QuerySet[VillageTally] | QuerySet[CountyTally] | None:
    """The tallies (households.tallies) of `region` for a user whose scope is a region (the page's region
    lies in it): per county for a province or a city, per village below; both carry `county` and
    `status`, the village tallies also `village`. None for a helper, whose households are their pairings
    and are counted from the registry."""
    if access.is_helper(user) or access.scope_of(user) is None:
        return None
    if region.level in (Level.PROVINCE, Level.CITY):
        return CountyTally.objects.filter(access.region_q(region, "county", county="county")).order_by()
    return VillageTally.objects.filter(access.region_q(region, "village", county="county")).order_by()


def list_count_from_tallies(user: User, region: Region | None, filters: dict) -> int | None:
    """The household list's number of households from the per-village tallies when only the region, the
    village and the status filter it (a COUNT(*) of a province's households is what a list page must not
    do, issue 16); None to count the filtered rows."""
    if filters.get("q") or filters.get("household_type") or filters.get("main_cause"):
        return None
    area = region or access.scope_of(user)
    village = filters.get("village")
    if area is not None and village is not None:
        if not access.code_in(area, village.code):
            return 0  # a village outside the page's region: the list is empty too
        area = village
    tallies = tallies_for(user, area) if area is not None else None
    if tallies is None:
        return None
    if filters.get("status"):
        tallies = tallies.filter(status=filters["status"])
    return tallies.aggregate(n=Sum("households"))["n"] or 0


def households_in_region(qs: QuerySet, region: Region | None) -> QuerySet:
    """Households — or rows carrying their household's village and county — of a region's subtree through
    the indexed village and county columns (all of them when `region` is None)."""
    return access.in_region(qs, region, "village", county="county")


# The village, its township and its county (§2): the breadcrumb of a user of a county or below walks
# them (accounts.access.visible_ancestors). Up to the province, the join of seven tables cost more to
# plan than the breadcrumb's own query.
VILLAGE_TO_COUNTY = "village__parent__parent"


def household_get_for(user: User, number: str) -> Household:
    """One household by its number, or 404 when it does not exist or lies outside the scope; with its
    village's township and county, which the page's breadcrumb walks."""
    try:
        return household_list_for(user).select_related(VILLAGE_TO_COUNTY, "county").get(number=number)
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


def current_head(field: str) -> Subquery:
    """A field of the current head of the household of the outer query (a correlated subquery)."""
    head = Member.objects.filter(household=OuterRef("pk"), relationship=c.Relationship.HEAD, departure="")
    return Subquery(head.values(field)[:1])


@functools.cache
def _head_and_size() -> tuple[Subquery, Subquery]:
    """Built once, at first use: annotate() resolves a copy of each (Subquery.copy clones its query),
    and building them anew took a third of the list rows' query building (1.1 → 0.8 ms, issue 16)."""
    return current_head("name"), current_member_count()


def with_head_and_size(qs: QuerySet[Household]) -> QuerySet[Household]:
    """Annotate the head's name and the number of current members (two correlated subqueries)."""
    head_name, member_count = _head_and_size()
    return qs.annotate(head_name=head_name, member_count=member_count)


def household_search(qs: QuerySet[Household], term: str, user: User | None = None) -> QuerySet[Household]:
    """Search by what a cadre has at hand (§13, issue 15 item 7), each an indexed prefix lookup:
    - a whole ID number (18 characters): its member's household;
    - digits: household numbers beginning with them, and, for users who may see ID numbers unmasked,
      members' ID numbers beginning with them (for a masked role a prefix search would rebuild a
      masked number digit by digit, §9);
    - anything else: members whose name begins with it ("邱", "夏彩" find 夏彩雅).
    Prefix lookups use the `member_name_prefix` and `member_id_prefix` indexes (pattern operators on
    PostgreSQL, so any collation works), and stay fast at a million members."""
    term = (term or "").strip()
    if not term:
        return qs
    if len(term) == 18 and term[:17].isdigit():
        return qs.filter(pk__in=Member.objects.filter(id_number=term.upper()).values("household_id"))
    if term.isdigit():
        by_number = qs.filter(number__startswith=term)
        if user is None or not access.may_view_sensitive(user) or len(term) < 6:
            return by_number
        by_id = qs.filter(pk__in=Member.objects.filter(id_number__startswith=term).values("household_id"))
        return by_number | by_id
    return qs.filter(pk__in=Member.objects.filter(name__startswith=term).values("household_id"))


def member_list_for(user: User) -> QuerySet[Member]:
    return Member.objects.filter(household__in=household_list_for(user))


def current_members(household: Household) -> QuerySet[Member]:
    return household.members.filter(departure="")
