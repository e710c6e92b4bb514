"""The parameters a scenario may change (issue 17), validated by the policy-parameter model's own fields.

Only the parameters that the simulated rules read: the line and the same-year rule (§5.2), the
incidence threshold (§5.4, §5.5), the verification thresholds (§5.5) and the village collective income
threshold (§5.4), and the monitoring multiplier (§7: with the line, the top of the monitoring range the
low-income trigger reads). Any other name is refused: a value that changed nothing would mislead."""

import dataclasses
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from eligibility.models import PolicyParameter
from eligibility.policy import PolicyParams

SIMULATED = (
    "poverty_line",
    "same_year_exit_forbidden",
    "incidence_threshold",
    "wrong_exit_threshold",
    "omission_threshold",
    "approval_threshold",
    "collective_income_threshold",
    "monitoring_income_multiplier",
)


def as_json(params: PolicyParams) -> dict[str, str | bool]:
    """The simulated parameters of a version, JSON-safe (Decimals as strings keep their digits)."""
    out: dict[str, str | bool] = {}
    for name in SIMULATED:
        value = getattr(params, name)
        out[name] = value if isinstance(value, bool) else str(value)
    return out


def from_json(base: PolicyParams, values: dict) -> PolicyParams:
    """`base` with the stored values of a scenario (version 0: a scenario is no version)."""
    typed: dict[str, Any] = {
        name: (bool(v) if isinstance(v, bool) else Decimal(v)) for name, v in values.items() if name in SIMULATED
    }
    return dataclasses.replace(base, version=0, **typed)


def changes(base: PolicyParams, overrides: dict) -> dict[str, str | bool]:
    """The overrides whose value differs from the version's (4200 and 4200.00 are the same line)."""
    return {n: v for n, v in overrides.items() if getattr(from_json(base, {n: v}), n) != getattr(base, n)}


def clean_overrides(values: object) -> dict[str, str | bool]:
    """The changes a user asked for, cleaned by the fields of PolicyParameter (the same validators and
    messages as the parameters page); errors keyed by the parameter's name."""
    if not isinstance(values, dict):
        raise ValidationError(_("Give the parameters as an object of names and values."), code="invalid")
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, str | bool] = {}
    for name, raw in values.items():
        if name not in SIMULATED:
            errors[str(name)] = [
                ValidationError(
                    _("Unknown parameter. A scenario can change: %(names)s."),
                    code="unknown_parameter",
                    params={"names": ", ".join(SIMULATED)},
                )
            ]
            continue
        field = cast(models.Field, PolicyParameter._meta.get_field(name))
        if name != "same_year_exit_forbidden" and (isinstance(raw, bool) or not isinstance(raw, (str, int, float))):
            errors[name] = [ValidationError(_("Enter a number."), code="invalid")]
            continue
        try:
            value = field.clean(raw, None)
        except ValidationError as exc:
            errors[name] = exc.error_list
            continue
        cleaned[name] = value if isinstance(value, bool) else str(value)
    if errors:
        raise ValidationError(errors)
    return cleaned
