"""Writes of the monitoring app: the nightly data-quality findings (§8.2), the return-to-poverty alerts
(§7), the dismissal of an alert and the alert of a household registered without one. The nightly run
(eligibility.rules.run) calls the two *_run_county functions per county after that county's household
exit test: monitoring/apps.py registers them with eligibility.nightly."""

from __future__ import annotations

import datetime
import itertools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from households import changes
from households.models import Household
from povertymgmt.db import nightly_planner_settings

from .models import ACTIVE_STATES, AlertState, MonitoringAlert, MonitoringRun, QualityFinding, QualityRun
from .rules import quality
from .rules import quality_history as history
from .rules.quality_changes import households_to_check
from .rules.quality_sql import finding_selects
from .rules.trigger_changes import TRIGGER_RULES_VERSION, triggers_to_check
from .rules.triggers import alerts_stop, alerts_upsert, fired_triggers

# Above this many households to check again, a full pass of the county is as cheap (and the lists of
# households stay within every database's limit on query parameters).
INCREMENTAL_MAX = 10_000


@transaction.atomic
def quality_run_county(*, as_of: datetime.date, county_id: int, run_id: int | None = None) -> int:
    """Compute the data-quality findings DQ01–DQ13 (§8.2) of one county as of a date; return the number
    of its findings open after.

    The findings are a history of changes (rules/quality_history.py): the night opens the findings not
    yet open and closes those no longer found. When the county's latest night is of the same year (or is
    this one) under the same rules, only the households that may have changed are checked
    (rules/quality_changes.py: the same findings as a full pass); otherwise the whole county is.
    Idempotent: running a night again takes back what its earlier run wrote first (§5.6). A date before the
    county's latest night writes nothing: the findings are the nights' history as they came, and today's
    registry checked as of an earlier date would rewrite it with data those nights did not have."""
    nightly_planner_settings()
    latest = QualityRun.objects.filter(county_id=county_id).order_by("-as_of").first()
    if latest is not None and latest.as_of > as_of:
        return QualityFinding.objects.filter(county_id=county_id).held_on(as_of).count()
    changed = changes.take("quality", county_id)
    households: set[int] | None = None
    if latest is not None and latest.as_of.year == as_of.year and latest.rules_version == quality.RULES_VERSION:
        households = households_to_check(county_id=county_id, since=latest.as_of, as_of=as_of, changed=changed)
        if len(households) > INCREMENTAL_MAX:
            households = None
    history.start(households)  # temporary tables: a failure rolls them back with the rest
    if latest is not None and latest.as_of == as_of:
        history.undo_night(county_id=county_id, as_of=as_of, household_ids=households)
    if households is None or households:
        for select in finding_selects(as_of=as_of, county_id=county_id, run_id=run_id, household_ids=households):
            history.add_select(select)
        stream = quality.dq02_findings(as_of, county_id, run_id=run_id, household_ids=households)
        while batch := list(itertools.islice(stream, 1000)):
            history.add_rows(batch)
    total = history.apply(county_id=county_id, as_of=as_of, household_ids=households)
    history.finish()
    checked = None if households is None else len(households)
    _quality_done(as_of=as_of, county_id=county_id, run_id=run_id, total=total, checked=checked)
    return total


def _quality_done(*, as_of: datetime.date, county_id: int, run_id: int | None, total: int, checked: int | None) -> None:
    QualityRun.objects.update_or_create(
        county_id=county_id,
        as_of=as_of,
        defaults={
            "run_id": run_id,
            "finding_count": total,
            "code_counts": QualityFinding.objects.filter(county_id=county_id, until__isnull=True).per_code(),
            "rules_version": quality.RULES_VERSION,
            "households_checked": checked,
        },
    )


@transaction.atomic
def monitoring_run_county(*, as_of: datetime.date, county_id: int, run_id: int | None = None) -> int:
    """Evaluate the monitoring triggers (§7) of one county; open or keep open one alert per household
    whose triggers fired. Return the number of the county's alerts firing tonight.

    An alert and each of its triggers are `firing` while the county's latest night fires them: a night
    opens the new alerts and triggers and marks those that start or stop firing, and writes nothing for
    the others. After a night of the same year and policy parameters (or a rerun of this one), only the
    households that may fire differently are evaluated (rules/trigger_changes.py); the same alerts as a
    full pass (tests/monitoring/test_triggers_incremental.py). A date before the county's latest night
    writes nothing: the alerts are the village's work of today, not a history to rewrite."""
    from eligibility.policy import parameters_for  # the nightly run's module, imported when needed

    nightly_planner_settings()
    params = parameters_for(as_of.year)
    latest = MonitoringRun.objects.filter(county_id=county_id).order_by("-as_of").first()
    active = MonitoringAlert.objects.filter(county_id=county_id, state__in=ACTIVE_STATES, firing=True)
    if latest is not None and latest.as_of > as_of:
        return active.count()
    changed = changes.take("monitoring", county_id)
    households: set[int] | None = None
    same = latest is not None and (latest.policy_year, latest.policy_version, latest.rules_version) == (
        params.year,
        params.version,
        TRIGGER_RULES_VERSION,
    )
    if same and latest is not None:
        households = triggers_to_check(county_id=county_id, since=latest.as_of, as_of=as_of, changed=changed)
        if len(households) > INCREMENTAL_MAX:
            households = None
    # The county's night before this one: its latest, or the one before that when this reruns the latest.
    if latest is None or latest.as_of < as_of:
        previous = latest.as_of if latest is not None else None
    else:
        previous = (
            MonitoringRun.objects.filter(county_id=county_id, as_of__lt=as_of)
            .order_by("-as_of")
            .values_list("as_of", flat=True)
            .first()
        )
    fired = fired_triggers(as_of=as_of, county_id=county_id, household_ids=households)
    alerts_upsert(fired, as_of=as_of, county_id=county_id, run_id=run_id)
    alerts_stop(fired, county_id=county_id, previous=previous, household_ids=households)
    total = active.count()
    MonitoringRun.objects.update_or_create(
        county_id=county_id,
        as_of=as_of,
        defaults={
            "run_id": run_id,
            "policy_year": params.year,
            "policy_version": params.version,
            "rules_version": TRIGGER_RULES_VERSION,
            "households_checked": None if households is None else len(households),
            "alerts": total,
        },
    )
    return total


@transaction.atomic
def alert_register(*, household: Household, category: str, on: datetime.date, year: int) -> MonitoringAlert:
    """§7: a household the village registers for monitoring without a nightly alert gets its alert here,
    confirmed at once: the nightly run then adds its triggers to it rather than opening a second one, and
    risk removal closes it. An open alert of the household is confirmed instead of adding one."""
    alert = (
        MonitoringAlert.objects.select_for_update()
        .filter(household=household, state__in=ACTIVE_STATES)
        .order_by("-id")
        .first()
    )
    if alert is not None:
        if alert.state == AlertState.OPEN:
            alert.state = AlertState.CONFIRMED
            alert.save(update_fields=["state", "updated_at"])
        return alert
    return MonitoringAlert.objects.create(
        household=household,
        county_id=household.county_id,
        village_id=household.village_id,
        category=category,
        state=AlertState.CONFIRMED,
        year=year,
        opened_on=on,
        last_triggered_on=on,
    )


@transaction.atomic
def alert_dismiss(*, user: User, alert: MonitoringAlert, reason: str) -> MonitoringAlert:
    """A village clerk or township reviewer dismisses an open alert with a reason (§7). The caller has
    already fetched the alert through the scoped selector."""
    if not access.may_dismiss_alert(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for dismissing this alert.")}, code="required")
    alert = MonitoringAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != AlertState.OPEN:
        raise ValidationError({"reason": _("Only an open alert can be dismissed.")}, code="not_open")
    alert.state = AlertState.DISMISSED
    alert.close_reason = reason[:500]
    alert.closed_by = user
    alert.closed_at = timezone.now()
    alert.save(update_fields=["state", "close_reason", "closed_by", "closed_at", "updated_at"])
    return alert
