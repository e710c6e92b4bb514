"""The showcase county's project library (§10) and fund ledger (§11) in the working year Y, written by the
county official through projects.services and funds.services on the days they happened, so every
invariant (disbursed ≤ arranged ≤ allocated, fundable projects only, no payment to a closed household)
is checked as it would be on a page.

Projects end in every state (储备, 批复, 实施中, 竣工, 验收, 终止) with labelled performance targets (planned
vs achieved as far as the work went); funds are allocated by six sources, arranged to the approved
projects and paid to the implementing units or, for housing subsidies, to households' bank accounts
with the assistance record (§4) they stand for. One household payment is returned and paid again.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from accounts.models import User
from funds import services as fs
from funds.choices import Payee
from funds.models import Allocation, Arrangement, Disbursement
from households import choices as hc
from households.models import Household
from projects.choices import AssistanceCategory as A
from projects.choices import BenefitLinkage as L
from projects.choices import FundSource as F
from projects.choices import ProjectStatus as P
from projects.models import PerformanceTarget, Project
from projects.services import project_save, project_transition
from villages.models import Level, Region

from .clock import SimulatedClock

# (source, document number, amount in yuan, month issued); {city} and {county} are the first character.
ALLOCATIONS = (
    (F.CENTRAL, "财农〔{y}〕{k}号", 2_600_000, 1),
    (F.PROVINCIAL, "辽财农〔{y}〕{k}号", 1_200_000, 2),
    (F.CITY, "{city}财农〔{y}〕{k}号", 300_000, 2),
    (F.COUNTY, "{county}财农〔{y}〕{k}号", 200_000, 3),
    (F.INTEGRATED_AGRICULTURE, "{county}政发〔{y}〕{k}号", 900_000, 3),
    (F.PAIRED_SUPPORT, "定点帮扶〔{y}〕{k}号", 150_000, 3),
)


@dataclass(frozen=True)
class Spec:
    name: str  # {village}, {township}, {county}, {year} are filled in
    category: str
    unit: str
    linkage: str
    linkage_note: str
    status: str  # where the project ends
    budgets: dict[str, int]
    targets: tuple[tuple[str, str, float, float | None], ...]  # indicator, unit, planned, share achieved
    villages: int = 1
    beneficiaries: int = 0
    next_year: bool = False


SPECS = (
    Spec(
        "{village}肉牛养殖合作社扩建项目", A.INDUSTRY, "{village}肉牛养殖专业合作社", L.DIVIDENDS,
        "贫困户以产业扶持资金入股合作社，每年分红不低于入股金额的8%", P.ACCEPTED,
        {F.CENTRAL: 600_000, F.PROVINCIAL: 200_000},
        (("新增肉牛存栏", "头", 300, 1.05), ("带动建档立卡贫困户", "户", 40, 1.0),
         ("贫困户户均年增收", "元", 1500, 1.12)),
        beneficiaries=12,
    ),
    Spec(
        "{township}村屯道路硬化工程", "infra_road", "{county}交通运输局", L.EMPLOYMENT,
        "优先雇用贫困劳动力参与施工", P.COMPLETED,
        {F.CENTRAL: 800_000, F.INTEGRATED_AGRICULTURE: 400_000},
        (("硬化村屯道路", "公里", 12.5, 1.0), ("受益人口", "人", 3200, 1.0), ("雇用贫困劳动力", "人", 20, 0.9)),
        villages=3, beneficiaries=10,
    ),
    Spec(
        "{township}农村安全饮水巩固提升工程", "infra_water", "{county}水利局", L.OTHER,
        "集中供水入户，解决贫困户饮水安全", P.IN_PROGRESS,
        {F.PROVINCIAL: 500_000, F.COUNTY: 100_000},
        (("新建集中供水工程", "处", 6, 0.5), ("受益人口", "人", 2400, 0.5)),
        villages=4, beneficiaries=8,
    ),
    Spec(
        "{village}村级光伏扶贫电站", A.ASSET_INCOME, "{county}扶贫开发服务中心", L.DIVIDENDS,
        "发电收益的60%用于贫困户分红，40%用于设置村级公益岗位", P.IN_PROGRESS,
        {F.CENTRAL: 700_000, F.PAIRED_SUPPORT: 100_000},
        (("装机容量", "千瓦", 300, 0.6), ("年发电收益", "万元", 36, None)),
        beneficiaries=20,
    ),
    Spec(
        "{township}扶贫车间（服装加工）建设项目", A.EMPLOYMENT, "{township}人民政府", L.EMPLOYMENT,
        "吸纳贫困劳动力就近就业，月工资不低于2000元", P.APPROVED,
        {F.INTEGRATED_AGRICULTURE: 300_000, F.CITY: 150_000},
        (("吸纳贫困人口就业", "人", 30, None),),
        beneficiaries=10,
    ),
    Spec(
        "{year}年建档立卡贫困户危房改造补助", A.HOUSING, "{county}住房和城乡建设局", L.OTHER,
        "补助资金直接拨付到户", P.COMPLETED,
        {F.PROVINCIAL: 300_000, F.COUNTY: 60_000},
        (("完成危房改造", "户", 12, 1.0), ("改造后住房安全鉴定合格率", "%", 100, 1.0)),
        villages=0,
    ),
    Spec(
        "{village}农村电商服务站建设项目", A.INDUSTRY, "{county}商务局", L.ORDERS,
        "帮助贫困户网上销售农产品", P.TERMINATED,
        {F.CITY: 100_000},
        (("建成村级电商服务站", "个", 1, None),),
        beneficiaries=5,
    ),
    Spec(
        "{village}中药材种植基地建设项目", A.INDUSTRY, "{village}股份经济合作社", L.LAND_TRANSFER,
        "流转贫困户土地并优先雇用贫困劳动力", P.RESERVE,
        {F.INTEGRATED_AGRICULTURE: 400_000},
        (("种植面积", "亩", 500, None),),
        beneficiaries=15,
    ),
    Spec(
        "{year}年{township}设施农业暖棚建设项目", A.INDUSTRY, "{township}人民政府", L.DIVIDENDS,
        "暖棚由村集体出租，租金收益用于贫困户分红", P.RESERVE,
        {F.CENTRAL: 500_000},
        (("新建暖棚", "栋", 40, None),),
        villages=2, next_year=True,
    ),
)  # fmt: skip
ORDER = (P.APPROVED, P.IN_PROGRESS, P.COMPLETED, P.ACCEPTED)
REASONS: dict[str, str] = {
    P.APPROVED: "经县扶贫开发领导小组会议研究，批复立项。",
    P.IN_PROGRESS: "项目开工建设。",
    P.COMPLETED: "项目竣工，申请验收。",
    P.ACCEPTED: "县级验收合格，资产移交村集体管护。",
    P.TERMINATED: "选址地块土地性质调整，项目无法实施，经研究终止。",
}
# Share of an arrangement paid out by where the project ended.
PAID: dict[str, tuple[float, ...]] = {P.IN_PROGRESS: (0.5,), P.COMPLETED: (0.4, 0.3, 0.2), P.ACCEPTED: (0.4, 0.3, 0.3)}


class LedgerSeeder:
    def __init__(self, rng: random.Random, clock: SimulatedClock, official: User, county: Region, year: int):
        self.rng, self.clock, self.user, self.county, self.year = rng, clock, official, county, year
        self.allocations: dict[str, Allocation] = {}
        self.vouchers = 0
        self.city = county.parent.name if county.parent else ""
        self.fill: dict[str, str | int] = {"county": county.name, "city": self.city, "year": year}

    def day(self, month: int, day: int, hour: int = 10) -> dt.date:
        d = dt.date(self.year, month, day)
        self.clock.set(d, hour)
        return d

    def voucher(self) -> str:
        self.vouchers += 1
        return f"记-{self.year}-{self.vouchers:04d}"

    def run(self) -> int:
        y, rng = self.year, self.rng
        for k, (source, number, amount, month) in enumerate(ALLOCATIONS):
            date = self.day(month, 5 + 3 * k)
            self.allocations[source] = fs.allocation_create(
                user=self.user,
                source=source,
                county=self.county,
                document_number=number.format(
                    y=y, k=rng.randint(3, 150), city=self.city[:1], county=self.county.name[:1]
                ),
                amount=Decimal(amount),
                date=date,
                year=y,
            )
        pool = list(
            Region.objects.filter(level=Level.VILLAGE, parent__parent=self.county)
            .select_related("parent")
            .order_by("code")
        )
        offset = 0
        for k, spec in enumerate(SPECS):
            villages = [pool[(offset + i) % len(pool)] for i in range(max(spec.villages, 1))] if pool else []
            offset += max(spec.villages, 1)
            self._project(k, spec, villages if spec.villages else [])
        return len(SPECS)

    def _project(self, k: int, spec: Spec, villages: list[Region]) -> Project:
        first = villages[0] if villages else None
        fill = {
            **self.fill,
            "year": self.year + 1 if spec.next_year else self.year,
            "village": first.name if first else "",
            "township": first.parent.name if first and first.parent else self.county.name,
        }
        year = self.year + 1 if spec.next_year else self.year
        if spec.next_year:  # the clock to the day the project enters the library
            self.day(11, 20 + k % 5)
        else:
            self.day(1, 6 + 2 * k)
        start = dt.date(year, 4, 1)
        project = Project(
            name=spec.name.format(**fill),
            county=self.county,
            year=year,
            category=spec.category,
            content=f"{spec.name.format(**fill)}：{spec.linkage_note}。",
            implementing_unit=spec.unit.format(**fill),
            planned_start=start,
            planned_end=dt.date(year, 10, 31),
            benefit_linkage=spec.linkage,
            benefit_linkage_note=spec.linkage_note,
        )
        homes = self._beneficiaries(villages, spec.beneficiaries) if spec.category != A.HOUSING else []
        project.beneficiary_people = self._people(homes)
        reached = spec.status in ORDER and ORDER.index(spec.status) >= ORDER.index(P.IN_PROGRESS)
        targets = [
            PerformanceTarget(
                indicator=indicator,
                unit=unit,
                planned=Decimal(str(planned)),
                achieved=Decimal(str(round(planned * share, 2))) if share is not None and reached else None,
            )
            for indicator, unit, planned, share in spec.targets
        ]
        budgets = {source: Decimal(amount) for source, amount in spec.budgets.items()}
        project = project_save(
            user=self.user, project=project, villages=villages, budgets=budgets, beneficiaries=homes, targets=targets
        )
        if spec.status == P.RESERVE:
            return project
        self._move(project, P.APPROVED, self.day(3, 5 + k))
        arrangements = [
            fs.arrangement_create(
                user=self.user,
                allocation=self.allocations[source],
                project=project,
                amount=amount,
                date=self.day(3, 21 + k),
                document_number=f"{self.county.name[:1]}扶领发〔{self.year}〕{10 + k}号",
            )
            for source, amount in budgets.items()
        ]
        if spec.status == P.TERMINATED:
            day = self.day(6, 10)
            self._move(project, P.TERMINATED, day)
            for arrangement in arrangements:
                fs.arrangement_reverse(
                    user=self.user, arrangement=arrangement, reason="项目终止，安排资金收回。", date=day
                )
            return project
        if spec.status == P.APPROVED:
            return project
        self._move(project, P.IN_PROGRESS, self.day(4, 10 + k))
        if spec.category == A.HOUSING:
            self._households(project, arrangements)
        else:
            self._pay(arrangements, PAID[spec.status], k)
        if spec.status in (P.COMPLETED, P.ACCEPTED):
            self._move(project, P.COMPLETED, self.day(9, 20 + k))
        if spec.status == P.ACCEPTED:
            self._move(project, P.ACCEPTED, self.day(11, 15 + k))
        return project

    def _move(self, project: Project, status: str, day: dt.date) -> None:
        project_transition(user=self.user, project=project, to_status=status, reason=REASONS[status], on=day)

    def _pay(self, arrangements: list[Arrangement], shares: tuple[float, ...], k: int) -> None:
        """Payments to the implementing unit: an advance in May, progress in August, the balance in October."""
        for arrangement in arrangements:
            for (month, day), share in zip(((5, 15 + k), (8, 10 + k), (10, 20 + k)), shares, strict=False):
                amount = (arrangement.amount * Decimal(str(share))).quantize(Decimal("0.01"))
                fs.disbursement_create(
                    user=self.user,
                    arrangement=arrangement,
                    amount=amount,
                    date=self.day(month, day),
                    voucher=self.voucher(),
                    note="按工程进度拨付",
                )

    def _households(self, project: Project, arrangements: list[Arrangement]) -> None:
        """Housing subsidies paid to the households' accounts (§11), each with its assistance record (§4)."""
        homes = list(
            Household.objects.filter(
                county=self.county, status__in=hc.LIVE_STATUSES, housing_grade__in=("C", "D"), bank_account__gt=""
            ).order_by("number")[:12]
        )
        left = {a.pk: a.amount for a in arrangements}
        paid: list[Household] = []
        for i, home in enumerate(homes):
            amount = Decimal(25_000 if home.housing_grade == "D" else 12_000)
            arrangement = next((a for a in arrangements if left[a.pk] >= amount), None)
            if arrangement is None:
                break
            content = f"{home.housing_grade}级危房{'翻建' if home.housing_grade == 'D' else '维修加固'}补助"
            entry = self._pay_home(arrangement, home, amount, content, self.day(6, 1 + i))
            if i == 0:  # the bank returns the first payment: wrong account; paid again a week later
                fs.disbursement_reverse(
                    user=self.user, disbursement=entry, reason="户主银行账号有误，资金被退回。", date=self.day(6, 20)
                )
                self._pay_home(arrangement, home, amount, content, self.day(6, 27))
            left[arrangement.pk] -= amount
            paid.append(home)
        project.beneficiary_households.set(paid)
        Project.objects.filter(pk=project.pk).update(beneficiary_people=self._people(paid))
        project.villages.set({h.village_id for h in paid})

    def _pay_home(
        self, arrangement: Arrangement, home: Household, amount: Decimal, content: str, day: dt.date
    ) -> Disbursement:
        return fs.disbursement_create(
            user=self.user,
            arrangement=arrangement,
            amount=amount,
            date=day,
            payee=Payee.HOUSEHOLD,
            household=home,
            category=A.HOUSING,
            voucher=self.voucher(),
            record_assistance=True,
            assistance_content=content,
        )

    def _beneficiaries(self, villages: list[Region], count: int) -> list[Household]:
        if not count or not villages:
            return []
        live = Q(status__in=hc.LIVE_STATUSES) & ~Q(status=hc.Status.EXITED_NO_POLICY)
        return list(Household.objects.filter(live, village__in=villages).order_by("number")[:count])

    @staticmethod
    def _people(homes: list[Household]) -> int:
        if not homes:
            return 0
        counted = Household.objects.filter(pk__in=[h.pk for h in homes]).aggregate(
            n=Count("members", filter=Q(members__departure=""))
        )
        return counted["n"] or 0
