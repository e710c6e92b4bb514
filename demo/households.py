"""Demo households (§3.1): members, status history, conditions, incomes, assessments, helpers and pairings,
and the assistance they received (§4, demo.assistance).

Rows go to a writer.Sink as dicts with explicit ids for households, members and helpers, so nothing has
to be read back; numbers follow households.services.household_number_next (village code + 4 digits).
"""

import bisect
import datetime as dt
import itertools
import random
from typing import Any

from households import choices as c
from households.models import Assessment, Helper, Household, Income, Member, MemberEvent, Pairing, StatusEvent

from . import names as n
from . import people as p
from .assistance import AssistanceRows
from .regions import Plan

LINE = {2018: 2995, 2019: 3218, 2020: 4000}  # §5.1 poverty lines, yuan per person
YEARS = (2018, 2019, 2020)
SHOWCASE_HOUSEHOLDS = 25  # the demo clerk's village gets the first households, so it is never empty
# The showcase village's first households are poor at the end of the working year and meet every §5.2
# criterion: demo.cases proposes them for exit and walks them along the §6.1 chain (issue 15).
EXIT_READY = 12
CAUSE_WEIGHTS = {
    c.Cause.ILLNESS: 34,
    c.Cause.DISABILITY: 15,
    c.Cause.LACK_LABOUR: 12,
    c.Cause.SCHOOLING: 6,
    c.Cause.LACK_SKILLS: 8,
    c.Cause.LACK_FUNDS: 8,
    c.Cause.DISASTER: 2,
    c.Cause.LACK_LAND: 3,
    c.Cause.LACK_WATER: 1,
    c.Cause.POOR_TRANSPORT: 2,
    c.Cause.LACK_MOTIVATION: 5,
    c.Cause.OTHER: 4,
}
STATUS_WEIGHTS = {
    c.Status.EXITED: 70,
    c.Status.EXITED_NO_POLICY: 8,
    c.Status.POOR: 14,
    c.Status.RETURNED: 4,
    c.Status.CLOSED: 4,
}
IDENT_YEARS = ((2014, 2015, 2016, 2017, 2018, 2019), (42, 18, 17, 12, 6, 5))


def money(x: float) -> str:
    """An amount in yuan with two decimals, as the text both databases read into a DECIMAL column."""
    return f"{max(x, 0):.2f}"


def a_date(rng: random.Random, year: int, months: tuple[int, int] = (1, 12)) -> dt.date:
    return dt.date(year, rng.randint(*months), rng.randint(1, 28))


class HouseholdGenerator:
    """Generates households one at a time into the sink; keeps only per-village counters in memory."""

    def __init__(
        self, rng: random.Random, plan: Plan, sink, *, first_ids: dict[str, int], year: int = YEARS[-1]
    ) -> None:
        self.rng, self.plan, self.sink = rng, plan, sink
        self.assistance = AssistanceRows(rng, sink, year)
        self.household_ids = itertools.count(first_ids["household"])
        self.member_ids = itertools.count(first_ids["member"])
        self.helper_ids = itertools.count(first_ids["helper"])
        self.ids = p.IdAllocator([county.code for county in plan.counties])
        nv = len(plan.villages)
        self.sequence = [0] * nv
        self.registered = [0] * nv  # current members of live households, per village
        self.poor_now = [0] * nv  # current members of poor or returned households (§5.3)
        self.poor_by_year = {y: [0] * nv for y in YEARS}
        self.households_in = [0] * nv
        self.helper_of_village: dict[int, list[int]] = {}  # village index -> [helper id, places left]
        self.first_helper: dict[int, int] = {}
        self.cum_weights = list(itertools.accumulate(v.weight for v in plan.villages))
        self.showcase_index = -1

    def run(self, count: int, *, showcase: int, batch: int = 2000) -> None:
        self.showcase_index = showcase
        for i in range(count):
            self.household(showcase if i < SHOWCASE_HOUSEHOLDS else self._pick(), ready=i < EXIT_READY)
            if (i + 1) % batch == 0:
                self.sink.flush()
        self.sink.flush()

    def _pick(self) -> int:
        while True:
            x = self.rng.random() * self.cum_weights[-1]
            vi = bisect.bisect_right(self.cum_weights, x)
            if self.sequence[vi] < 9999:  # 4-digit sequence per village
                return vi

    def _helper(self, vi: int, showcase: bool) -> int:
        rng, slot = self.rng, self.helper_of_village.get(vi)
        if slot is None or slot[1] == 0:
            village = self.plan.villages[vi]
            county = self.plan.counties[village.county]
            male = rng.random() < 0.7
            id_number, _birth = self.ids.allocate(village.county, p.birth_for_age(rng, rng.randint(25, 55)), male)
            unit, level = rng.choice(n.HELPER_UNITS)
            helper_id = next(self.helper_ids)
            self.sink.add(
                Helper,
                {
                    "id": helper_id,
                    "name": rng.choice(n.SURNAMES) + p.given_name(rng, male),
                    "sex": c.Sex.MALE if male else c.Sex.FEMALE,
                    "id_number": id_number,
                    "unit": unit.format(county=county.name, city=county.city_name, township=village.township_name),
                    "unit_level": level,
                    "post": rng.choice(n.HELPER_POSTS),
                    "phone": self._phone(),
                    "county_id": county.id,
                },
            )
            slot = [helper_id, 8 if showcase and vi not in self.first_helper else rng.randint(4, 7)]
            self.helper_of_village[vi] = slot
            self.first_helper.setdefault(vi, helper_id)
        slot[1] -= 1
        return slot[0]

    def _phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def household(self, vi: int, *, ready: bool = False) -> None:
        """One household of village `vi`; `ready`: poor, and passing the §5.2 test of the last year."""
        rng, village = self.rng, self.plan.villages[vi]
        county = self.plan.counties[village.county]
        self.sequence[vi] += 1
        self.households_in[vi] += 1
        hid = next(self.household_ids)
        ident = rng.choices(*IDENT_YEARS)[0]
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        status = c.Status.POOR if ready else status
        ident_date = a_date(rng, ident, (3, 10))
        exit_year = return_year = close_date = None
        if status in (c.Status.EXITED, c.Status.RETURNED) or (status == c.Status.CLOSED and rng.random() < 0.5):
            last = {c.Status.EXITED: 2020, c.Status.RETURNED: 2018, c.Status.CLOSED: 2019}[status]
            exit_year = rng.randint(max(ident, 2015), max(ident, last))
        elif status == c.Status.EXITED_NO_POLICY:
            exit_year = rng.randint(max(ident, 2015), max(ident, 2018))
        if status == c.Status.RETURNED:
            assert exit_year is not None  # a returned household always drew an exit year just above
            return_year = rng.randint(exit_year + 1, 2020)
        if status == c.Status.CLOSED:
            close_date = a_date(rng, rng.randint(max(ident, exit_year + 1 if exit_year else ident), 2020), (1, 8))
            close_date = max(close_date, ident_date + dt.timedelta(days=1))

        members, kind, events = self._members(hid, village.county, county.code, ident_date, close_date)
        if ready:
            _insure(members)
        current = [m for m in members if m["departure"] == ""]
        size = len(current) if close_date is None else len([m for m in members if m["departure_kind"] == "closed"])
        basis = current or members  # the data-quality checks (DQ05, DQ08) look at current members
        has = {
            "ill": any(m["has_chronic_disease"] or m["has_serious_illness"] for m in basis),
            "disabled": any(m["is_disabled"] for m in basis),
            "student": any(m["school_status"] in p.STUDYING for m in basis),
            "elderly": all(m["age"] >= 60 for m in basis),
        }
        main, others = self._causes(has)
        htype = c.HouseholdType.GENERAL
        labourers = [m for m in members if 16 <= m["age"] <= 60 and m["labour_ability"] in ("ordinary", "skilled")]
        if kind == "single_elderly" and not labourers and rng.random() < 0.35:
            htype = c.HouseholdType.TEKUN
        elif rng.random() < 0.28:
            htype = c.HouseholdType.DIBAO
        for m in members:
            m["receives_dibao"] = htype == c.HouseholdType.DIBAO and (m is members[0] or rng.random() < 0.7)
            m["receives_tekun"] = htype == c.HouseholdType.TEKUN
        children = [m for m in members if m["relationship"] in (c.Relationship.SON, c.Relationship.DAUGHTER)]
        row = {
            "id": hid,
            "number": f"{village.code}{self.sequence[vi]:04d}",
            "village_id": village.id,
            "county_id": county.id,
            "phone": self._phone() if rng.random() < 0.85 else "",
            "identification_year": ident,
            "identification_standard": rng.choices(("national", "provincial", "city"), (90, 8, 2))[0],
            "household_type": htype,
            "main_cause": main,
            "other_cause_1": others[0] if others else "",
            "other_cause_2": others[1] if len(others) > 1 else "",
            "is_military_family": any(m["is_active_serviceman"] for m in members) or rng.random() < 0.015,
            "is_only_child": len(children) == 1 and members[0]["age"] < 50 and rng.random() < 0.4,
            "is_two_daughters": len(children) == 2
            and all(m["relationship"] == c.Relationship.DAUGHTER for m in children)
            and rng.random() < 0.6,
            "status": status,
            "exit_year": exit_year,
            "return_year": return_year,
            "return_reason": rng.choice(n.RETURN_REASONS) if return_year else "",
        }
        if rng.random() < 0.9:
            row["bank_name"] = rng.choice(n.BANKS)
            row["bank_account"] = f"62{rng.randrange(10**17):017d}"
        row.update(self._conditions(status))
        if ready and row["housing_grade"] in ("C", "D"):  # §5.2 housing: the renovation is done
            row.update(renovation=c.Renovation.ACCEPTED, relocation=c.Relocation.NO)
        row["has_safe_water"] = row["has_safe_water"] or ready
        self.sink.add(Household, row)
        for m in members:
            for key in ("age", "departure_kind"):
                del m[key]
            self.sink.add(Member, m)
        for e in events:
            self.sink.add(MemberEvent, e)
        self._status_events(hid, status, ident_date, exit_year, return_year, close_date, row["return_reason"], members)

        # Who was poor at the end of each year (§5.3 counts), and the village totals.
        def poor_at(year: int) -> bool:
            if ident > year or (close_date and close_date.year <= year):
                return False
            if return_year and return_year <= year:
                return True
            return exit_year is None or exit_year > year

        for year in YEARS:
            if poor_at(year):
                self.poor_by_year[year][vi] += size
        if close_date is None:
            self.registered[vi] += size
            if status in c.POOR_STATUSES:
                self.poor_now[vi] += size
        self._incomes(hid, ident, close_date, poor_at, basis, row, size, htype, ready)
        for year in (2019, 2020):
            if ident <= year and (close_date is None or close_date.year > year):
                worried = not ready and status in c.POOR_STATUSES and rng.random() < 0.08
                self.sink.add(
                    Assessment,
                    {
                        "household_id": hid,
                        "assessed_on": a_date(rng, year, (3, 11)),
                        "food_secure": not worried,
                        "clothing_secure": not (worried and rng.random() < 0.5),
                    },
                )
        helper = self._helper(vi, vi == self.showcase_index)
        start = min(a_date(rng, max(ident, 2016), (1, 12)), close_date or dt.date.max)
        self.sink.add(Pairing, {"helper_id": helper, "household_id": hid, "start": start, "end": close_date})
        self.assistance.household(hid, row, basis, helper, start)

    def _members(self, hid: int, county: int, county_code: str, ident_date: dt.date, close_date: dt.date | None):
        rng = self.rng
        kind, shape = p.family(rng)
        head_eth = p.ethnicity(rng, county_code)
        surname = rng.choice(n.SURNAMES)
        members, events = [], []
        for rel, age, male in shape:
            birth = p.birth_for_age(rng, age)
            id_number, birth = self.ids.allocate(county, birth, male)
            is_head = rel == c.Relationship.HEAD
            # Children and the head's father carry the family surname; spouses and in-laws their own.
            inherits = is_head or rel in (c.Relationship.SON, c.Relationship.DAUGHTER, c.Relationship.FATHER)
            inherits = inherits or rel in (c.Relationship.GRANDSON, c.Relationship.GRANDDAUGHTER)
            mid = next(self.member_ids)
            m: dict[str, Any] = {
                "id": mid,
                "household_id": hid,
                "name": (surname if inherits else rng.choice(n.SURNAMES)) + p.given_name(rng, male),
                "id_number": id_number,
                "birth_date": birth,
                "sex": c.Sex.MALE if male else c.Sex.FEMALE,
                "relationship": rel,
                "ethnicity": head_eth if rng.random() < 0.85 else c.Ethnicity.HAN,
                "political_status": p.political_status(rng, age, is_head),
                "departure": "",
                "departed_on": None,
                "age": age,
                "departure_kind": "",
            }
            m.update(p.member_attributes(rng, age, male, id_number))
            if birth > ident_date:
                events.append({"member_id": mid, "kind": c.MemberEventKind.BIRTH, "date": birth, "note": ""})
            members.append(m)
        # A few members left before the snapshot: elderly parents died, grown daughters married out.
        for m in members[1:]:
            if close_date:
                break
            dead = m["relationship"] in (c.Relationship.FATHER, c.Relationship.MOTHER) and rng.random() < 0.12
            married = m["relationship"] == c.Relationship.DAUGHTER and m["age"] >= 22 and rng.random() < 0.35
            if dead or married:
                m["departure"] = c.Departure.DECEASED if dead else c.Departure.MARRIED_OUT
                m["departed_on"] = max(a_date(rng, rng.randint(2017, 2020), (1, 8)), ident_date)
                kind_ = c.MemberEventKind.DEATH if dead else c.MemberEventKind.MARRIAGE_OUT
                events.append({"member_id": m["id"], "kind": kind_, "date": m["departed_on"], "note": ""})
        if close_date:
            # A closed household keeps its members, every one departed (§3.1).
            gone = c.Departure.DECEASED if kind == "single_elderly" else c.Departure.MOVED_AWAY
            for m in members:
                m.update(departure=gone, departed_on=close_date, departure_kind="closed")
                event = c.MemberEventKind.DEATH if gone == c.Departure.DECEASED else c.MemberEventKind.MOVED_AWAY
                events.append({"member_id": m["id"], "kind": event, "date": close_date, "note": ""})
        self._left_behind(members)
        return members, kind, events

    @staticmethod
    def _left_behind(members: list[dict]) -> None:
        """The policy's 三留守 ledger: family left at home while someone works outside the province."""
        away = [m for m in members if m.get("work_status") == c.WorkStatus.OUT_OF_PROVINCE and m["departure"] == ""]
        if not away:
            return
        for m in members:
            if m["departure"] or m in away:
                continue
            if m["age"] < 16:
                m["left_behind"] = c.LeftBehind.CHILD
            elif m["age"] >= 60:
                m["left_behind"] = c.LeftBehind.ELDERLY
            elif m["sex"] == c.Sex.FEMALE and not m.get("work_status"):
                m["left_behind"] = c.LeftBehind.WOMAN

    def _causes(self, has: dict) -> tuple[str, list[str]]:
        """Main and other causes of poverty that fit the members (DQ05): never repeating the main one."""
        needs = {c.Cause.ILLNESS: "ill", c.Cause.DISABILITY: "disabled", c.Cause.SCHOOLING: "student"}
        feasible = [k for k in CAUSE_WEIGHTS if k not in needs or has[needs[k]]]
        weights = [CAUSE_WEIGHTS[k] * (3 if k == c.Cause.LACK_LABOUR and has["elderly"] else 1) for k in feasible]
        main = self.rng.choices(feasible, weights)[0]
        others: list[str] = []
        for _ in range(self.rng.choice((0, 1, 1, 2))):
            extra = self.rng.choices(feasible, weights)[0]
            if extra != main and extra not in others:
                others.append(extra)
        return main, others

    def _conditions(self, status: str) -> dict:
        """Living conditions (§3.1): mostly safe houses; some C/D houses renovated, being renovated or relocated."""
        rng = self.rng
        arable = rng.uniform(0, 18) if rng.random() < 0.92 else 0
        forest = rng.uniform(1, 25) if rng.random() < 0.35 else 0
        grade = rng.choices("ABCD", (45, 40, 9, 6))[0]
        renovation, relocation = c.Renovation.NONE, c.Relocation.NO
        if grade in "CD":
            r = rng.random()
            if status not in c.POOR_STATUSES or r < 0.5:
                renovation = c.Renovation.ACCEPTED if r < 0.85 else c.Renovation.NONE
                relocation = c.Relocation.MOVED_IN if renovation == c.Renovation.NONE else c.Relocation.NO
            else:
                renovation = c.Renovation.IN_PROGRESS if r < 0.8 else c.Renovation.NONE
                relocation = c.Relocation.PLANNED if renovation == c.Renovation.NONE else c.Relocation.NO
        return {
            "arable_land": money(arable),
            "irrigated_land": money(arable * rng.uniform(0, 0.6)),
            "forest_land": money(forest),
            "returned_farmland_forest": money(forest * rng.uniform(0, 0.5)),
            "fruit_forest": money(forest * rng.uniform(0, 0.3)),
            "grassland": money(rng.uniform(0, 5) if rng.random() < 0.05 else 0),
            "water_surface": money(rng.uniform(0, 3) if rng.random() < 0.03 else 0),
            "has_household_electricity": rng.random() < 0.998,
            "has_production_electricity": rng.random() < 0.6,
            "has_radio_tv": rng.random() < 0.97,
            "road_distance_km": money(rng.uniform(0, 4)),
            "road_type": rng.choices(("cement", "asphalt", "gravel", "dirt"), (60, 10, 20, 10))[0],
            "housing_area": money(rng.uniform(30, 120)),
            "housing_grade": grade,
            "renovation": renovation,
            "relocation": relocation,
            "has_safe_water": rng.random() < (0.9 if status in c.POOR_STATUSES else 0.99),
            "has_sanitary_toilet": rng.random() < 0.6,
            "main_fuel": rng.choices(("firewood", "coal", "clean", "dung", "other"), (45, 35, 12, 3, 5))[0],
            "in_cooperative": rng.random() < 0.3,
            "led_by_enterprise": rng.random() < 0.2,
            "led_by_entrepreneur": rng.random() < 0.1,
        }

    def _incomes(self, hid, ident, close_date, poor_at, members, household, size, htype, ready=False) -> None:
        """One income record a year (§3.1): per-capita net around and above the line, a share below it."""
        rng = self.rng
        size = max(size, 1)
        workers = sum(1 for m in members if m.get("months_worked"))
        elderly = sum(1 for m in members if m["birth_date"].year <= p.REF.year - 60)
        students = sum(1 for m in members if m["school_status"] in p.STUDYING)
        ill = any(m["has_chronic_disease"] or m["has_serious_illness"] for m in members)
        dibao_people = sum(1 for m in members if m["receives_dibao"])
        for year in YEARS:
            if year < ident or (close_date and close_date.year <= year):
                continue
            line = LINE[year]
            if ready and year == YEARS[-1]:
                pc = line * rng.uniform(1.1, 1.45)  # above the line: ready to exit
            elif poor_at(year):
                pc = line * (rng.uniform(0.55, 0.98) if rng.random() < 0.6 else rng.uniform(1.02, 1.4))
            else:
                pc = line * rng.uniform(1.15, 3.2)
            transfers = {
                "family_planning": 1920 if household["is_only_child"] or household["is_two_daughters"] else 0,
                "dibao": dibao_people * rng.uniform(1800, 3600),
                "tekun": rng.uniform(5000, 6500) if htype == c.HouseholdType.TEKUN else 0,
                "pension": elderly * rng.uniform(1300, 1700),
                "eco_compensation": float(household["forest_land"]) * 15,
                "other_transfer": rng.uniform(100, 800),
            }
            remaining = max(0.0, pc * size - sum(transfers.values()))
            wages = remaining * rng.uniform(0.5, 0.9) if workers else 0.0
            prop = remaining * rng.uniform(0, 0.08)
            business_net = remaining - wages - prop
            business = business_net / 0.65 if business_net > 1 else 0.0
            row: dict[str, object] = {k: money(v) for k, v in transfers.items()}
            row.update(
                household_id=hid,
                year=year,
                wages=money(wages),
                business=money(business),
                property=money(prop),
                business_costs=money(business - business_net if business else 0),
                medical_expense=money(rng.uniform(800, 15000) if ill else 0),
                education_expense=money(students * rng.uniform(600, 4000)),
                disaster_loss=money(rng.uniform(500, 5000) if rng.random() < 0.03 else 0),
            )
            self.sink.add(Income, row)

    def _status_events(self, hid, status, ident_date, exit_year, return_year, close_date, reason, members) -> None:
        """The dated history behind the current status (§3.1). An exit and a return record their policy
        year and the people of the household on their date, as households.services.household_status_change
        does, so "exits of the year" (households.exits) counts them exactly."""
        rng, s = self.rng, c.Status
        chain = [("", s.POOR, ident_date, "建档立卡识别", None)]
        if exit_year:
            exited = a_date(rng, exit_year, (10, 12))
            chain.append((s.POOR, s.EXITED, exited, "经民主评议、乡镇审核、县级审定，达到脱贫标准", exit_year))
        if status == s.EXITED_NO_POLICY:
            later = min(exit_year + rng.randint(1, 2), 2020)
            chain.append((s.EXITED, s.EXITED_NO_POLICY, a_date(rng, later, (10, 12)), "稳定脱贫，不再享受政策", None))
        if return_year:
            chain.append((s.EXITED, s.RETURNED, a_date(rng, return_year, (3, 9)), reason, return_year))
        if close_date:
            chain.append((chain[-1][1], s.CLOSED, close_date, "家庭成员全部死亡或迁出，销户", None))
        for from_status, to_status, date, why, year in chain:
            self.sink.add(
                StatusEvent,
                {
                    "household_id": hid,
                    "from_status": from_status,
                    "to_status": to_status,
                    "date": date,
                    "reason": why,
                    "year": year,
                    "people": None if year is None else _people_on(members, date),
                },
            )


def _people_on(members: list[dict], day: dt.date) -> int:
    """The household's members on `day`: born by then and not yet departed (§3.2)."""
    return sum(1 for m in members if m["birth_date"] <= day and (m["departed_on"] is None or m["departed_on"] > day))


def _insure(members: list[dict]) -> None:
    """§5.2 medical for a household ready to exit: everyone insured, the ill also against critical illness."""
    for m in members:
        if not (m["has_resident_medical"] or m["has_employee_medical"]):
            m["has_resident_medical"] = True
        if m["has_chronic_disease"] or m["has_serious_illness"]:
            m["has_critical_illness"] = True
