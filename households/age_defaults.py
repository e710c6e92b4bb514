"""The school status and labour ability proposed for a new member from the age (§3.2, §8.2 DQ06/DQ07).

A new member's two fields start empty and must be chosen: nothing is silently assumed (a baby is not an
"ordinary labourer who is not in school"). Once the age is known — from a resident ID number, or the
typed birth date of another certificate — the household form proposes the values below (the browser
fills them in, static/js/household_form.js, and the user sees and may change them). The age is in full
years as of today (`timezone.localdate()`, households.idnumber.age_on).

| age    | school status                          | labour ability                        |
|--------|----------------------------------------|---------------------------------------|
| 0–5    | preschool 学龄前                         | none 无劳动能力                         |
| 6–11   | primary school 小学                      | none                                  |
| 12–14  | grade 7, 8 or 9 by age                  | none                                  |
| 15     | to choose (senior high, vocational …)   | none                                  |
| 16–17  | to choose                               | after the school status (below)       |
| 18–59  | not in school 非在校生                     | ordinary 普通劳动力                      |
| 60–69  | not in school                           | weak 弱劳动力或半劳动力                  |
| 70+    | not in school                           | none                                  |

Once a school status is chosen, the labour ability follows it: in school, none under 16 and weak or half
labour from 16 (DQ07 wants neither a labourer in school nor a healthy 16–60-year-old without labour
ability); not in school at 16–17, ordinary labour.

The proposals never trip the data-quality checks of the same facts (DQ06: a child of compulsory school
age not in school, a too young or too old pupil; DQ07: a healthy adult of 16–60 without labour ability,
a child or a student recorded as a labourer). The import (imports/) and the API keep their own columns
and the model's defaults (docs/registry.md).
"""

from dataclasses import dataclass

from . import choices as c

S, L = c.SchoolStatus, c.LabourAbility

# (first age, last age, school status, labour ability); "" is left to the user.
AGES: list[tuple[int, int, str, str]] = [
    (0, 5, S.PRESCHOOL, L.NONE),
    (6, 11, S.PRIMARY, L.NONE),
    (12, 12, S.GRADE_7, L.NONE),
    (13, 13, S.GRADE_8, L.NONE),
    (14, 14, S.GRADE_9, L.NONE),
    (15, 15, "", L.NONE),
    (16, 17, "", ""),
    (18, 59, S.NOT_IN_SCHOOL, L.ORDINARY),
    (60, 69, S.NOT_IN_SCHOOL, L.WEAK),
    (70, 200, S.NOT_IN_SCHOOL, L.NONE),
]
# The labour ability of someone in school, by age (DQ07: a pupil or student is no labourer, and a healthy
# person of 16–60 has some labour ability), and where the age leaves it open, of someone not in school.
STUDENT_LABOUR: list[tuple[int, int, str]] = [(0, 15, L.NONE), (16, 200, L.WEAK)]
LABOUR_NOT_IN_SCHOOL = L.ORDINARY


@dataclass(frozen=True)
class Proposal:
    school_status: str  # "" when the age leaves it to the user
    labour_ability: str


def proposal_for(age: int, school_status: str = "") -> Proposal:
    """The proposal for a person of `age` full years. `school_status`, once chosen, weighs on the labour
    ability: in school none under 16 and weak from 16, and for 16–17 ordinary when not in school."""
    row = next((row for row in AGES if row[0] <= age <= row[1]), None)
    if row is None:
        return Proposal("", "")
    school, labour = row[2], row[3]
    if school_status and school_status != S.NOT_IN_SCHOOL:
        labour = next(value for first, last, value in STUDENT_LABOUR if first <= age <= last)
    elif school_status and not labour:
        labour = LABOUR_NOT_IN_SCHOOL
    return Proposal(str(school), str(labour))


def proposal_rules() -> dict:
    """The table for the browser (a data attribute of the household form, read by household_form.js)."""
    return {
        "ages": [[first, last, str(school), str(labour)] for first, last, school, labour in AGES],
        "student_labour": [[first, last, str(labour)] for first, last, labour in STUDENT_LABOUR],
        "labour_not_in_school": str(LABOUR_NOT_IN_SCHOOL),
        "not_in_school": str(S.NOT_IN_SCHOOL),
    }
