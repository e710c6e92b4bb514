"""Readable messages for findings (§8.2) and trigger values (§7); codes stay in the data, words here."""

from collections import defaultdict
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from households import choices as c

from ..selectors import finding_hides_health

register = template.Library()

FINDING_MESSAGES = {
    ("DQ01", "duplicate"): _("This person's ID number is also registered in another live household."),
    ("DQ02", "format"): _("The ID number is not 17 digits and a final digit or X."),
    ("DQ02", "birth_date"): _("The birth date in the ID number is not a real or possible date."),
    ("DQ02", "checksum"): _("The check character of the ID number is wrong."),
    ("DQ02", "mismatch"): _("The recorded birth date or sex differs from the ID number."),
    ("DQ03", "heads"): _("The household has %(heads)s current heads instead of one."),
    ("DQ03", "spouses"): _("The household has %(spouses)s current spouses of the head."),
    ("DQ04", "same_sex"): _("The head and the spouse are of the same sex."),
    ("DQ04", "relationship_sex"): _("The relationship %(relationship)s does not fit the sex %(sex)s."),
    ("DQ05", "illness"): _("The cause is illness but no current member is ill."),
    ("DQ05", "disability"): _("The cause is disability but no current member is disabled."),
    ("DQ05", "schooling"): _("The cause is schooling but no current member is in school."),
    ("DQ05", "repeated_cause"): _("Another cause repeats the main cause."),
    ("DQ06", "out_of_school"): _("A child aged 6 to 15 is not in school and no reason is recorded."),
    ("DQ06", "too_young"): _("Aged 14 or under but recorded in %(school_status)s."),
    ("DQ06", "too_old"): _("Aged 20 or over but recorded in %(school_status)s."),
    ("DQ07", "healthy_no_labour"): _("Aged 16 to 60 and healthy, but recorded as %(labour_ability)s."),
    ("DQ07", "child_or_student_labour"): _("Under 16 or a student, but recorded as %(labour_ability)s."),
    ("DQ08", "wages_no_work"): _("Wage income of %(wages)s yuan in %(year)s, but nobody works."),
    ("DQ08", "work_no_wages"): _("%(workers)s members work, but there is no wage income in %(year)s."),
    ("DQ08", "months"): _("Months worked (%(months)s) outside 0 to 12."),
    ("DQ09", "no_costs"): _("Business income of %(business)s yuan in %(year)s without business costs."),
    ("DQ09", "per_capita"): _("Net income of %(net)s yuan for %(size)s persons in %(year)s is implausible."),
    ("DQ10", "dibao"): _("A dibao household in which no member receives dibao."),
    ("DQ10", "tekun"): _("An extreme-poverty-support household with %(labourers)s labourers aged 16 to 60."),
    ("DQ11", "no_helper"): _("The household has no current helper."),
    ("DQ11", "poor_helper"): _("This registered poor person serves as a helper."),
    ("DQ12", "arable_land"): _("%(area)s mu of arable land for %(size)s persons (over 50 mu each)."),
    ("DQ12", "forest_land"): _("%(area)s mu of forest land for %(size)s persons (over 70 mu each)."),
    ("DQ12", "road"): _("%(km)s km to the village main road (over 50 km)."),
    ("DQ12", "housing_area"): _("The housing area is 0."),
    ("DQ13", "departure_event"): _("A death or departure is recorded, but the member is still counted."),
    ("DQ13", "departed_benefits"): _("A departed member still receives dibao, support or a welfare post."),
    ("DQ13", "age"): _("Older than 110 and still counted: probably deceased."),
    ("DQ13", "closed_household"): _("The household is closed but the member is still counted."),
}

LABELS = {
    "relationship": c.Relationship,
    "sex": c.Sex,
    "school_status": c.SchoolStatus,
    "labour_ability": c.LabourAbility,
    "departure": c.Departure,
}

VALUE_LABELS = {
    "per_capita_net": _("Per-capita net income"),
    "previous_per_capita_net": _("Previous year's per-capita net income"),
    "threshold": _("Monitoring range"),
    "poverty_line": _("Poverty line"),
    "multiplier": _("Multiple of the line"),
    "rigid_expenditure": _("Rigid expenditure"),
    "net": _("Net income"),
    "drop": _("Drop"),
    "drop_ratio": _("Drop threshold"),
    "criteria": _("Failing criteria"),
    "missing": _("Missing data"),
    "policy_year": _("Policy year"),
    "policy_version": _("Parameters version"),
}


GUARANTEE_LABELS = {
    "food": _("Not worried about food"),
    "clothing": _("Not worried about clothing"),
    "education": _("Compulsory education"),
    "medical": _("Basic medical care"),
    "housing": _("Safe housing"),
    "water": _("Safe drinking water"),
}


def _label(name: str, value):
    choices = LABELS.get(name)
    if choices is not None and value in choices.values:
        return choices(value).label
    return value


# What a role that may not see health data reads for a finding whose kind is a health fact (§9).
HEALTH_HIDDEN_MESSAGE = _("An inconsistency in health-related data; only roles that may see health data see it.")


@register.filter
def finding_message(finding, user=None) -> str:
    """{{ finding|finding_message:user }}: the finding in words, neutral when it reveals health (§9)."""
    if finding_hides_health(finding, user):
        return str(HEALTH_HIDDEN_MESSAGE)
    template_text = FINDING_MESSAGES.get((finding.code, finding.kind))
    if template_text is None:
        return finding.get_code_display()
    params = defaultdict(str, {k: _label(k, v) for k, v in (finding.detail or {}).items()})
    return str(template_text) % params


@register.filter
def trigger_values(trigger) -> list[tuple[str, str]]:
    """(label, value) pairs of what a trigger looked at, without the bookkeeping."""
    rows = []
    for key, value in (trigger.values or {}).items():
        if key in ("policy_version",):
            continue
        if isinstance(value, list):
            value = "、".join(str(GUARANTEE_LABELS.get(v, v)) for v in value) or "—"
        elif key in PERCENT_VALUES and value not in (None, ""):
            value = floatformat(Decimal(str(value)) * 100, "2g") + "%"
        elif key in MONEY_VALUES and value not in (None, ""):
            value = floatformat(value, "2g")
        rows.append((VALUE_LABELS.get(key, key), value))
    return rows


# One number format on every page (issue 15, item 9): ratios as percentages with two decimals, yuan
# with thousands separators and two decimals.
PERCENT_VALUES = {"drop", "drop_ratio"}
MONEY_VALUES = {"per_capita_net", "previous_per_capita_net", "threshold", "poverty_line", "rigid_expenditure", "net"}
