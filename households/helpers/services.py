"""Writes of helpers, pairings and work teams (§1, §3, issue 14): every change of a helper or a posting is
kept in the audit log (households/apps.py) or the posting's history; a pairing or a posting is ended
with a date, never deleted."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from povertymgmt.dates import check_policy_dates
from povertymgmt.errors import invalid
from villages.models import Level, Region

from .. import choices as c
from ..idnumber import normalise, parse_id_number
from ..models import Helper, Household, Pairing, TeamPosition, WorkTeamMember
from ..selectors import household_list_for
from .selectors import is_registered_poor, work_team_on

SUMMARY_SEPARATOR = "、"


@transaction.atomic
def helper_save(*, user: User, helper: Helper) -> Helper:
    """§1: the county office creates or corrects one of its county's helpers. A resident ID number, when
    given, must be valid (§8.1): DQ11 compares it with the registry."""
    if not access.may_manage_helpers(user, helper.county):
        raise PermissionDenied(_("Only the county office keeps the helpers of its county."))
    if helper.county.level != Level.COUNTY:
        raise invalid("county", _("A helper belongs to a county."), "county_level")
    helper.id_number = normalise(helper.id_number)
    if helper.id_number:
        try:
            parse_id_number(helper.id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.error_list}) from exc
    if helper.user_id is not None and not access.helper_accounts(helper.county).filter(pk=helper.user_id).exists():
        raise invalid("user", _("Link an active helper account of this county."), "user_account")
    if helper.pk is None:
        helper.created_by = user
    helper.save()
    return helper


def _check_may_pair(user: User, household: Household) -> None:
    if not access.may_pair_households(user) or not household_list_for(user).filter(pk=household.pk).exists():
        raise PermissionDenied(_("You may not pair this household with a helper."))


@transaction.atomic
def pairing_create(*, user: User, household: Household, helper: Helper, start: dt.date) -> Pairing:
    """§1, §3: pair a household of the user's scope with a helper of its county from a date. A household has
    one helper at a time (1 helper : N households): a pairing that still holds on the start is ended first
    (pairing_end), never replaced silently. A registered poor person (DQ11, §8.2) is no helper."""
    _check_may_pair(user, household)
    household = Household.objects.select_for_update().get(pk=household.pk)  # one pairing at a time
    check_policy_dates(start=start)
    if household.status == c.Status.CLOSED:
        raise invalid("household", _("Household %(number)s is closed.") % {"number": household.number}, "closed")
    if helper.county_id != household.county_id:
        raise invalid("helper", _("%(name)s is a helper of another county.") % {"name": helper.name}, "county")
    if is_registered_poor(helper):
        message = _(
            "%(name)s is a registered poor person (a current member of a registered household) and cannot "
            "be a helper (DQ11)."
        )
        raise invalid("helper", message % {"name": helper.name}, "registered_poor")
    holding = (
        Pairing.objects.filter(household=household)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .select_related("helper")
        .order_by("-start")
        .first()
    )
    if holding is not None:
        if holding.helper_id == helper.pk:
            message = _("Household %(number)s is already paired with %(name)s from %(start)s.")
        else:
            message = _(
                "Household %(number)s has a helper (%(name)s) from %(start)s: end that pairing before pairing it again."
            )
        params = {"number": household.number, "name": holding.helper.name, "start": holding.start.isoformat()}
        raise invalid("start", message % params, "overlap")
    return Pairing.objects.create(helper=helper, household=household, start=start, created_by=user)


@transaction.atomic
def pairings_create(*, user: User, helper: Helper, households: Sequence[Household], start: dt.date) -> list[Pairing]:
    """Pair several households with one helper: all of them, or none (the first refusal names its household)."""
    pairings = []
    for household in households:
        try:
            pairings.append(pairing_create(user=user, household=household, helper=helper, start=start))
        except ValidationError as exc:
            messages = [str(m) for m in exc.messages]
            prefix = _("Household %(number)s: ") % {"number": household.number}
            text = " ".join(m if household.number in m else prefix + m for m in messages)
            raise invalid("households", text, "refused") from exc
    return pairings


@transaction.atomic
def pairing_end(*, user: User, pairing: Pairing, end: dt.date) -> Pairing:
    """§3: end a pairing on a date (its last day); the pairing stays, as history."""
    _check_may_pair(user, pairing.household)
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    check_policy_dates(end=end)
    if pairing.end is not None:
        raise invalid("end", _("This pairing ended on %(end)s.") % {"end": pairing.end.isoformat()}, "ended")
    if end < pairing.start:
        message = _("A pairing cannot end before it started (%(start)s).") % {"start": pairing.start.isoformat()}
        raise invalid("end", message, "before_start")
    pairing.end = end
    pairing.save(update_fields=["end", "updated_at"])
    return pairing


@transaction.atomic
def team_member_save(*, user: User, member: WorkTeamMember) -> WorkTeamMember:
    """§1: the county office records who is posted to one of its villages, as first secretary or work-team
    member, from and until when. A village has one first secretary at a time."""
    village = member.village
    if not access.may_manage_helpers(user, village) or village.level != Level.VILLAGE:
        raise PermissionDenied(_("Only the county office records a village's first secretary and work team."))
    Region.objects.select_for_update().filter(pk=village.pk).first()  # one change of a village's team at a time
    check_policy_dates(start=member.start, end=member.end)
    if member.end is not None and member.end < member.start:
        raise invalid("end", _("A posting cannot end before it started."), "before_start")
    if member.position == TeamPosition.FIRST_SECRETARY:
        overlapping = WorkTeamMember.objects.filter(village=village, position=TeamPosition.FIRST_SECRETARY).filter(
            Q(end__isnull=True) | Q(end__gte=member.start)
        )
        if member.end is not None:
            overlapping = overlapping.filter(start__lte=member.end)
        if member.pk is not None:
            overlapping = overlapping.exclude(pk=member.pk)
        other = overlapping.order_by("start").first()
        if other is not None:
            message = _(
                "%(name)s is the village's first secretary from %(start)s: a village has one first secretary "
                "at a time; end that posting first."
            )
            raise invalid("start", message % {"name": other.name, "start": other.start.isoformat()}, "overlap")
    if member.pk is None:
        member.created_by = user
    member.save()
    _summary_update(village)
    return member


def _summary_update(village: Region) -> None:
    """Keep the village's text fields first_secretary and work_team (shown by the region API and older
    pages) as the names of today's postings."""
    today = timezone.localdate()
    current = list(work_team_on(village, today))
    secretaries = SUMMARY_SEPARATOR.join(m.name for m in current if m.position == TeamPosition.FIRST_SECRETARY)
    team = SUMMARY_SEPARATOR.join(m.name for m in current if m.position == TeamPosition.TEAM_MEMBER)
    Region.objects.filter(pk=village.pk).update(first_secretary=secretaries[:50], work_team=team[:200])
