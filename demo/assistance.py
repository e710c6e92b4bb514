"""Demo assistance (§4) written with the households: records of the five batches, helpers' visits and
small poverty loans, as rows for the generator's writer.Sink (COPY on PostgreSQL), so they cost a few
rows per household and no query.

Dated in the working year Y and the year before: what a household received follows its main cause of
poverty (因病 → health, 因学 → education …), poor households are visited twice a year by their helper,
households exited in Y − 1 or Y once. Loans issued before Y and due in it are repaid or extended.
"""

import datetime as dt
import random

from assistance.models import AssistanceRecord, SmallLoan, Visit
from households import choices as c
from projects.choices import AssistanceCategory as A

from . import names as n

# What a household with this main cause mostly receives (§4).
BY_CAUSE: dict[str, tuple[str, ...]] = {
    c.Cause.ILLNESS: (A.HEALTH, A.HEALTH, A.SOCIAL_SECURITY),
    c.Cause.DISABILITY: (A.SOCIAL_SECURITY, A.HEALTH),
    c.Cause.LACK_LABOUR: (A.SOCIAL_SECURITY, A.ASSET_INCOME),
    c.Cause.SCHOOLING: (A.EDUCATION, A.EDUCATION, A.EMPLOYMENT),
    c.Cause.LACK_SKILLS: (A.EMPLOYMENT, A.INDUSTRY),
    c.Cause.LACK_FUNDS: (A.INDUSTRY, A.FINANCE),
    c.Cause.DISASTER: (A.HOUSING, A.SOCIAL_SECURITY),
    c.Cause.LACK_LAND: (A.INDUSTRY, A.EMPLOYMENT),
    c.Cause.LACK_WATER: (A.INDUSTRY, A.ASSET_INCOME),
    c.Cause.POOR_TRANSPORT: (A.RELOCATION, A.EMPLOYMENT),
    c.Cause.LACK_MOTIVATION: (A.EMPLOYMENT, A.INDUSTRY),
    c.Cause.OTHER: (A.INDUSTRY, A.ASSET_INCOME),
}
# Measures of every category: (content, lowest and highest amount in yuan; 0 for a service without money).
MEASURES: dict[str, tuple[tuple[str, int, int], ...]] = {
    A.INDUSTRY: (
        ("发放产业扶持资金，购买基础母牛1头", 3000, 8000),
        ("发放鸡雏200只及配套饲料", 800, 2000),
        ("入股村种植合作社，发放产业补助", 1000, 3000),
    ),
    A.EMPLOYMENT: (
        ("安排村级公益岗位（保洁员）", 2400, 6000),
        ("参加县人社局电焊工技能培训", 0, 0),
        ("外出务工一次性交通补贴", 200, 800),
    ),
    A.HEALTH: (
        ("住院费用“一站式”结算，落实医疗救助", 1000, 12000),
        ("慢性病门诊补助", 300, 1500),
        ("家庭医生签约服务，上门随访", 0, 0),
    ),
    A.EDUCATION: (
        ("雨露计划职业教育补助", 3000, 3000),
        ("义务教育阶段家庭经济困难学生生活补助", 500, 1000),
        ("普通高中国家助学金", 2000, 2000),
    ),
    A.HOUSING: (("C级危房维修加固补助", 8000, 15000), ("D级危房翻建补助", 20000, 40000)),
    A.SOCIAL_SECURITY: (
        ("农村低保金", 2400, 5000),
        ("临时救助", 500, 2000),
        ("代缴城乡居民基本养老保险费", 100, 100),
    ),
    A.ECOLOGY: (("聘为生态护林员", 6000, 10000), ("退耕还林补助", 300, 1500)),
    A.RELOCATION: (("易地扶贫搬迁安置补助", 20000, 60000),),
    A.FINANCE: (("扶贫小额信贷贴息", 500, 2500),),
    A.ASSET_INCOME: (("光伏扶贫电站收益分红", 500, 1500), ("村集体经济收益分红", 300, 1000)),
}
FINDINGS = (
    "家中生活正常，“两不愁三保障”落实到位。",
    "户主身体好转，已在县内务工，收入稳定。",
    "了解春耕备耕情况，帮助联系化肥、种子。",
    "宣讲扶贫政策，核对家庭收入台账。",
    "住房安全，饮水正常，孩子按时上学。",
    "患病成员已按政策报销医药费，提醒按时复诊。",
    "核实务工收入，指导填写收入明细。",
    "帮助申请公益岗位，已报村委会研究。",
)
LOAN_AMOUNTS = (10_000, 20_000, 30_000, 50_000)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (demo days are at most the 28th)."""
    m = day.month - 1 + months
    return day.replace(year=day.year + m // 12, month=m % 12 + 1)


def _place(row: dict) -> dict:
    """The household's village and county, which its assistance rows carry (assistance.models.InHouseholdRegion)."""
    return {"village_id": row["village_id"], "county_id": row["county_id"]}


class AssistanceRows:
    """Adds one household's assistance records, visits and loan to the sink, in the generator's rng order."""

    def __init__(self, rng: random.Random, sink, year: int) -> None:
        self.rng, self.sink, self.year = rng, sink, year

    def _day(self, year: int, first: dt.date | None = None, months: tuple[int, int] = (1, 11)) -> dt.date | None:
        """A day of `year` within `months`, not before `first`; None when none is left."""
        rng = self.rng
        day = dt.date(year, rng.randint(*months), rng.randint(1, 28))
        if first is not None and day < first:
            day = first + dt.timedelta(days=rng.randint(0, 20))
        return day if day <= dt.date(year, months[1], 28) else None

    def household(self, hid: int, row: dict, members: list[dict], helper_id: int, paired: dt.date) -> None:
        """§4 for one generated household (`row` is its Household row, `members` its current members)."""
        status, y = row["status"], self.year
        if status in (c.Status.CLOSED, c.Status.EXITED_NO_POLICY):
            return
        rng = self.rng
        poor = status in c.POOR_STATUSES
        recent = poor or (row["exit_year"] or 0) >= y - 1
        if poor:
            plan = [y - 1, y, y]
        elif recent:
            plan = [y]
        else:
            plan = [y] if rng.random() < 0.4 else []
        for year in plan:
            self._record(hid, row, members, year)
        visits = 2 if poor else 1 if recent or rng.random() < 0.3 else 0
        for k in range(visits):
            months = (3, 6) if visits == 2 and k == 0 else (7, 11)
            day = self._day(y, paired, months)
            if day is not None:
                self.sink.add(
                    Visit,
                    {
                        "household_id": hid,
                        **_place(row),
                        "helper_id": helper_id,
                        "visited_on": day,
                        "findings": rng.choice(FINDINGS),
                    },
                )
        workers = [m for m in members if m.get("months_worked")]
        if workers and rng.random() < 0.05:
            self._loan(hid, row, workers[0]["id"])

    def _category(self, row: dict) -> str:
        rng = self.rng
        if row["forest_land"] != "0.00" and rng.random() < 0.15:
            return A.ECOLOGY
        if row["renovation"] in (c.Renovation.ACCEPTED, c.Renovation.IN_PROGRESS) and rng.random() < 0.3:
            return A.HOUSING
        if row["relocation"] in (c.Relocation.MOVED_IN, c.Relocation.PLANNED) and rng.random() < 0.5:
            return A.RELOCATION
        return rng.choice(BY_CAUSE.get(row["main_cause"], (A.INDUSTRY,)))

    def _record(self, hid: int, row: dict, members: list[dict], year: int) -> None:
        rng = self.rng
        category = self._category(row)
        content, low, high = rng.choice(MEASURES[category])
        member = None
        if category == A.EDUCATION:
            students = [m for m in members if m["school_status"] != c.SchoolStatus.NOT_IN_SCHOOL]
            member = students[0]["id"] if students else None
        self.sink.add(
            AssistanceRecord,
            {
                "household_id": hid,
                **_place(row),
                "member_id": member,
                "category": category,
                "date": self._day(year) or dt.date(year, 6, 1),
                "content": content,
                "amount": f"{round(rng.uniform(low, high), -2):.2f}",
            },
        )

    def _loan(self, hid: int, row: dict, member_id: int) -> None:
        """A small poverty loan 扶贫小额信贷 (§4): up to 50,000 yuan, 1–3 years, mostly repaid on time."""
        rng, y = self.rng, self.year
        term = rng.choice((12, 24, 36))
        issued = dt.date(rng.randint(y - 3, y), rng.randint(1, 10), rng.randint(1, 28))
        due = add_months(issued, term)
        loan = {
            "household_id": hid,
            **_place(row),
            "member_id": member_id,
            "bank": rng.choice(n.BANKS),
            "amount": f"{rng.choice(LOAN_AMOUNTS)}.00",
            "benchmark_rate": "4.350" if term == 12 else "4.750",
            "term_months": term,
            "issued_on": issued,
            "due_on": due,
            "extended_to": None,
            "repaid_on": None,
        }
        if due.year < y or (due.year == y and due.month <= 10):
            if rng.random() < 0.85:
                loan["repaid_on"] = due - dt.timedelta(days=rng.randint(0, 20))
            else:
                loan["extended_to"] = add_months(due, 12)  # 展期: hard times, one more year
        self.sink.add(SmallLoan, loan)
