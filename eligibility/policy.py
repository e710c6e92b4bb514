"""Policy parameters by year (§5, §5.1): national defaults, the province's override table, and the one
function every rule asks, `parameters_for(year)`."""

import dataclasses
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

# §5.1: the national line 国家扶贫标准 (yuan per person per year, current prices).
NATIONAL_LINES = {
    2014: Decimal("2800"),
    2015: Decimal("2855"),
    2016: Decimal("2952"),
    2017: Decimal("2952"),
    2018: Decimal("2995"),
    2019: Decimal("3218"),
    2020: Decimal("4000"),
}


@dataclasses.dataclass(frozen=True)
class PolicyParams:
    """The parameters one computation used; (year, version) is stored with every result (§5).

    version 0 means the built-in national defaults (no row in the province's table)."""

    year: int
    version: int
    poverty_line: Decimal
    incidence_threshold: Decimal = Decimal("2")  # percent (§5.4, §5.5)
    wrong_exit_threshold: Decimal = Decimal("2")  # percent (§5.5)
    omission_threshold: Decimal = Decimal("2")  # percent (§5.5)
    approval_threshold: Decimal = Decimal("90")  # percent (§5.5)
    notice_days: int = 7  # §6.1 step 4
    monitoring_income_multiplier: Decimal = Decimal("1.5")  # §7
    monitoring_drop_ratio: Decimal = Decimal("0.30")  # §7
    collective_income_threshold: Decimal = Decimal("0")  # §5.4
    same_year_exit_forbidden: bool = False  # §5.2, optional provincial rule
    monitoring_notice_days: int = 5  # §7
    risk_removal_months: int = 6  # §7: monitored at least this long before risk removal


PARAM_FIELDS = [f.name for f in dataclasses.fields(PolicyParams) if f.name not in ("year", "version")]


def national_line(year: int) -> Decimal:
    """The national line of §5.1; before 2014 the 2014 line, after 2020 the 2020 line."""
    known = sorted(NATIONAL_LINES)
    if year in NATIONAL_LINES:
        return NATIONAL_LINES[year]
    return NATIONAL_LINES[known[0]] if year < known[0] else NATIONAL_LINES[known[-1]]


def default_parameters(year: int) -> PolicyParams:
    return PolicyParams(year=year, version=0, poverty_line=national_line(year))


def parameters_for(year: int) -> PolicyParams:
    """§5: the province's row for the year if recorded, else the national defaults (version 0)."""
    from .models import PolicyParameter

    row = PolicyParameter.objects.filter(year=year).first()
    if row is None:
        return default_parameters(year)
    return PolicyParams(year=row.year, version=row.version, **{name: getattr(row, name) for name in PARAM_FIELDS})


@transaction.atomic
def policy_parameter_save(*, user, year: int, values: dict):
    """Create or change the province's parameters of a year; every change bumps the version (§5).

    A provincial line may be higher than the national one, never lower (§5.1)."""
    from .models import PolicyParameter

    line = values.get("poverty_line")
    if line is not None and Decimal(line) < national_line(year):
        raise ValidationError(
            {"poverty_line": _("The provincial line cannot be lower than the national line of that year.")}
        )
    row = PolicyParameter.objects.select_for_update().filter(year=year).first()
    if row is None:
        defaults = default_parameters(year)
        row = PolicyParameter(year=year, created_by=user, **{n: getattr(defaults, n) for n in PARAM_FIELDS})
    for name, value in values.items():
        if name in PARAM_FIELDS:
            setattr(row, name, value)
    row.full_clean(exclude=["version"])
    if row.pk is not None:
        row.version += 1  # the row is locked: no lost update
    row._history_user = user
    row.save()
    return row
