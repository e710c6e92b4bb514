"""The household exit test of §5.2 (两不愁三保障 + income), explained criterion by criterion.

`evaluate` is pure Python over plain facts; `explain_household` loads the facts of one household
(a fixed number of queries) and evaluates them. eligibility.rules.household_sql computes the same
results set-based for the nightly run; a test asserts that both agree.
"""

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from households import choices as c
from households.idnumber import age_on
from households.income import per_capita
from households.membership import current_on
from villages.working_year import current_policy_date

from ..policy import PolicyParams, parameters_for

CRITERIA = ("income", "food", "clothing", "education", "medical", "housing", "water")

# Reason codes (stable; pages translate them).
OK = "ok"
MISSING = "missing"
FAILED_REASONS = {
    "income": "at_or_below_line",
    "food": "worried_about_food",
    "clothing": "worried_about_clothing",
    "education": "child_out_of_school",
    "medical": "uninsured",
    "housing": "unsafe_house",
    "water": "unsafe_water",
}
NO_CRITICAL_ILLNESS_INSURANCE = "no_critical_illness_insurance"


@dataclasses.dataclass(frozen=True)
class MemberFacts:
    birth_date: dt.date
    school_status: str
    no_school_reason: str
    has_resident_medical: bool
    has_employee_medical: bool
    has_critical_illness: bool
    has_chronic_disease: bool
    has_serious_illness: bool


@dataclasses.dataclass(frozen=True)
class HouseholdFacts:
    """What §5.2 looks at: current members, the year's net income, the latest assessment, the house."""

    status: str
    identification_year: int
    members: tuple[MemberFacts, ...]
    net_income: Decimal | None  # None: no income record for the policy year
    assessed_on: dt.date | None
    food_secure: bool | None
    clothing_secure: bool | None
    housing_grade: str
    renovation: str
    relocation: str
    has_safe_water: bool | None


@dataclasses.dataclass(frozen=True)
class Criterion:
    code: str
    passed: bool | None  # None = missing data, which fails the test
    reason: str
    values: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Explanation:
    as_of: dt.date
    policy_year: int
    params_version: int
    status: str
    eligible: bool
    same_year_blocked: bool
    criteria: dict[str, Criterion]

    @property
    def failing(self) -> list[str]:
        return [code for code, crit in self.criteria.items() if crit.passed is not True]


def is_compulsory_school_age(birth: dt.date, day: dt.date) -> bool:
    """Aged 6–15 inclusive at `day` (§5.2 education)."""
    return 6 <= age_on(birth, day) <= 15


def out_of_school(m: MemberFacts, day: dt.date) -> bool:
    """§5.2: a compulsory-age member not in school, unless taught at home (送教上门)."""
    return (
        is_compulsory_school_age(m.birth_date, day)
        and m.school_status == c.SchoolStatus.NOT_IN_SCHOOL
        and m.no_school_reason != c.NoSchoolReason.PHYSICAL
    )


def uninsured(m: MemberFacts) -> bool:
    return not (m.has_resident_medical or m.has_employee_medical)


def sick_without_critical(m: MemberFacts) -> bool:
    return (m.has_chronic_disease or m.has_serious_illness) and not m.has_critical_illness


def _crit(code: str, passed: bool | None, values: dict, failed_reason: str | None = None) -> Criterion:
    reason = OK if passed else MISSING if passed is None else (failed_reason or FAILED_REASONS[code])
    return Criterion(code, passed, reason, values)


def income_passed(net: Decimal | None, members: int, line: Decimal) -> bool | None:
    """Per-capita net income strictly above the line; compared as net > line × members (exact)."""
    if net is None or members == 0:
        return None
    return net > line * members


def housing_passed(grade: str, renovation: str, relocation: str) -> bool | None:
    if relocation == c.Relocation.MOVED_IN or grade in (c.HousingGrade.A, c.HousingGrade.B):
        return True
    if grade in (c.HousingGrade.C, c.HousingGrade.D):
        return renovation == c.Renovation.ACCEPTED
    return None  # no grade recorded


def evaluate(facts: HouseholdFacts, as_of: dt.date, params: PolicyParams) -> Explanation:
    """§5.2 for one household's facts as of a date, with the parameters of the policy year."""
    n = len(facts.members)
    line = params.poverty_line
    n_out = sum(out_of_school(m, as_of) for m in facts.members)
    n_uninsured = sum(uninsured(m) for m in facts.members)
    n_sick = sum(sick_without_critical(m) for m in facts.members)
    medical = None if n == 0 else (n_uninsured == 0 and n_sick == 0)
    criteria = {
        "income": _crit(
            "income",
            income_passed(facts.net_income, n, line),
            {
                "net_income": facts.net_income,
                "members": n,
                "per_capita_net": per_capita(facts.net_income, n),
                "poverty_line": line,
            },
        ),
        "food": _crit("food", facts.food_secure, {"assessed_on": facts.assessed_on}),
        "clothing": _crit("clothing", facts.clothing_secure, {"assessed_on": facts.assessed_on}),
        "education": _crit("education", None if n == 0 else n_out == 0, {"children_out_of_school": n_out}),
        "medical": _crit(
            "medical",
            medical,
            {"uninsured": n_uninsured, "sick_without_critical": n_sick},
            "uninsured" if n_uninsured else NO_CRITICAL_ILLNESS_INSURANCE,
        ),
        "housing": _crit(
            "housing",
            housing_passed(facts.housing_grade, facts.renovation, facts.relocation),
            {"grade": facts.housing_grade, "renovation": facts.renovation, "relocation": facts.relocation},
        ),
        "water": _crit("water", facts.has_safe_water, {"safe_water": facts.has_safe_water}),
    }
    blocked = params.same_year_exit_forbidden and facts.identification_year == params.year
    eligible = all(crit.passed is True for crit in criteria.values()) and not blocked
    return Explanation(as_of, params.year, params.version, facts.status, eligible, blocked, criteria)


def household_facts(household, as_of: dt.date, year: int) -> HouseholdFacts:
    """Load the facts of one household (three queries, whatever its size): the members current on the
    date (households.membership: one who left after it still counts, one who joined after it does not),
    the income record of the policy year and the latest assessment made by the date."""
    from households.models import Assessment, Income

    members = tuple(
        MemberFacts(
            m.birth_date,
            m.school_status,
            m.no_school_reason,
            m.has_resident_medical,
            m.has_employee_medical,
            m.has_critical_illness,
            m.has_chronic_disease,
            m.has_serious_illness,
        )
        for m in current_on(household.members.all(), as_of).order_by()
    )
    net = Income.objects.filter(household=household, year=year).values_list("net", flat=True).first()
    latest = (
        Assessment.objects.filter(household=household, assessed_on__lte=as_of)
        .order_by("-assessed_on", "-id")
        .values_list("assessed_on", "food_secure", "clothing_secure")
        .first()
    )
    assessed_on, food, clothing = latest or (None, None, None)
    return HouseholdFacts(
        status=household.status,
        identification_year=household.identification_year,
        members=members,
        net_income=Decimal(net) if net is not None else None,
        assessed_on=assessed_on,
        food_secure=food,
        clothing_secure=clothing,
        housing_grade=household.housing_grade,
        renovation=household.renovation,
        relocation=household.relocation,
        has_safe_water=household.has_safe_water,
    )


def explain_household(household, as_of: dt.date | None = None, params: PolicyParams | None = None) -> Explanation:
    """§5.2 for one household, live from its current data: what the household page shows.

    Without a date: the working year as of its policy date (villages.working_year, as the nightly run).
    With a date and no parameters: the date's calendar year (an explicit as-of is a past survey date)."""
    if as_of is None:
        year, as_of = current_policy_date()
        params = params or parameters_for(year)
    params = params or parameters_for(as_of.year)
    return evaluate(household_facts(household, as_of, params.year), as_of, params)


def explanation_from_check(check) -> Explanation:
    """The same explanation rebuilt from a stored nightly snapshot (eligibility.models.HouseholdCheck)."""
    n = check.member_count
    criteria = {
        "income": _crit(
            "income",
            check.income_passed,
            {
                "net_income": check.net_income,
                "members": n,
                "per_capita_net": check.per_capita_net,
                "poverty_line": check.poverty_line,
            },
        ),
        "food": _crit("food", check.food_passed, {"assessed_on": check.assessed_on}),
        "clothing": _crit("clothing", check.clothing_passed, {"assessed_on": check.assessed_on}),
        "education": _crit("education", check.education_passed, {"children_out_of_school": check.out_of_school}),
        "medical": _crit(
            "medical",
            check.medical_passed,
            {"uninsured": check.uninsured, "sick_without_critical": check.sick_without_critical},
            "uninsured" if check.uninsured else NO_CRITICAL_ILLNESS_INSURANCE,
        ),
        "housing": _crit(
            "housing",
            check.housing_passed,
            {"grade": check.housing_grade, "renovation": check.renovation, "relocation": check.relocation},
        ),
        "water": _crit("water", check.water_passed, {"safe_water": check.water_passed}),
    }
    return Explanation(
        check.as_of,
        check.policy_year,
        check.params_version,
        check.status,
        check.eligible,
        check.same_year_blocked,
        criteria,
    )


def jsonable(value: Any) -> Any:
    """Decimals as strings, dates in ISO (the API's conventions, §12)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
