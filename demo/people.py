"""Demo members (§3.2): family shapes, resident ID numbers (§8.1) and attributes consistent with age.

Everything is drawn from one random.Random so the same seed gives the same people.
"""

import datetime as dt
import random
from array import array

from households import choices as c
from households.idnumber import check_char

from . import names as n

REF = dt.date(2020, 9, 1)  # the snapshot date of the demo data: ages and school stages are as of it
BIRTH_FROM = dt.date(1920, 1, 1)
BIRTH_DAYS = (REF - BIRTH_FROM).days + 1
R = c.Relationship


class IdAllocator:
    """Hands out resident ID numbers that never repeat, in flat memory.

    A number is county (6) + birth date (8) + sequence (3) + check: two counters per county and day (one per
    sex) make the sequence unique; a full day (500 people of one sex) moves the birth date on by one day.
    """

    def __init__(self, county_codes: list[str]) -> None:
        self.codes = county_codes
        size = len(county_codes) * BIRTH_DAYS
        self.used = {True: array("H", bytes(2 * size)), False: array("H", bytes(2 * size))}

    def allocate(self, county: int, birth: dt.date, male: bool) -> tuple[str, dt.date]:
        used = self.used[male]
        while True:
            key = county * BIRTH_DAYS + (birth - BIRTH_FROM).days
            k = used[key]
            if k < 500:
                used[key] = k + 1
                break
            birth += dt.timedelta(days=1)
        slot = (k * 7 + key) % 500  # a bijection of 0..499: sequences look scattered, never repeat
        first17 = f"{self.codes[county]}{birth:%Y%m%d}{2 * slot + (1 if male else 0):03d}"
        return first17 + check_char(first17), birth


def birth_for_age(rng: random.Random, age: int) -> dt.date:
    """A birth date that makes someone `age` full years old on REF."""
    start = dt.date(REF.year - age - 1, REF.month, REF.day) + dt.timedelta(days=1)
    return start + dt.timedelta(days=rng.randrange(365))


def given_name(rng: random.Random, male: bool) -> str:
    pool = n.MALE_GIVEN if male else n.FEMALE_GIVEN
    return rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")


def family(rng: random.Random) -> tuple[str, list[tuple[str, int, bool]]]:
    """A family shape and its people as (relationship, age, male); the head comes first."""
    r = rng.random()
    people: list[tuple[str, int, bool]] = []
    if r < 0.2:
        kind = "single_elderly"
        people.append((R.HEAD, rng.randint(60, 88), rng.random() < 0.5))
    elif r < 0.4:
        kind = "elderly_couple"
        age = rng.randint(62, 85)
        people += [(R.HEAD, age, True), (R.SPOUSE, max(55, age + rng.randint(-6, 3)), False)]
    elif r < 0.75:
        kind = "nuclear"
        age = rng.randint(28, 55)
        male_head = rng.random() < 0.85
        people.append((R.HEAD, age, male_head))
        if male_head or rng.random() < 0.5:
            people.append((R.SPOUSE, max(22, age + rng.randint(-5, 3)), not male_head))
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            male = rng.random() < 0.52
            people.append((R.SON if male else R.DAUGHTER, rng.randint(0, min(age - 20, 27)), male))
    elif r < 0.9:
        kind = "three_generations"
        age = rng.randint(50, 72)
        people += [(R.HEAD, age, True), (R.SPOUSE, age + rng.randint(-5, 2), False)]
        son = rng.randint(24, min(age - 20, 45))
        people += [(R.SON, son, True), (R.DAUGHTER_IN_LAW, max(21, son + rng.randint(-4, 2)), False)]
        for _ in range(rng.choice((1, 1, 2))):
            male = rng.random() < 0.52
            people.append((R.GRANDSON if male else R.GRANDDAUGHTER, rng.randint(0, max(0, son - 21)), male))
    else:
        kind = "with_parents"
        age = rng.randint(30, 55)
        people.append((R.HEAD, age, True))
        if rng.random() < 0.7:
            people.append((R.SPOUSE, max(22, age + rng.randint(-5, 3)), False))
        if rng.random() < 0.7:
            people.append((R.FATHER, min(95, age + rng.randint(22, 35)), True))
        people.append((R.MOTHER, min(95, age + rng.randint(20, 33)), False))
        for _ in range(rng.choice((0, 1, 1, 2))):
            male = rng.random() < 0.52
            people.append((R.SON if male else R.DAUGHTER, rng.randint(0, min(age - 20, 25)), male))
    return kind, people


def school_status(rng: random.Random, age: int) -> tuple[str, str]:
    """School stage for an age (consistent with DQ06) and the no-school reason."""
    s = c.SchoolStatus
    if age < 3:
        return s.NOT_IN_SCHOOL, ""
    if age < 6:
        return (s.PRESCHOOL if rng.random() < 0.75 else s.NOT_IN_SCHOOL), ""
    if age <= 14 and rng.random() < 0.006:
        return s.NOT_IN_SCHOOL, c.NoSchoolReason.PHYSICAL  # taught at home (送教上门)
    if age <= 11:
        return s.PRIMARY, ""
    if age <= 14:
        return (s.GRADE_7, s.GRADE_8, s.GRADE_9)[age - 12], ""
    if age <= 17:
        r = rng.random()
        if r < 0.58 or age == 15:
            return (s.SENIOR_HIGH if r < 0.7 else s.SECONDARY_VOCATIONAL), ""
        return (s.SECONDARY_VOCATIONAL if r < 0.85 else s.NOT_IN_SCHOOL), ""
    if age <= 21:
        r = rng.random()
        return (s.HIGHER_VOCATIONAL if r < 0.14 else s.BACHELOR if r < 0.25 else s.NOT_IN_SCHOOL), ""
    return s.NOT_IN_SCHOOL, ""


STUDYING = {
    c.SchoolStatus.SENIOR_HIGH,
    c.SchoolStatus.SECONDARY_VOCATIONAL,
    c.SchoolStatus.HIGHER_VOCATIONAL,
    c.SchoolStatus.BACHELOR,
}
_EDU_BY_STAGE: dict[str, str] = {
    c.SchoolStatus.PRIMARY: "",
    c.SchoolStatus.GRADE_7: c.Education.PRIMARY,
    c.SchoolStatus.GRADE_8: c.Education.PRIMARY,
    c.SchoolStatus.GRADE_9: c.Education.PRIMARY,
    c.SchoolStatus.SENIOR_HIGH: c.Education.JUNIOR,
    c.SchoolStatus.SECONDARY_VOCATIONAL: c.Education.JUNIOR,
    c.SchoolStatus.HIGHER_VOCATIONAL: c.Education.SENIOR,
    c.SchoolStatus.BACHELOR: c.Education.SENIOR,
}


def education(rng: random.Random, age: int, school: str) -> str:
    e = c.Education
    if school in _EDU_BY_STAGE:
        return _EDU_BY_STAGE[school]
    if age < 16:
        return "" if age < 7 else e.PRIMARY
    r = rng.random()
    if age >= 70:
        return e.ILLITERATE if r < 0.4 else e.PRIMARY if r < 0.9 else e.JUNIOR
    if age >= 50:
        return e.ILLITERATE if r < 0.1 else e.PRIMARY if r < 0.55 else e.JUNIOR if r < 0.95 else e.SENIOR
    if age >= 30:
        return e.PRIMARY if r < 0.2 else e.JUNIOR if r < 0.8 else e.SENIOR if r < 0.95 else e.COLLEGE
    return e.JUNIOR if r < 0.45 else e.SENIOR if r < 0.75 else e.COLLEGE if r < 0.9 else e.BACHELOR


WORK_PLACES = (
    c.WorkStatus.IN_TOWNSHIP,
    c.WorkStatus.IN_COUNTY,
    c.WorkStatus.IN_PROVINCE,
    c.WorkStatus.OUT_OF_PROVINCE,
    c.WorkStatus.OTHER,
)


def member_attributes(rng: random.Random, age: int, male: bool, id_number: str) -> dict:
    """Health, labour, work, insurance and schooling that fit the age (DQ06, DQ07, DQ08)."""
    school, reason = school_status(rng, age)
    old = age >= 60
    chronic = rng.random() < (0.02 if age < 40 else 0.15 if not old else 0.3)
    serious = rng.random() < (0.01 if age < 40 else 0.03 if not old else 0.06)
    disabled = reason != "" or rng.random() < (0.04 if not old else 0.08)
    row: dict = {
        "school_status": school,
        "no_school_reason": reason,
        "education": education(rng, age, school),
        "has_chronic_disease": chronic,
        "has_serious_illness": serious,
        "is_disabled": disabled,
    }
    if disabled:
        category, grade = str(rng.randint(1, 7)), str(rng.choice((1, 2, 3, 3, 4, 4)))
        row.update(disability_category=category, disability_grade=grade)
        row["disability_certificate"] = id_number + category + grade
    studying = school != c.SchoolStatus.NOT_IN_SCHOOL
    if age < 16 or studying:
        labour = c.LabourAbility.NONE
    elif not old:
        if serious or (disabled and row["disability_grade"] in "12"):
            labour = c.LabourAbility.LOST
        elif chronic or disabled:
            labour = c.LabourAbility.WEAK
        else:
            r = rng.random()
            labour = (
                c.LabourAbility.ORDINARY if r < 0.72 else c.LabourAbility.SKILLED if r < 0.9 else c.LabourAbility.WEAK
            )
    else:
        r = rng.random()
        labour = c.LabourAbility.WEAK if r < 0.45 else c.LabourAbility.LOST if r < 0.7 else c.LabourAbility.NONE
    row["labour_ability"] = labour
    working_age = 16 <= age <= 64 and labour in (
        c.LabourAbility.ORDINARY,
        c.LabourAbility.SKILLED,
        c.LabourAbility.WEAK,
    )
    if working_age and rng.random() < (0.65 if labour != c.LabourAbility.WEAK else 0.3):
        row["work_status"] = rng.choices(WORK_PLACES, (30, 25, 25, 15, 5))[0]
        row["months_worked"] = rng.randint(3, 12)
    row["has_public_welfare_post"] = working_age and age >= 45 and rng.random() < 0.06
    resident = rng.random() < 0.975
    row["has_resident_medical"] = resident
    row["has_employee_medical"] = not resident and rng.random() < 0.4
    insured = resident or row["has_employee_medical"]
    row["has_critical_illness"] = insured and rng.random() < (0.985 if chronic or serious else 0.93)
    adult = age >= 16 and not studying
    row["has_resident_pension"] = adult and rng.random() < 0.86
    row["has_employee_pension"] = adult and not row["has_resident_pension"] and rng.random() < 0.1
    row["has_family_doctor"] = rng.random() < (0.95 if old or chronic or serious or disabled else 0.7)
    row["is_active_serviceman"] = male and 18 <= age <= 24 and rng.random() < 0.01
    if row["is_active_serviceman"]:
        row.update(work_status="", months_worked=0)
    return row


def political_status(rng: random.Random, age: int, head: bool) -> str:
    p = c.PoliticalStatus
    if age >= 18 and rng.random() < (0.08 if head else 0.04):
        return p.PARTY_MEMBER
    if 14 <= age <= 28 and rng.random() < 0.15:
        return p.LEAGUE
    return p.MASSES


def ethnicity(rng: random.Random, county_code: str) -> str:
    e = c.Ethnicity
    r = rng.random()
    if county_code in n.MANCHU_COUNTIES:
        return e.MANCHU if r < 0.45 else e.HAN if r < 0.98 else e.KOREAN
    if county_code in n.MONGOL_COUNTIES:
        return e.MONGOL if r < 0.3 else e.MANCHU if r < 0.35 else e.HAN
    return e.HAN if r < 0.88 else e.MANCHU if r < 0.96 else e.MONGOL if r < 0.98 else e.HUI if r < 0.99 else e.XIBE
