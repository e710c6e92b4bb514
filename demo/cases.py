"""Demo cases (§6, §7) walked through the workflows' own services on the days of the working year Y.

The showcase village's clerk proposes the households that last night's run (as of 30 November Y) found
eligible and takes them along §6.1, so that on the first day cases wait at every step: three with the
township's approval and their notice behind them wait for the county, one was approved (its dossier
sealed), one announced (the household exited), one sent back. Monitoring cases (§7) start from the
run's alerts; a village exit waits for the county (§6.3); the showcase county's own exit, in the year it
happened, runs the whole §6.3 chain with its provincial verification sample (§6.4).
"""

import datetime as dt
import random

from django.db.models import QuerySet

from accounts.models import Role, User
from eligibility.models import HouseholdCheck
from households import choices as hc
from households.models import Household
from monitoring.models import AlertCategory, AlertState, MonitoringAlert
from villages.models import Level, Region
from workflows import samples
from workflows import services as ws
from workflows.definitions import WORKFLOWS, CaseType, State
from workflows.models import AttachmentKind, Case
from workflows.snapshots import region_snapshot

from . import names as n
from .clock import SimulatedClock
from .evidence import house_photo, signed_form

S = State
# The state each proposal is left in, most telling first (a small demo has few households to propose).
EXIT_PLAN = (
    S.TOWNSHIP_APPROVED,
    S.APPROVED,
    S.ANNOUNCED,
    S.NOTICE,
    S.TOWNSHIP_APPROVED,
    S.APPRAISED,
    S.VERIFIED,
    S.CONFIRMED,
    S.NOTICED,
    S.SENT_BACK,
    S.TOWNSHIP_APPROVED,
)
# §6.1 after the appraisal: (step, days after opening, state reached, reason).
EXIT_STEPS = (
    ("verify", 2, S.VERIFIED, "村委会和驻村工作队入户核实：收入、住房、饮水、就学、医保情况属实。"),
    ("confirm", 5, S.CONFIRMED, "户主对拟退出无异议，已签字确认。"),
    ("start_notice", 6, S.NOTICE, ""),
    ("close_notice", 14, S.NOTICED, "公示期满。"),
    ("township_approve", 16, S.TOWNSHIP_APPROVED, "经乡镇审核，符合退出标准，同意上报。"),
    ("county_approve", 21, S.APPROVED, "经县扶贫开发领导小组审定，同意退出。"),
    ("announce", 26, S.ANNOUNCED, "县级公告期满，准予退出，销号。"),
)
# §7 after the alert is confirmed: (step, days after, state reached).
MONITORING_PLAN = (S.MONITORED, S.TOWNSHIP_APPROVED, S.VISITED, S.CONFIRMED)
MONITORING_STEPS = (
    ("visit", 2, S.VISITED, "入户走访：家庭成员患病住院，医疗支出较大，收入明显下降。"),
    ("start_notice", 4, S.NOTICE, ""),
    ("close_notice", 10, S.NOTICED, "公示期满无异议。"),
    ("township_approve", 12, S.TOWNSHIP_APPROVED, "经乡镇审核，同意纳入监测。"),
    ("county_approve", 16, S.MONITORED, "县级审定，纳入防返贫监测，落实帮扶措施。"),
)


class CaseSeeder:
    def __init__(self, rng: random.Random, clock: SimulatedClock, actors: dict[str, User], year: int) -> None:
        self.rng, self.clock, self.actors, self.year = rng, clock, actors, year

    def step(self, case: Case, name: str, day: dt.date, **kwargs) -> Case:
        """Take step `name` on `day` as the demo user of the role the workflow names for it."""
        self.clock.set(day, 10)
        transition = WORKFLOWS[case.case_type].transition(name)
        assert transition is not None, name
        user = self.actors[transition.roles[0]]
        return ws.case_transition(user=user, case=case, transition=name, **kwargs)

    def _appraisal(self, day: dt.date, result: str) -> dict:
        return {"date": day, "attendance": self.rng.randint(28, 65), "result": result}

    # --- §6.1 household exit ---

    def exits(self, village: Region, as_of: dt.date) -> int:
        """Propose the village's households that the run of `as_of` found eligible, along EXIT_PLAN."""
        checks = HouseholdCheck.objects.on(as_of).filter(
            village_id=village.pk, eligible=True, status__in=hc.POOR_STATUSES
        )
        homes = list(Household.objects.filter(pk__in=checks.values("household_id")).order_by("number"))
        for target, home in zip(EXIT_PLAN, homes, strict=False):
            self._exit(home, target)
        return min(len(EXIT_PLAN), len(homes))

    def _exit(self, home: Household, target: str) -> Case:
        rng, clerk = self.rng, self.actors[Role.VILLAGE_CLERK]
        end = dt.date(self.year, 12, 28)
        reached: list[str] = [state for _n, _d, state, _r in EXIT_STEPS]
        stop = 0 if target == S.APPRAISED else reached.index(S.NOTICED if target == S.SENT_BACK else target) + 1
        last = 16 if target == S.SENT_BACK else EXIT_STEPS[stop - 1][1] if stop else 0  # days to the last step
        opened = max(dt.date(self.year, 12, 1), end - dt.timedelta(days=last + rng.randint(0, 3)))
        if target == S.NOTICE:
            opened = min(opened, end - dt.timedelta(days=9))  # an objection comes in two days after posting
        self.clock.set(opened, 9)
        result = "参会群众代表一致同意该户拟退出。"
        case = ws.case_open(
            user=clerk,
            case_type=CaseType.HOUSEHOLD_EXIT,
            household=home,
            appraisal=self._appraisal(opened - dt.timedelta(days=1), result),
        )
        for name, days, _state, reason in EXIT_STEPS[:stop]:
            day = opened + dt.timedelta(days=days)
            if name == "confirm":
                self.clock.set(day - dt.timedelta(days=2), 15)
                ws.attachment_add(
                    user=clerk, case=case, kind=AttachmentKind.HOUSE_PHOTO, upload=house_photo(home.number)
                )
                self.clock.set(day - dt.timedelta(days=1), 15)
                ws.attachment_add(
                    user=clerk, case=case, kind=AttachmentKind.SIGNED_FORM, upload=signed_form(home.number, day)
                )
            if name == "close_notice" and target in (S.NOTICED, S.SENT_BACK):
                self._objection(case, opened, resolve=True)
            kwargs = {"notice_start": day} if name == "start_notice" else {}
            case = self.step(case, name, day, reason=reason, **kwargs)
        if target == S.SENT_BACK:
            day = opened + dt.timedelta(days=16)
            reason = "公示期间群众反映该户子女在外务工收入未计入，请村级重新核实收入后再报。"
            return self.step(case, "send_back_township", day, reason=reason)
        if target == S.NOTICE:
            self._objection(case, opened, resolve=False)  # raised while the notice runs: it blocks closing
        return case

    def _objection(self, case: Case, opened: dt.date, *, resolve: bool) -> None:
        clerk = self.actors[Role.VILLAGE_CLERK]
        raised = opened + dt.timedelta(days=8)
        self.clock.set(raised, 16)
        objection = ws.objection_record(
            user=clerk,
            case=case,
            raised_on=raised,
            raised_by="同村村民（匿名来电）",
            content="反映该户家中有面包车一辆，收入可能高于申报数。",
        )
        if resolve:
            self.clock.set(raised + dt.timedelta(days=2), 11)
            ws.objection_resolve(
                user=clerk,
                objection=objection,
                resolution="经村委会核实，车辆为亲属所有，已登记于其名下；该户收入核算无误。",
            )

    # --- §7 monitoring ---

    def monitoring(self, village: Region) -> int:
        """Confirm the village's open alerts (or open cases for exited households) and walk MONITORING_PLAN."""
        busy = Case.objects.filter(household__isnull=False).values("household_id")  # proposed for exit
        alerts = list(
            MonitoringAlert.objects.filter(village=village, state=AlertState.OPEN)
            .exclude(household_id__in=busy)
            .select_related("household")
            .order_by("household__number")[: len(MONITORING_PLAN)]
        )
        taken = {a.household_id for a in alerts}
        exited = Household.objects.filter(village=village, status=hc.Status.EXITED).exclude(pk__in=taken)
        exited = exited.exclude(pk__in=busy)
        homes: list[Household | MonitoringAlert] = [*alerts, *exited.order_by("number")]
        for k, (target, item) in enumerate(zip(MONITORING_PLAN, homes, strict=False)):
            self._monitor(item, target, dt.date(self.year, 12, 1) + dt.timedelta(days=k * 2))
        return min(len(MONITORING_PLAN), len(homes))

    def _monitor(self, item: Household | MonitoringAlert, target: str, opened: dt.date) -> Case:
        clerk = self.actors[Role.VILLAGE_CLERK]
        self.clock.set(opened, 9)
        reason = "经入户核实，风险属实，启动监测程序。"
        if isinstance(item, MonitoringAlert):
            case = ws.alert_confirm(user=clerk, alert=item, reason=reason)
        else:
            category = AlertCategory.UNSTABLE_EXITED if target != S.VISITED else AlertCategory.SUDDEN_HARDSHIP
            case = ws.case_open(
                user=clerk, case_type=CaseType.MONITORING, household=item, category=category, trigger_note=reason
            )
        for name, days, state, why in MONITORING_STEPS:
            if case.state == target:
                break
            day = opened + dt.timedelta(days=days)
            kwargs: dict = {}
            if name == "start_notice":
                kwargs = {"notice_start": day, "appraisal": self._appraisal(day, "同意纳入防返贫监测对象。")}
            case = self.step(case, name, day, reason=why, **kwargs)
            if state == target:
                break
        return case

    # --- §6.4 verification samples and §6.3 region exits ---

    def sample(self, county: Region, drawn: dt.date, note: str) -> None:
        """The province's sample of the county (§6.4), verified two weeks later: few wrong exits, high approval."""
        rng, province = self.rng, self.actors[Role.PROVINCE_STAFF]
        villages = list(Region.objects.filter(level=Level.VILLAGE, parent__parent=county).order_by("code")[:8])
        others = [(f"{v.name}{rng.choice(n.SURNAMES)}某某户", rng.randint(1, 5)) for v in villages]
        self.clock.set(drawn, 10)
        sample = samples.sample_draw(
            user=province,
            county=county,
            exited_count=30,
            non_registered=others,
            seed=rng.randrange(1, 2**31),
            note=note,
        )
        self.clock.set(drawn + dt.timedelta(days=14), 16)
        for entry in sample.entries.order_by("id"):
            wrong = rng.random() < (0.02 if entry.household_id else 0.03)
            samples.sample_result_record(user=province, entry=entry, wrong=wrong, approves=rng.random() < 0.96)

    def village_exit(self, township: Region) -> int:
        """The township proposes one of its poverty villages (eligible ones first); it waits for the county."""
        villages: QuerySet[Region] = Region.objects.filter(parent=township, is_poverty_village=True).order_by("code")
        opened = dt.date(self.year, 12, 4)
        ranked = sorted(villages, key=lambda v: not region_snapshot(v, self.year, opened).get("eligible"))
        if not ranked:
            return 0
        village = ranked[0]
        self.clock.set(opened, 9)
        eligible = region_snapshot(village, self.year, opened).get("eligible")
        justification = "" if eligible else "贫困户均已达到退出标准并进入退出程序，年底前综合贫困发生率可降至2%以下。"
        case = ws.case_open(
            user=self.actors[Role.TOWNSHIP_REVIEWER],
            case_type=CaseType.VILLAGE_EXIT,
            region=village,
            justification=justification,
        )
        start = opened + dt.timedelta(days=1)
        case = self.step(case, "start_notice", start, notice_start=start)
        self.step(case, "close_notice", start + dt.timedelta(days=8), reason="乡镇内公示期满无异议。")
        return 1

    def county_exit(self, county: Region, year: int) -> int:
        """The county's exit in the year it exited (§6.3), with that year's provincial sample (§6.4)."""
        opened = dt.date(year, 9, 10)
        self.clock.set(opened, 9)
        case = ws.case_open(
            user=self.actors[Role.COUNTY_OFFICIAL],
            case_type=CaseType.COUNTY_EXIT,
            region=county,
            justification=(
                f"{year}年贫困县退出申请：综合贫困发生率降至2%以下，贫困村全部达到退出标准"
                "（当年尚无系统夜间测算快照，依据县级自评报告）。"
            ),
        )
        # The case's policy year is the working year at opening (workflows.services); the demo's history of
        # working years starts at Y, so the year the county exited is written in.
        Case.objects.filter(pk=case.pk).update(year=year)
        case = self.step(case, "city_review", dt.date(year, 9, 20), reason="市级初审通过，同意上报省级核查。")
        self.sample(county, dt.date(year, 10, 8), f"{year}年贫困县退出专项评估检查")
        case = self.step(case, "province_verify", dt.date(year, 10, 25), reason="第三方评估：错退率、漏评率均低于2%。")
        start = dt.date(year, 10, 26)
        case = self.step(case, "start_notice", start, notice_start=start)
        case = self.step(case, "close_notice", start + dt.timedelta(days=8), reason="公示期满无异议。")
        case = self.step(case, "province_approve", dt.date(year, 11, 10), reason="省扶贫开发领导小组批准退出。")
        self.step(case, "announce", dt.date(year, 11, 15), reason="省政府公告，批准该县退出贫困县序列。")
        return 1
