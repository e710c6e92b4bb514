"""The one bound on every year and date the policy can mean (issue 12, item 9).

Targeted poverty alleviation 精准扶贫 started in 2013; nothing of the registry (an identification, an
income year, a fund, a project, a visit, a loan) can be dated earlier, nor later than the year after the
working year (next year's plans and targets are entered in advance). The upper bound moves with the
calendar, so the validators read `timezone.localdate()` when they run and are deconstructible (a model
field keeps them in its migration without a fixed year). Model fields carry them, so ModelForms and
ModelSerializers apply the same rule with the same Chinese message.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

POLICY_FIRST_YEAR = 2013


def policy_last_year(years_ahead: int = 1) -> int:
    """The last year accepted: the working year plus `years_ahead` (local time, §9)."""
    return timezone.localdate().year + years_ahead


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
    """Refuses a date before 1 January 2013 or after 31 December of the working year + `years_ahead`."""

    def __init__(self, years_ahead: int = 1) -> None:
        self.years_ahead = years_ahead

    def __call__(self, value: datetime.date | None) -> None:
        if value is None:
            return
        last = policy_last_year(self.years_ahead)
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
