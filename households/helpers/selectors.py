"""Scoped reads of helpers, pairings and work teams (§1): 404 outside the scope."""

import datetime as dt

from django.db.models import Count, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from accounts import access
from accounts.models import User
from villages.models import Region

from .. import choices as c
from ..idnumber import normalise
from ..models import Helper, Household, Member, Pairing, WorkTeamMember
from ..selectors import household_list_for


def helper_list_for(user: User) -> QuerySet[Helper]:
    """The helpers a user sees (accounts.access.helper_q): their scope's counties', or their county's."""
    q = access.helper_q(user)
    return Helper.objects.none() if q is None else Helper.objects.filter(q)


def helper_get_for(user: User, pk: int) -> Helper:
    try:
        return helper_list_for(user).select_related("county", "user").get(pk=pk)
    except Helper.DoesNotExist:
        raise Http404 from None


def with_paired_count(qs: QuerySet[Helper], user: User, *, day: dt.date | None = None) -> QuerySet[Helper]:
    """Annotate `paired`: the households the user sees that each helper is paired with on the day."""
    day = day or timezone.localdate()
    seen = access.household_q(user, "pairings__household")
    if seen is None:
        return qs.annotate(paired=Value(0))
    return qs.annotate(paired=Count("pairings", filter=access.pairing_active_q(day, "pairings") & seen))


def pairing_list_for(user: User) -> QuerySet[Pairing]:
    """The pairings of the households the user sees, current and ended (their history)."""
    return Pairing.objects.filter(household__in=household_list_for(user))


def pairing_get_for(user: User, pk: int) -> Pairing:
    try:
        return pairing_list_for(user).select_related("helper", "household").get(pk=pk)
    except Pairing.DoesNotExist:
        raise Http404 from None


def helpers_for_household(user: User, household: Household) -> QuerySet[Helper]:
    """The helpers a household may be paired with: those of its county that the user sees."""
    return helper_list_for(user).filter(county_id=household.county_id)


def is_registered_poor(helper: Helper) -> bool:
    """DQ11 (§8.2): whether the helper's ID number is that of a current member of a live household, as
    the nightly check compares them (normalised)."""
    number = normalise(helper.id_number or "")
    if not number:
        return False
    return Member.objects.filter(id_number=number, departure="", household__status__in=c.LIVE_STATUSES).exists()


def work_team_of(village: Region) -> QuerySet[WorkTeamMember]:
    """Every posting to a village, current and ended: first secretaries first, the latest first."""
    return WorkTeamMember.objects.filter(village=village).order_by("position", "-start", "-id")


def work_team_on(village: Region, day: dt.date) -> QuerySet[WorkTeamMember]:
    """The postings to a village that hold on the day (started, not yet ended: as a pairing holds)."""
    return work_team_of(village).filter(access.pairing_active_q(day))


def team_member_get_for(user: User, pk: int) -> WorkTeamMember:
    """A posting of a village inside the user's scope, or 404."""
    try:
        return WorkTeamMember.objects.select_related("village").get(pk=pk, village__in=access.regions_for(user))
    except WorkTeamMember.DoesNotExist:
        raise Http404 from None
