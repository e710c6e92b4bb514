"""Applicants in the demo (issue 14, docs/lifecycle-applicants.md): the households the showcase village's
clerk imported in March are applicants (申请/待识别); most go through the identification chain (§6.2)
in spring and are announced poor, one is refused by the township with its reason, one is in its public
notice in December and one waits for its democratic appraisal, so that every state is on the pages.
"""

import datetime as dt

from accounts.models import Role
from households import choices as hc
from households.models import Household
from monitoring.models import AlertCategory
from villages.models import Region
from workflows import services as ws
from workflows.definitions import CaseType

from .cases import CaseSeeder

STEPS = (
    ("appraise", 6, "村民代表大会民主评议：该户收入低于当年扶贫标准，同意纳入。"),
    ("start_notice", 8, ""),
    ("close_notice", 16, "村内公示期满，无异议。"),
    ("township_approve", 19, "经乡镇审核，情况属实，同意上报县级审批。"),
    ("county_approve", 24, "县扶贫开发领导小组审批同意，纳入建档立卡。"),
    ("announce", 30, "县级公告期满，正式纳入建档立卡贫困户。"),
)
MARGINAL = "户主年老体弱，务工收入不稳定，人均纯收入接近监测范围，登记为边缘易致贫户。"
REFUSAL = "乡镇审核入户核实：该户家庭成员在外务工稳定，人均纯收入明显高于扶贫标准，不予识别。"


def seed_applicants(cases: CaseSeeder, village: Region, year: int) -> int:
    """The village's applicants through §6.2: all but three announced in spring, one refused by the
    township, one in its public notice in December, one whose case waits for the appraisal."""
    homes = list(Household.objects.filter(village=village, status=hc.Status.APPLICANT).order_by("number"))
    clock, actors = cases.clock, cases.actors
    n = len(homes)
    for k, home in enumerate(homes):
        waiting, in_notice, refused = k == n - 1, k == n - 2, k == n - 3
        start = dt.date(year, 12, 8) if waiting or in_notice else dt.date(year, 4, 8) + dt.timedelta(days=k)
        clock.set(start, 9)
        case = ws.case_open(user=actors[Role.VILLAGE_CLERK], case_type=CaseType.IDENTIFICATION, household=home)
        if waiting:
            continue
        for name, days, reason in STEPS:
            day = start + dt.timedelta(days=days)
            if refused and name == "township_approve":
                cases.step(case, "refuse_township", day, reason=REFUSAL)
                # Close to the line all the same: the clerk registers it as a monitoring object (§7).
                clock.set(day + dt.timedelta(days=40), 10)
                ws.case_open(
                    user=actors[Role.VILLAGE_CLERK],
                    case_type=CaseType.MONITORING,
                    household=home,
                    category=AlertCategory.MARGINAL,
                    trigger_note=MARGINAL,
                )
                break
            kwargs: dict = {"notice_start": day} if name == "start_notice" else {}
            if name == "appraise":
                kwargs["appraisal"] = {"date": day, "attendance": 30 + k % 20, "result": "参会代表一致同意该户申请。"}
            case = cases.step(case, name, day, reason=reason, **kwargs)
            if in_notice and name == "start_notice":
                break
    return n
