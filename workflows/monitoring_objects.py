"""§7 monitoring objects (防返贫监测对象): which household may enter the monitoring chain under which
category, and whether a household is monitored now. The services (case_open), the household page and
the monitoring-objects list ask these functions, so the rule lives here once."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from households import choices as hc
from households.models import Household
from monitoring.models import AlertCategory

from . import definitions as d
from .models import Case

EXITED_STATUSES = hc.EXITED_STATUSES
# 脱贫不稳定户: exited households; 边缘易致贫户: households never identified as poor; 突发严重困难户: either
# (poor, returned and applicant households are the identification and return chains' business, §6.2).
CATEGORY_STATUSES: dict[str, tuple[str, ...]] = {
    AlertCategory.UNSTABLE_EXITED: EXITED_STATUSES,
    AlertCategory.MARGINAL: (hc.Status.NOT_POOR,),
    AlertCategory.SUDDEN_HARDSHIP: (*EXITED_STATUSES, hc.Status.NOT_POOR),
}
REGISTRABLE_STATUSES = CATEGORY_STATUSES[AlertCategory.SUDDEN_HARDSHIP]


def default_category(status: str) -> str:
    """The category a clerk most likely means for a household of this status ("" when none fits)."""
    if status in EXITED_STATUSES:
        return AlertCategory.UNSTABLE_EXITED
    if status == hc.Status.NOT_POOR:
        return AlertCategory.MARGINAL
    return ""


def monitoring_cases(household: Household) -> list[Case]:
    """The household's monitoring and risk-removal cases (a handful): the functions below answer from
    this one read, which the household page shares between them."""
    return list(Case.objects.filter(household=household, case_type__in=d.MONITORING_TYPES))


def latest_closed(cases: list[Case], case_type: str, state: str) -> Case | None:
    """Of `cases`, the one of this type and state closed last (the latest id among equal times)."""
    found = [c for c in cases if c.case_type == case_type and c.state == state]
    return max(found, key=lambda c: (c.closed_at is not None, c.closed_at, c.pk)) if found else None


def monitored_case(household: Household, cases: list[Case] | None = None) -> Case | None:
    """The household's latest monitoring case that reached "monitored" and whose risk is not removed
    since (a removal approved at or after that approval), else None (§7). `cases`: its
    monitoring_cases(), when already read."""
    cases = monitoring_cases(household) if cases is None else cases
    latest = latest_closed(cases, d.CaseType.MONITORING, d.State.MONITORED)
    if latest is None or latest.closed_at is None:  # "monitored" is the approval that closes the case
        return latest
    removed = any(
        c.case_type == d.CaseType.RISK_REMOVAL
        and c.state == d.State.REMOVED
        and c.closed_at is not None
        and c.closed_at >= latest.closed_at
        for c in cases
    )
    return None if removed else latest


def open_case(cases: list[Case], case_type: str) -> Case | None:
    """Of `cases` (monitoring_cases()), the one of this type still running (not closed), else None."""
    return next((c for c in cases if c.case_type == case_type and c.closed_at is None), None)


def has_open_case(cases: list[Case], case_type: str) -> bool:
    """Of `cases` (monitoring_cases()), whether one of this type is still running."""
    return open_case(cases, case_type) is not None


def monitoring_refusals(household: Household, category: str, cases: list[Case] | None = None) -> dict[str, list[str]]:
    """Why this household cannot enter the monitoring chain under this category now, by the field the
    reason belongs to ({} when it can). `cases`: its monitoring_cases(), when already read."""
    status = household.status
    if status in hc.POOR_STATUSES:
        return {"household": [_("A poor or returned household is handled by the identification and return chains.")]}
    if status == hc.Status.APPLICANT:
        return {"household": [_("An applicant household is handled by the identification chain.")]}
    if status not in REGISTRABLE_STATUSES:
        return {"household": [_("A closed household cannot be registered for monitoring.")]}
    refusals: dict[str, list[str]] = {}
    cases = monitoring_cases(household) if cases is None else cases
    if has_open_case(cases, d.CaseType.MONITORING):
        refusals["household"] = [_("A monitoring case is already running for this household.")]
    elif monitored_case(household, cases) is not None:
        refusals["household"] = [_("This household is monitored already and its risk has not been removed.")]
    if category not in CATEGORY_STATUSES:
        refusals["category"] = [_("Choose the monitoring category.")]
    elif status not in CATEGORY_STATUSES[category]:
        if category == AlertCategory.UNSTABLE_EXITED:
            refusals["category"] = [_("Only an exited household can be an exited but unstable household.")]
        else:
            refusals["category"] = [_("Only a household not registered as poor can be a marginal household.")]
    return refusals


def monitoring_open_check(case: Case) -> None:
    """§7: refuse the monitoring case with every reason at once; a case opened without a nightly alert
    needs the trigger or reason the clerk saw (Case.trigger_note)."""
    if case.household is None:
        raise ValidationError({"household": _("Choose the household.")}, code="required")
    errors = monitoring_refusals(case.household, case.category)
    if case.alert_id is None and not case.trigger_note:
        errors["trigger_note"] = [_("Write the trigger or the reason for registering this household.")]
    if errors:
        raise ValidationError(errors, code="monitoring_refused")
