"""The household page's monitoring block (§7): whether the household is a monitoring object (category,
since when, risk removed when) and, for the village clerk, the actions to register it or propose its
risk removal. A tag of the workflows app, so that the households app never reads cases."""

from django import template
from django.utils import timezone

from households.models import Household
from workflows import definitions as d
from workflows.monitoring_objects import (
    REGISTRABLE_STATUSES,
    default_category,
    latest_closed,
    monitored_case,
    monitoring_cases,
    monitoring_refusals,
    open_case,
)

register = template.Library()


@register.inclusion_tag("workflows/partials/monitoring_status.html", takes_context=True)
def monitoring_status(context, household: Household) -> dict:
    """One query whatever the household's history."""
    user = context["request"].user
    cases = monitoring_cases(household)  # one read for the rules below
    removal = open_case(cases, d.CaseType.RISK_REMOVAL)
    current = monitored_case(household, cases)
    last_removal = latest_closed(cases, d.CaseType.RISK_REMOVAL, d.State.REMOVED)
    category = default_category(household.status)
    may_register = (
        household.status in REGISTRABLE_STATUSES
        and d.MONITORING.may_open(user)
        and not monitoring_refusals(household, category, cases)
    )
    may_remove = current is not None and removal is None and d.RISK_REMOVAL.may_open(user)
    return {
        "household": household,
        "current": current,
        "since": timezone.localdate(current.closed_at) if current and current.closed_at else None,
        "running": open_case(cases, d.CaseType.MONITORING),
        "removal": removal,
        "last_removal": last_removal if current is None else None,
        "may_register": may_register,
        "default_category": category,
        "may_remove": may_remove,
    }
