"""§7 risk removal (风险消除): the four conditions a monitored household must meet, in one function that
the opening of the case, its county approval and the case page all ask.

1. income: the per-capita net income of the working year is above the monitoring range — the opposite
   of the nightly low-income trigger (monitoring.rules.triggers.below_monitoring_range), never a copy;
2. period: the monitoring case was approved at least `risk_removal_months` (a policy parameter of the
   working year, default 6) before the date — with 1., "income above the range for six months";
3. guarantees: the three guarantees of §5.2 (compulsory education, basic medical care, safe housing)
   hold, as the household exit test evaluates them (eligibility.rules.household);
4. assistance: at least one assistance measure (§4) recorded for the household since its monitoring
   case was opened."""

import calendar
import dataclasses
import datetime as dt

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from assistance.models import AssistanceRecord
from eligibility.policy import parameters_for
from eligibility.rules.household import explain_household
from eligibility.templatetags.eligibility import CRITERION_LABELS
from households.income import per_capita
from households.models import Household, Income
from monitoring.rules.triggers import below_monitoring_range, monitoring_range
from villages.working_year import working_year

from . import definitions as d
from .models import Case
from .monitoring_objects import monitored_case

GUARANTEES = ("education", "medical", "housing")
LABELS: dict[str, str | Promise] = {
    "income": gettext_lazy("Per-capita net income above the monitoring range"),
    "period": gettext_lazy("Monitored for the required period"),
    "guarantees": gettext_lazy("The three guarantees hold"),
    "assistance": gettext_lazy("An assistance measure is recorded"),
}


@dataclasses.dataclass(frozen=True)
class Condition:
    code: str
    ok: bool
    detail: str

    @property
    def label(self) -> str | Promise:
        return LABELS[self.code]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it is shorter (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def monitoring_approved_on(case: Case) -> dt.date:
    """The date the county approved the monitoring (the step that reached "monitored")."""
    step = case.steps.filter(to_state=d.State.MONITORED).order_by("-at", "-id").values_list("date", flat=True).first()
    if step is not None:
        return step
    return timezone.localdate(case.closed_at) if case.closed_at else timezone.localdate(case.opened_at)


def risk_removal_conditions(household: Household, on: dt.date) -> list[Condition]:
    """§7: the four conditions of risk removal as of a date, each with what it looked at."""
    year = working_year()
    params = parameters_for(year)
    monitored = monitored_case(household)
    return [
        _income(household, year, params),
        _period(monitored, params.risk_removal_months, on),
        _guarantees(household, params, on),
        _assistance(household, monitored, on),
    ]


def _income(household: Household, year: int, params) -> Condition:
    net = Income.objects.filter(household=household, year=year).values_list("net", flat=True).first()
    members = household.members.filter(departure="").count()  # the trigger's count (current members)
    values = {"year": year, "range": f"{monitoring_range(params):.2f}"}
    below = below_monitoring_range(net, members, params)
    if below is None:
        return Condition("income", False, _("No income record of %(year)s, or no member.") % values)
    values["per_capita"] = f"{per_capita(net, members):.2f}"
    if below:
        text = _("%(per_capita)s yuan per person in %(year)s, below the monitoring range of %(range)s yuan.")
    else:
        text = _("%(per_capita)s yuan per person in %(year)s, above the monitoring range of %(range)s yuan.")
    return Condition("income", not below, text % values)


def _period(monitored: Case | None, months: int, on: dt.date) -> Condition:
    if monitored is None:
        return Condition("period", False, _("The household is not monitored."))
    since = monitoring_approved_on(monitored)
    until = add_months(since, months)
    values = {"since": since.isoformat(), "months": months, "until": until.isoformat()}
    if until > on:
        text = _("Monitored since %(since)s; %(months)s months are reached on %(until)s.")
    else:
        text = _("Monitored since %(since)s, %(months)s months reached on %(until)s.")
    return Condition("period", until <= on, text % values)


def _guarantees(household: Household, params, on: dt.date) -> Condition:
    criteria = explain_household(household, on, params).criteria
    failing = [str(CRITERION_LABELS.get(code, code)) for code in GUARANTEES if criteria[code].passed is not True]
    if failing:
        text = _("Not met: %(failing)s.") % {"failing": pgettext("list", "; ").join(failing)}
        return Condition("guarantees", False, text)
    return Condition("guarantees", True, _("Compulsory education, basic medical care and safe housing hold."))


def _assistance(household: Household, monitored: Case | None, on: dt.date) -> Condition:
    records = AssistanceRecord.objects.filter(household=household, date__lte=on)
    if monitored is not None:
        records = records.filter(date__gte=timezone.localdate(monitored.opened_at))
    latest = records.order_by("-date", "-id").first()
    if latest is None:
        return Condition("assistance", False, _("No assistance measure recorded since the monitoring began."))
    count = records.count()
    text = ngettext(
        "%(count)s measure, the latest %(category)s on %(date)s.",
        "%(count)s measures, the latest %(category)s on %(date)s.",
        count,
    ) % {
        "count": count,
        "category": latest.get_category_display(),
        "date": latest.date.isoformat(),
    }
    return Condition("assistance", True, text)


def risk_removal_refusal(conditions: list[Condition]) -> str | None:
    """The Chinese refusal naming every failing condition and why, or None when all hold."""
    failing = [
        _("%(condition)s: %(detail)s") % {"condition": c.label, "detail": c.detail} for c in conditions if not c.ok
    ]
    if not failing:
        return None
    return _("The risk cannot be removed yet. %(failing)s") % {"failing": " ".join(failing)}
