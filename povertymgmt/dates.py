"""The one bound on every year and date the policy can mean (issue 12, item 9; issue 13).

Targeted poverty alleviation 精准扶贫 started in 2013; nothing of the registry (an identification, an
income year, a fund, a project, a visit, a loan) can be dated earlier, nor later than the year after the
working year 工作年度 (next year's plans and targets are entered in advance): with the working year 2020,
the policy year 2021 is accepted and 2022 refused, whatever the calendar says. A date is bounded the same
way, except that today's year never lies beyond the bound (`policy_last_date_year`): what happens today
can always be recorded.

The working year is a province setting of `villages` (`villages.working_year.working_year`), a layer
above this module, so the dependency is inverted: `villages/apps.py` hands its reader to
`set_working_year_source()` in `ready()`, and the bound asks it each time a validator runs. Unset (a
migration, a script or a test without the app registry) the bound falls back to the calendar year of
`timezone.localdate()`. The validators read the bound when they run and are deconstructible (a model
field keeps them in its migration without a fixed year). Model fields carry them, so ModelForms and
ModelSerializers apply the same rule with the same Chinese message.
"""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

POLICY_FIRST_YEAR = 2013

# Who answers "which policy year is current": set by villages/apps.py (the working year); None: the calendar.
_working_year_source: Callable[[], int] | None = None


def set_working_year_source(source: Callable[[], int] | None) -> None:
    """Register the reader of the working year (villages' `ready()`); None restores the calendar year."""
    global _working_year_source  # noqa: PLW0603 -- the one hook of this module, set once at start-up
    _working_year_source = source


def base_year() -> int:
    """The working year when villages has registered its reader, else the calendar year (local time, §9)."""
    source = _working_year_source
    return int(source()) if source is not None else timezone.localdate().year


def policy_last_year(years_ahead: int = 1) -> int:
    """The last policy year accepted: the working year plus `years_ahead`."""
    return base_year() + years_ahead


def policy_last_date_year(years_ahead: int = 1) -> int:
    """The year of the last date accepted: like `policy_last_year`, but never before the year after
    today's: a date says when something happened (a visit, a member's birth or move, a payment), and
    what happens today is never refused, even in a province whose working year lags the calendar
    (the demo works in 2020 on today's real date)."""
    return max(base_year(), timezone.localdate().year) + years_ahead


@deconstructible
class PolicyYearValidator:
    """Refuses a year before 2013 or after the working year + `years_ahead`."""

    def __init__(self, years_ahead: int = 1) -> None:
        self.years_ahead = years_ahead

    def __call__(self, value: int | None) -> None:
        if value is None:
            return
        last = policy_last_year(self.years_ahead)
        if not POLICY_FIRST_YEAR <= value <= last:
            raise ValidationError(
                _("Enter a year from %(first)s to %(last)s."),
                code="policy_year",
                params={"first": POLICY_FIRST_YEAR, "last": last},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PolicyYearValidator) and other.years_ahead == self.years_ahead


@deconstructible
class PolicyDateValidator:
    """Refuses a date before 1 January 2013 or after 31 December of the working year + `years_ahead`
    (of today's year + `years_ahead` when the working year lags the calendar: `policy_last_date_year`)."""

    def __init__(self, years_ahead: int = 1) -> None:
        self.years_ahead = years_ahead

    def __call__(self, value: datetime.date | None) -> None:
        if value is None:
            return
        last = policy_last_date_year(self.years_ahead)
        if not datetime.date(POLICY_FIRST_YEAR, 1, 1) <= value <= datetime.date(last, 12, 31):
            raise ValidationError(
                _("Enter a date from %(first)s to %(last)s."),
                code="policy_date",
                params={"first": f"{POLICY_FIRST_YEAR}-01-01", "last": f"{last}-12-31"},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PolicyDateValidator) and other.years_ahead == self.years_ahead


policy_year_validator = PolicyYearValidator()
policy_date_validator = PolicyDateValidator()
# A loan falls due up to 120 months after its issue and may be extended (§10); a project may end a few
# years after it starts: these dates look further ahead, still never before 2013.
policy_due_date_validator = PolicyDateValidator(years_ahead=15)
policy_plan_end_validator = PolicyDateValidator(years_ahead=10)


def check_policy_dates(**values: datetime.date | int | None) -> None:
    """For services that create rows without `full_clean`: refuse out-of-range dates and years, each
    error keyed by its field so a page shows it next to the field and the API under the field's name."""
    errors: dict[str, list[ValidationError]] = {}
    for field, value in values.items():
        validator = policy_year_validator if isinstance(value, int) else policy_date_validator
        try:
            validator(value)  # type: ignore[arg-type]
        except ValidationError as exc:
            errors[field] = exc.error_list
    if errors:
        raise ValidationError(errors)
