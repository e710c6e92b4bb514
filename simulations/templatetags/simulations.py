"""Labels of the compare page (issue 17): criteria as the exit check names them (eligibility), the
same-year rule, and the parameters by the policy-parameter model's own labels."""

from typing import TYPE_CHECKING, cast

from django import template
from django.db import models
from django.utils.translation import gettext_lazy as _

from eligibility.models import PolicyParameter
from eligibility.templatetags.eligibility import criterion_label as exit_criterion_label

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # dev-only package: annotations only

register = template.Library()

SAME_YEAR = _("Not blocked by the same-year rule")


@register.filter
def criterion_label(code: str) -> "StrOrPromise":
    return SAME_YEAR if code == "same_year" else exit_criterion_label(code)


@register.filter
def parameter_label(name: str) -> "StrOrPromise":
    return cast(models.Field, PolicyParameter._meta.get_field(name)).verbose_name


@register.filter
def parameter_value(value) -> "StrOrPromise":
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


@register.filter
def yesno_label(value) -> "StrOrPromise":
    """是 / 否, and — where there is no answer (a level without exit eligibility)."""
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
