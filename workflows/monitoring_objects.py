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


def monitored_case(household: Household) -> Case | None:
    """The household's latest monitoring case that reached "monitored" and whose risk is not removed
    since (a removal approved at or after that approval), else None (§7)."""
    monitored = (
        Case.objects.filter(household=household, case_type=d.CaseType.MONITORING, state=d.State.MONITORED)
        .order_by("-closed_at", "-id")
        .first()
    )
    if monitored is None:
        return None
    removed = Case.objects.filter(
        household=household,
        case_type=d.CaseType.RISK_REMOVAL,
        state=d.State.REMOVED,
        closed_at__gte=monitored.closed_at,
    )
    return None if removed.exists() else monitored


def has_open_case(household: Household, case_type: str) -> bool:
    return Case.objects.filter(household=household, case_type=case_type, closed_at__isnull=True).exists()


def monitoring_refusals(household: Household, category: str) -> dict[str, list[str]]:
    """Why this household cannot enter the monitoring chain under this category now, by the field the
    reason belongs to ({} when it can)."""
    status = household.status
    if status in hc.POOR_STATUSES:
        return {"household": [_("A poor or returned household is handled by the identification and return chains.")]}
    if status == hc.Status.APPLICANT:
        return {"household": [_("An applicant household is handled by the identification chain.")]}
    if status not in REGISTRABLE_STATUSES:
        return {"household": [_("A closed household cannot be registered for monitoring.")]}
    refusals: dict[str, list[str]] = {}
    if has_open_case(household, d.CaseType.MONITORING):
        refusals["household"] = [_("A monitoring case is already running for this household.")]
    elif monitored_case(household) is not None:
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
