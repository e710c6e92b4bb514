"""Closing and the end of policy support in the demo (issue 14, docs/lifecycle-closing.md), through the
services on the simulated clock:
- in the showcase village, the last member of a one-person household dies in November: the clerk records
  the death with the closing, opens the 销户 case (all members deceased), the township and the county
  approve it in December;
- the county office ends the policy support of a few households of the county that exited three or more
  years before the working year (不再享受政策), with the reason on each.
"""

import datetime as dt

from django.db.models import Count, Q

from accounts.audit import acting_as
from accounts.models import Role, User
from households import choices as hc
from households.end_of_support import end_support, exited_in_county
from households.models import Household
from households.services import member_change_record
from villages.models import Region
from workflows import definitions as d
from workflows import services as ws
from workflows.models import Case, ClosingReason

from .clock import SimulatedClock

END_OF_SUPPORT_COUNT = 5


def seed_closing_and_end_of_support(
    clock: SimulatedClock, actors: dict[str, User], village: Region, county: Region, year: int
) -> None:
    _closing(clock, actors, village, year)
    _end_of_support(clock, actors, county, year)


def _closing(clock: SimulatedClock, actors: dict[str, User], village: Region, year: int) -> None:
    running = Case.objects.filter(closed_at__isnull=True, household__isnull=False).values("household_id")
    home = (
        Household.objects.filter(village=village, status__in=hc.POOR_STATUSES)
        .exclude(pk__in=running)
        .annotate(current=Count("members", filter=Q(members__departure="")))
        .filter(current=1)
        .order_by("number")
        .first()
    )
    if home is None:
        return
    clerk = actors[Role.VILLAGE_CLERK]
    died = dt.date(year, 11, 20)
    clock.set(dt.date(year, 11, 24), 9)
    member = home.members.get(departure="")
    with acting_as(clerk):  # the tracked member change names the clerk (accounts.audit)
        member_change_record(
            user=clerk, member=member, kind=hc.MemberEventKind.DEATH, date=died, note="病故", closing=True
        )
        case = ws.case_open(
            user=clerk,
            case_type=d.CaseType.CLOSING,
            household=home,
            closing_reason=ClosingReason.DECEASED,
            justification=f"户内唯一成员{member.name}于{died:%Y年%m月%d日}病故，户内已无在册人口，申请销户。",
        )
    for day, role, step, remark in (
        (2, Role.TOWNSHIP_REVIEWER, "township_approve", "核实属实"),
        (9, Role.COUNTY_OFFICIAL, "county_approve", "同意销户"),
    ):
        clock.set(dt.date(year, 12, day), 10)
        with acting_as(actors[role]):
            ws.case_transition(user=actors[role], case=case, transition=step, reason=remark)


def _end_of_support(clock: SimulatedClock, actors: dict[str, User], county: Region, year: int) -> None:
    homes = list(
        exited_in_county(county)
        .filter(exit_year__lte=year - 3)
        .exclude(pk__in=Case.objects.filter(closed_at__isnull=True, household__isnull=False).values("household_id"))
        .order_by("number")
        .values_list("pk", flat=True)[:END_OF_SUPPORT_COUNT]
    )
    if not homes:
        return
    clock.set(dt.date(year, 12, 16), 15)
    end_support(
        user=actors[Role.COUNTY_OFFICIAL],
        county=county,
        household_ids=homes,
        reason=f"脱贫满三年，{year}年度动态调整复核收入稳定、“两不愁三保障”巩固，不再享受帮扶政策。",
    )
