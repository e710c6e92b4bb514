"""Template tags of the exit-eligibility pages: the household exit check (§5.2) and region indicators
(§5.3–§5.5), with the labels of criteria and reasons, and masking of health details (§9)."""

from typing import TYPE_CHECKING

from django import template
from django.utils.translation import gettext_lazy as _

from accounts import masking
from households import choices as c
from villages.working_year import current_policy_date

from ..rules.household import CRITERIA
from ..rules.reads import working_year_check

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # dev-only package: annotations only

register = template.Library()

CRITERION_LABELS = {
    "eligible": _("Eligible to exit"),
    "income": _("Income stably above the poverty line"),
    "food": _("Not worried about food"),
    "clothing": _("Not worried about clothing"),
    "education": _("Compulsory education guaranteed"),
    "medical": _("Basic medical care guaranteed"),
    "housing": _("Housing safety guaranteed"),
    "water": _("Safe drinking water guaranteed"),
}
REASON_LABELS = {
    "ok": _("Passed"),
    "missing": _("Data missing"),
    "failed": _("Not met"),
    "at_or_below_line": _("Per-capita net income is not above the poverty line"),
    "worried_about_food": _("The latest assessment says worried about food"),
    "worried_about_clothing": _("The latest assessment says worried about clothing"),
    "child_out_of_school": _("A child aged 6-15 is not in school"),
    "uninsured": _("A member has no basic medical insurance"),
    "no_critical_illness_insurance": _("A chronically or seriously ill member has no critical-illness insurance"),
    "unsafe_house": _("The house is not safe"),
    "unsafe_water": _("Safe drinking water is not solved"),
}
FAILING_LABELS = {
    "incidence": _("Comprehensive incidence not below the threshold"),
    "incidence_undefined": _("Incidence undefined (no rural population recorded)"),
    "hard_road": _("No hard-surfaced road"),
    "safe_water": _("No safe drinking water"),
    "electricity": _("No household electricity"),
    "broadband": _("No broadband"),
    "clinic": _("No standard clinic"),
    "cultural_venue": _("No cultural venue"),
    "collective_income_missing": _("Collective income not recorded"),
    "collective_income": _("Collective income below the threshold"),
    "awaiting_verification": _("Awaiting verification (no sample yet)"),
    "wrong_exit_rate": _("Wrong-exit rate not below the threshold"),
    "omission_rate": _("Omission rate not below the threshold"),
    "approval": _("Public approval below the threshold"),
}
VALUE_LABELS = {
    "net_income": _("Net income"),
    "members": _("Current members"),
    "per_capita_net": _("Per-capita net income"),
    "poverty_line": _("Poverty line"),
    "assessed_on": _("Assessed on"),
    "children_out_of_school": _("Children 6-15 out of school"),
    "uninsured": _("Members without basic medical insurance"),
    "sick_without_critical": _("Ill members without critical-illness insurance"),
    "grade": _("Housing safety grade"),
    "renovation": _("Renovation"),
    "relocation": _("Relocation"),
    "safe_water": _("Safe drinking water"),
}


def mask_criteria(criteria: dict, user) -> dict:
    """§9: the medical criterion's detail reveals health data; masked for roles without the right."""
    if getattr(user, "can_view_sensitive", False):
        return criteria
    out = dict(criteria)
    med = out.get("medical")
    if med is not None and med["passed"] is False:
        out["medical"] = med | {"reason": "failed", "values": dict.fromkeys(med["values"], masking.MASKED)}
    return out


def explanation_dict(explanation, user) -> dict:
    criteria = {
        code: {"passed": crit.passed, "reason": crit.reason, "values": crit.values}
        for code, crit in explanation.criteria.items()
    }
    return {
        "as_of": explanation.as_of,
        "policy_year": explanation.policy_year,
        "params_version": explanation.params_version,
        "eligible": explanation.eligible,
        "same_year_blocked": explanation.same_year_blocked,
        "criteria": mask_criteria(criteria, user),
    }


@register.simple_tag(takes_context=True)
def household_exit_check(context, household):
    """{% household_exit_check household as check %}: the working year's nightly result, else a live one."""
    user = context.get("user")
    explanation, stored = working_year_check(household)
    data = explanation_dict(explanation, user)
    data["stored"] = stored is not None
    data["since"] = stored.since if stored else None
    data["rows"] = [{"code": code, "label": CRITERION_LABELS[code], **data["criteria"][code]} for code in CRITERIA]
    return data


@register.simple_tag
def region_indicators(region, year=None):
    """{% region_indicators region as ind %}: the region's latest indicator snapshot of the working year
    up to its policy date, or the latest of `year` (one query, and one for the working year)."""
    if not year:
        year, day = current_policy_date()
        return region.indicators.filter(year=year, as_of__lte=day).order_by("-as_of").first()
    return region.indicators.filter(year=year).order_by("-as_of").first()


@register.inclusion_tag("eligibility/partials/policy_date_line.html")
def policy_date_line(year=None, day=None):
    """{% policy_date_line %}: the small line "2020 年度 · 截至 2020-12-31" every current page shows;
    with `year` and `day`, the year and date of the result shown instead of the working year's."""
    if year is None or day is None:
        year, day = current_policy_date()
    return {"line_year": year, "line_day": day}


@register.filter
def criterion_label(code: str) -> "StrOrPromise":
    return CRITERION_LABELS.get(code, code)


@register.filter
def value_label(code: str) -> "StrOrPromise":
    return VALUE_LABELS.get(code, code)


# Values that are codes of a choice: shown by their label, as on the rest of the household page.
CHOICE_VALUES = {"grade": c.HousingGrade, "renovation": c.Renovation, "relocation": c.Relocation}


@register.filter
def value_text(value, name: str):
    """A value the test looked at, as a reader expects it: 是/否, a choice's label, — for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    choices = CHOICE_VALUES.get(name)
    if choices is not None and value in choices.values:
        return choices(value).label
    return value


@register.filter
def reason_label(code: str) -> "StrOrPromise":
    return REASON_LABELS.get(code, code)


@register.filter
def failing_label(code: str) -> "StrOrPromise":
    return FAILING_LABELS.get(code, code)


@register.filter
def params_label(version) -> str:
    """The parameters a result used, in words (issue 15, item 9): version 0 is the built-in national
    standard (no row in the province's table, eligibility.policy), any other the province's version."""
    if not version:
        return str(_("national standard (default)"))
    return str(_("province parameters, version %(version)s") % {"version": version})


@register.filter
def percent(value) -> str:
    """2.5000 → 2.50 %; None (undefined) → the word for undefined, never 0."""
    if value is None:
        return str(_("undefined"))
    return f"{value:.2f}%"
