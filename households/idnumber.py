"""Resident ID numbers (GB 11643, §8.1): checksum, birth date and sex; ages in full years from the birth
date (§5.2)."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class IdInfo:
    birth_date: dt.date
    sex: str  # "male" or "female", as households.choices.Sex


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse_id_number(value: str, *, today: dt.date | None = None) -> IdInfo:
    """Validate an 18-character resident ID number (§8.1) and return its birth date and sex."""
    value = (value or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a final digit or X."), code="format")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in this ID number (%(date)s) is not a real date."),
            code="birth_date",
            params={"date": value[6:14]},
        ) from None
    today = today or timezone.localdate()
    if birth.year < 1900 or birth > today:
        raise ValidationError(
            _("The birth date in this ID number (%(date)s) is impossible."),
            code="birth_date",
            params={"date": birth.isoformat()},
        )
    if check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of this ID number is wrong: please check every digit."), code="checksum"
        )
    return IdInfo(birth_date=birth, sex="male" if int(value[16]) % 2 else "female")


def normalise(value: str) -> str:
    return (value or "").strip().upper()


# Ages (§5.2: full years at a date, from the birth date in the ID number). The one pair of helpers for
# the whole registry: age_on for a birth date in hand, years_before for the birth-date bound of a query.


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years at `day` of a person born on `birth` (§5.2)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier, 29 February falling back to 28 February: the latest birth
    date of a person aged at least `years` at `day`, so that age_on(birth, day) >= years ⇔ birth <=
    years_before(day, years). A query says "aged a–b" as birth_date <= years_before(day, a) AND
    birth_date > years_before(day, b + 1): bounds on the indexed column, the same in SQL and Python."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year: the 28th is the last day that qualifies
        return day.replace(year=day.year - years, day=28)
