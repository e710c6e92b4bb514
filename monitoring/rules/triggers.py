"""The nightly monitoring triggers against return to poverty (§7) and the upsert of alerts.

Which households: registered households that have exited (status exited, with or without policy) —
the 脱贫不稳定户 of §7 — and households of the registry never identified as poor (status not_poor), the
边缘易致贫户. Households still poor or returned are already under assistance and are not monitored;
applicants wait for the identification chain. The income triggers run over both; the failing §5.2
guarantee runs over exited households only (the nightly exit test is their yardstick, not a marginal
household's).

Which figures: the income record of the policy year Y (the year of as_of) and of Y − 1; per-capita
amounts divide by the current member count, the same count for both years (the registry keeps no
member count per year), so the drop trigger compares the two years' net incomes. A household
without the year's income record fires no income trigger (data quality reports the gap)."""

import datetime as dt
from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, Subquery, Value

from households import choices as c
from households.income import per_capita
from households.models import Income
from povertymgmt.db import chunks

if TYPE_CHECKING:
    from eligibility.policy import PolicyParams

from ..models import ACTIVE_STATES, AlertCategory, AlertState, AlertTrigger, MonitoringAlert, Trigger
from .common import current_member_count

EXITED_STATUSES, MONITORED_STATUSES = c.EXITED_STATUSES, c.MONITORED_STATUSES  # households.choices
GUARANTEES = ("food", "clothing", "education", "medical", "housing", "water")
CENT = Decimal("0.01")

# household id → (village id, {trigger: values}, household status)
Fired = dict[int, tuple[int, dict[str, dict], str]]


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def monitoring_range(params: "PolicyParams") -> Decimal:
    """§7: the top of the monitoring range, per person and year: the multiplier × the line of the year."""
    return params.monitoring_income_multiplier * params.poverty_line


def below_monitoring_range(net: Decimal | None, members: int, params: "PolicyParams") -> bool | None:
    """§7 low-income trigger, one household: per-capita net income below the range, compared exactly as
    net < range × members (the SQL condition of `fired_triggers`). None without an income or a member.
    Risk removal asks the opposite (workflows.risk_removal): the same rule, never a second copy."""
    if net is None or members == 0:
        return None
    return Decimal(net) < members * monitoring_range(params)


def fired_triggers(*, as_of: dt.date, county_id: int, household_ids: Collection[int] | None = None) -> Fired:
    """Every trigger of §7 that fires for a monitored household of the county (or of some of its
    households); the conditions are evaluated in SQL, only the households that fire come back (two
    statements: incomes, snapshot)."""
    from eligibility.policy import parameters_for  # the nightly run's module, imported when needed

    params = parameters_for(as_of.year)
    fired: Fired = {}

    def add(household_id: int, village_id: int, status: str, trigger: str, values: dict) -> None:
        values = {**values, "policy_year": params.year, "policy_version": params.version}
        fired.setdefault(household_id, (village_id, {}, status))[1][str(trigger)] = values

    threshold = monitoring_range(params)
    previous = Income.objects.filter(household_id=OuterRef("household_id"), year=as_of.year - 1).values("net")[:1]
    keep = Value(Decimal(1) - params.monitoring_drop_ratio)
    # One statement for the three income triggers (it was one each, with the member count computed
    # again in each): the conditions stay in SQL as flags, only the rows with a flag come back.
    conditions = {
        "is_low": Q(size__gt=0, net__lt=F("size") * Value(threshold)),
        "is_rigid": Q(rigid_expenditure__gt=F("net")),
        "is_drop": Q(size__gt=0, previous_net__gt=0, net__lt=F("previous_net") * keep),
    }
    incomes = (
        Income.objects.filter(household__county_id=county_id, household__status__in=MONITORED_STATUSES, year=as_of.year)
        .annotate(
            size=current_member_count(ref="household_id"),
            village_id=F("household__village_id"),
            household_status=F("household__status"),
            previous_net=Subquery(previous),
        )
        .annotate(**{flag: ExpressionWrapper(q, output_field=BooleanField()) for flag, q in conditions.items()})
        .filter(Q(is_low=True) | Q(is_rigid=True) | Q(is_drop=True))
    )
    if household_ids is not None:
        incomes = incomes.filter(household_id__in=household_ids)
    columns = ("household_id", "village_id", "household_status", "net", "size", "rigid_expenditure", "previous_net")
    rows = incomes.values_list(*columns, *conditions)
    for household_id, village_id, status, net, size, spent, prev, is_low, is_rigid, is_drop in rows:
        if is_low:
            add(
                household_id,
                village_id,
                status,
                Trigger.LOW_INCOME,
                {
                    "per_capita_net": str(per_capita(net, size)),
                    "threshold": _money(threshold),
                    "poverty_line": _money(params.poverty_line),
                    "multiplier": str(params.monitoring_income_multiplier),
                },
            )
        if is_rigid:
            add(
                household_id,
                village_id,
                status,
                Trigger.RIGID_EXPENDITURE,
                {"rigid_expenditure": _money(spent), "net": _money(net)},
            )
        if is_drop:
            add(
                household_id,
                village_id,
                status,
                Trigger.INCOME_DROP,
                {
                    "per_capita_net": str(per_capita(net, size)),
                    "previous_per_capita_net": str(per_capita(prev, size)),
                    "drop": str(((Decimal(prev) - net) / Decimal(prev)).quantize(Decimal("0.0001"))),
                    "drop_ratio": str(params.monitoring_drop_ratio),
                },
            )

    for household_id, village_id, status, failing in _guarantee_failures(as_of, county_id, household_ids):
        add(household_id, village_id, status, Trigger.GUARANTEE_FAILED, failing)
    return fired


def _guarantee_failures(as_of: dt.date, county_id: int, household_ids: Collection[int] | None = None):
    """Exited households whose snapshot of the night (eligibility.HouseholdCheck) fails a guarantee
    criterion of §5.2. A criterion without a result (None = missing data) fails, as in §5.2."""
    try:
        check_model = apps.get_model("eligibility", "HouseholdCheck")
    except LookupError:  # the snapshot table is not there yet
        return
    fails = Q()
    for name in GUARANTEES:
        fails |= Q(**{f"{name}_passed": False}) | Q(**{f"{name}_passed__isnull": True})
    checks = check_model.objects.on(as_of).filter(county_id=county_id, status__in=EXITED_STATUSES).filter(fails)
    if household_ids is not None:
        checks = checks.filter(household_id__in=household_ids)
    columns = [f"{name}_passed" for name in GUARANTEES]
    for household_id, village_id, status, *passed in checks.values_list(
        "household_id", "village_id", "status", *columns
    ):
        yield (
            household_id,
            village_id,
            status,
            {
                "criteria": [name for name, ok in zip(GUARANTEES, passed, strict=True) if ok is not True],
                "missing": [name for name, ok in zip(GUARANTEES, passed, strict=True) if ok is None],
            },
        )


def category_for(triggers: dict[str, dict], status: str = c.Status.EXITED) -> str:
    """A household never identified as poor is marginal (边缘易致贫户) whatever fired; for an exited
    household, rigid expenditure above income is a sudden severe hardship and any other trigger makes
    it unstable (§7)."""
    if status == c.Status.NOT_POOR:
        return AlertCategory.MARGINAL
    if str(Trigger.RIGID_EXPENDITURE) in triggers:
        return AlertCategory.SUDDEN_HARDSHIP
    return AlertCategory.UNSTABLE_EXITED


def alerts_upsert(fired: Fired, *, as_of: dt.date, county_id: int, run_id: int | None) -> None:
    """Open or keep open one alert per household, keyed by household + trigger while open: a rerun of
    the night or the next night updates the values and the last night, never adds a second alert.
    A trigger that a village dismissed in the same policy year does not reopen it."""
    # Alerts first (index alert_county_state), then their triggers by alert id (index of the unique
    # alert + trigger). As one join, PostgreSQL planned from statistics taken while the tables were
    # still small (the first nights, or right after ANALYZE) a nested loop over every trigger of the
    # province for every alert: 25 s for one county at 100,000 households.
    if not fired:
        return
    dismissed_alerts: dict[int, int] = {}
    for households in chunks(sorted(fired)):
        dismissed_alerts.update(
            MonitoringAlert.objects.filter(
                county_id=county_id, state=AlertState.DISMISSED, year=as_of.year, household_id__in=households
            ).values_list("id", "household_id")
        )
    dismissed: set[tuple[int, str]] = set()  # (household id, trigger)
    for ids in chunks(list(dismissed_alerts)):
        dismissed.update(
            (dismissed_alerts[alert_id], trigger)
            for alert_id, trigger in AlertTrigger.objects.filter(alert_id__in=ids).values_list("alert_id", "trigger")
        )
    for household_id in list(fired):
        village_id, triggers, status = fired[household_id]
        kept = {t: v for t, v in triggers.items() if (household_id, t) not in dismissed}
        if kept:
            fired[household_id] = (village_id, kept, status)
        else:
            del fired[household_id]
    if not fired:
        return

    active = {
        a.household_id: a
        for households in chunks(sorted(fired))
        for a in MonitoringAlert.objects.filter(
            county_id=county_id, state__in=ACTIVE_STATES, household_id__in=households
        ).only("id", "household_id", "firing")
    }
    new = [
        MonitoringAlert(
            household_id=household_id,
            county_id=county_id,
            village_id=village_id,
            category=category_for(triggers, status),
            state=AlertState.OPEN,
            year=as_of.year,
            opened_on=as_of,
            last_triggered_on=as_of,
            firing=True,
            run_id=run_id,
        )
        for household_id, (village_id, triggers, status) in fired.items()
        if household_id not in active
    ]
    created = MonitoringAlert.objects.bulk_create(new, batch_size=1000)
    if any(a.pk is None for a in created):  # a backend that returns no ids: read them back
        created = list(
            MonitoringAlert.objects.filter(county_id=county_id, state=AlertState.OPEN, opened_on=as_of).only(
                "id", "household_id"
            )
        )
    # An alert firing since an earlier night keeps its row: only one that had stopped is written.
    for ids in chunks([a.pk for hid, a in active.items() if hid in fired and not a.firing]):
        MonitoringAlert.objects.filter(pk__in=ids).update(firing=True, last_triggered_on=as_of, run_id=run_id)
    alert_of = {**{hid: a.pk for hid, a in active.items()}, **{a.household_id: a.pk for a in created}}

    # Only alerts that were already active can have triggers; only those of tonight's households matter.
    existing: dict[tuple[int, str], AlertTrigger] = {}
    columns = ("id", "alert_id", "trigger", "values", "firing")
    for ids in chunks([a.pk for hid, a in active.items() if hid in fired]):
        rows = AlertTrigger.objects.filter(alert_id__in=ids).only(*columns)
        existing.update(((t.alert_id, t.trigger), t) for t in rows)
    to_create, changed, seen_again = [], [], []
    for household_id, (_village, triggers, _status) in fired.items():
        alert_id = alert_of[household_id]
        for trigger, values in triggers.items():
            row = existing.get((alert_id, trigger))
            if row is None:
                to_create.append(
                    AlertTrigger(
                        alert_id=alert_id,
                        trigger=trigger,
                        values=values,
                        policy_year=values["policy_year"],
                        policy_version=values["policy_version"],
                        first_on=as_of,
                        last_on=as_of,
                        firing=True,
                    )
                )
                continue
            if not row.firing:
                seen_again.append(row.pk)
            if row.values != values:  # rare (an income corrected): only these rows are rewritten one by one
                row.values, row.policy_version = values, values["policy_version"]
                changed.append(row)
    AlertTrigger.objects.bulk_create(to_create, batch_size=1000)
    AlertTrigger.objects.bulk_update(changed, ["values", "policy_version"], batch_size=500)
    for ids in chunks(seen_again):
        AlertTrigger.objects.filter(pk__in=ids).update(firing=True, last_on=as_of)
    if len(new) + len(to_create) >= ANALYZE_AFTER:
        _analyze_alerts()


# A night that opens this many alerts and triggers or more (a first night) analyses their tables before
# its commit. PostgreSQL checks the foreign keys of the new rows at the commit with plans made from the
# tables' statistics; taken while the tables were empty, they scanned every alert for each trigger row:
# the commit of one county took 70–100 s at 1,000,000 households (bench/recompute.py).
ANALYZE_AFTER = 1000


def _analyze_alerts() -> None:
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (MonitoringAlert, AlertTrigger))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def alerts_stop(
    fired: Fired, *, county_id: int, previous: dt.date | None, household_ids: Collection[int] | None
) -> None:
    """The county's firing alerts and triggers of the households evaluated tonight (all with None) that
    did not fire: no longer firing, their last night the county's previous one (`previous`; kept as
    stored without one). The other households' alerts are left alone: they fire as they did (issue 16)."""
    alerts = MonitoringAlert.objects.filter(county_id=county_id, state__in=ACTIVE_STATES, firing=True)
    rows = AlertTrigger.objects.filter(firing=True, alert__county_id=county_id, alert__state__in=ACTIVE_STATES)
    if household_ids is not None:
        scoped_alerts: list[tuple[int, int]] = []
        scoped_rows: list[tuple[int, int, str]] = []
        for ids in chunks(sorted(household_ids)):
            scoped_alerts += alerts.filter(household_id__in=ids).values_list("pk", "household_id")
            scoped_rows += rows.filter(alert__household_id__in=ids).values_list("pk", "alert__household_id", "trigger")
    else:
        scoped_alerts = list(alerts.values_list("pk", "household_id"))
        scoped_rows = list(rows.values_list("pk", "alert__household_id", "trigger"))
    last = {} if previous is None else {"last_triggered_on": previous}
    for ids in chunks([pk for pk, household_id in scoped_alerts if household_id not in fired]):
        MonitoringAlert.objects.filter(pk__in=ids).update(firing=False, **last)
    stopped = [pk for pk, household_id, trigger in scoped_rows if trigger not in fired.get(household_id, (0, {}))[1]]
    last = {} if previous is None else {"last_on": previous}
    for ids in chunks(stopped):
        AlertTrigger.objects.filter(pk__in=ids).update(firing=False, **last)
