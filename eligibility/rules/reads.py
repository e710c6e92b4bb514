"""Reads of the recompute results for pages and the API (scoping is the caller's household queryset)."""

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from households.models import Household
from villages.working_year import current_policy_date

from ..models import CRITERIA, HouseholdCheck, RecomputeCounty, RecomputeRun, RunState, held_on_sql
from ..policy import parameters_for
from .household import Explanation, explain_household, explanation_from_check


def _checked_on(day: dt.date | None = None) -> Subquery:
    """The date of the latest complete county run (up to `day`) that gave the check of the outer query:
    a run of its county on a date from its `since` to before its `until`."""
    runs = RecomputeCounty.objects.filter(
        county_id=OuterRef("county_id"),
        state=RunState.DONE,
        run__as_of__gte=OuterRef("since"),
        run__as_of__lt=Coalesce(OuterRef("until"), Value(dt.date.max)),
    )
    if day is not None:
        runs = runs.filter(run__as_of__lte=day)
    return Subquery(runs.order_by("-run__as_of").values("run__as_of")[:1])


def latest_check(household: Household) -> HouseholdCheck | None:
    """The household's latest nightly result (the (household, since) unique index), with `checked_on`:
    the date of the latest complete county run that gave it (one query)."""
    checks = HouseholdCheck.objects.filter(household=household).annotate(checked_on=_checked_on())
    return checks.order_by("-since").first()


def _check_for_sql() -> str:
    """check_for's read in SQL: held_on(day) and _checked_on(day) as written above, compiled once. The
    household page reads it on every view, and Django built and compiled that query in 2 ms, its run
    taking 0.5 ms (tests/eligibility/test_check_for.py holds the two reads equal)."""
    check, county, run = (m._meta.db_table for m in (HouseholdCheck, RecomputeCounty, RecomputeRun))
    checked_on = (
        f"SELECT r.as_of FROM {county} rc JOIN {run} r ON r.id = rc.run_id "  # noqa: S608
        "WHERE rc.county_id = c.county_id AND rc.state = %(done)s AND r.as_of >= c.since "
        "AND (c.until IS NULL OR r.as_of < c.until) AND r.as_of <= %(day)s ORDER BY r.as_of DESC LIMIT 1"
    )
    held = held_on_sql("c", "%(day)s")
    where = f"c.household_id = %(household)s AND {held}"
    return f"SELECT c.*, ({checked_on}) AS checked_on FROM {check} c WHERE {where} ORDER BY c.id LIMIT 1"  # noqa: S608


CHECK_FOR_SQL = _check_for_sql()


def check_for(household: Household, year: int, day: dt.date) -> HouseholdCheck | None:
    """The nightly result of policy year `year` that held on `day` (the "current" read: the working
    year as of its policy date), with `checked_on`: the date of the latest complete county run up to
    `day` that gave it (one query). None when the latest run before `day` tested another year (the year
    was just opened) or never tested the household: the page then evaluates it live."""
    params = {"done": RunState.DONE, "day": day, "household": household.pk}
    check = next(iter(HouseholdCheck.objects.raw(CHECK_FOR_SQL, params)), None)
    if check is None or check.policy_year != year:
        return None
    if isinstance(check.checked_on, str):  # SQLite gives the subquery's date as text
        check.checked_on = dt.date.fromisoformat(check.checked_on)
    return check


def working_year_check(household: Household) -> tuple[Explanation, HouseholdCheck | None]:
    """(explanation, stored check or None) of the working year as of its policy date (§5.2, §5.6): the
    nightly result of that year if one holds, else the household evaluated live for that year. What
    the household page and the API show as "the" exit check."""
    year, day = current_policy_date()
    stored = check_for(household, year, day)
    if stored is not None:
        return explanation_from_check(stored), stored
    return explain_household(household, day, parameters_for(year)), None


def report_date(runs: Iterable[tuple[dt.date, int]], year: int, policy_day: dt.date) -> dt.date | None:
    """The date the reports (dashboards, standard tables, exports) open on, among finished province-wide
    runs given as (as of, policy year): the latest run of the working year `year` up to its policy date,
    so a run of another year's date is offered but never the default (issue 13); else the latest run."""
    ordered = sorted(runs, reverse=True)
    of_the_year = [day for day, run_year in ordered if run_year == year and day <= policy_day]
    if of_the_year:
        return of_the_year[0]
    return ordered[0][0] if ordered else None


def last_two_dates(until: dt.date | None = None) -> list[dt.date]:
    """The as-of dates of the two latest complete province-wide runs (up to `until`), newest first."""
    runs = RecomputeRun.objects.filter(state=RunState.DONE, only_county__isnull=True)
    if until is not None:
        runs = runs.filter(as_of__lte=until)
    return list(runs.order_by("-as_of").values_list("as_of", flat=True).distinct()[:2])


def _changed_sql(extra: str = "") -> str:
    """Rows that held on the later date, started after the earlier one, and differ from the row that
    held on the earlier date in eligibility or a criterion. Parameters: earlier, earlier, earlier, later, later."""
    t = HouseholdCheck._meta.db_table
    differs = " OR ".join(
        f"COALESCE(CAST(cur.{code}_passed AS INTEGER), -1) <> COALESCE(CAST(prev.{code}_passed AS INTEGER), -1)"
        for code in CRITERIA
    )
    sql = f"SELECT cur.id FROM {t} cur JOIN {t} prev ON prev.household_id = cur.household_id "  # noqa: S608
    sql += f"AND {held_on_sql('prev', '%s')} "
    sql += f"WHERE cur.since > %s AND {held_on_sql('cur', '%s')} "
    sql += f"AND (cur.eligible <> prev.eligible OR {differs}) {extra}"
    return sql


@dataclasses.dataclass
class Change:
    current: HouseholdCheck
    previous: HouseholdCheck
    changed: list[str]


@dataclasses.dataclass
class Changes:
    current_date: dt.date | None
    previous_date: dt.date | None
    total: int = 0
    gained: int = 0
    lost: int = 0
    rows: list[Change] = dataclasses.field(default_factory=list)


def changed_checks(households: QuerySet[Household], *, limit: int = 200, until: dt.date | None = None) -> Changes:
    """§5.6 "who changed since the last run, and because of which criterion": set-based, compared in SQL
    between the two latest snapshots (up to `until`: the pages pass the working year's policy date);
    `households` is the caller's scoped queryset."""
    dates = last_two_dates(until)
    if len(dates) < 2:
        return Changes(dates[0] if dates else None, None)
    cur_date, prev_date = dates
    prev, cur = connection.ops.adapt_datefield_value(prev_date), connection.ops.adapt_datefield_value(cur_date)
    p = [prev, prev, prev, cur, cur]
    scoped = HouseholdCheck.objects.filter(household__in=households.order_by().values("pk"))
    # Constant SQL text (table and column names only); the dates are parameters.
    changed = scoped.filter(id__in=RawSQL(_changed_sql(), p))  # noqa: S611
    gained = RawSQL(_changed_sql("AND cur.eligible AND NOT prev.eligible"), p)  # noqa: S611
    lost = RawSQL(_changed_sql("AND prev.eligible AND NOT cur.eligible"), p)  # noqa: S611
    result = Changes(cur_date, prev_date)
    result.total = changed.count()
    result.gained = scoped.filter(id__in=gained).count()
    result.lost = scoped.filter(id__in=lost).count()
    current = list(changed.select_related("household", "village").order_by("household_id")[:limit])
    previous = {
        ch.household_id: ch
        for ch in HouseholdCheck.objects.on(prev_date).filter(household_id__in=[c.household_id for c in current])
    }
    for ch in current:
        ch.checked_on = cur_date
        prev = previous[ch.household_id]
        prev.checked_on = prev_date
        codes = ["eligible"] if ch.eligible != prev.eligible else []
        codes += [code for code in CRITERIA if ch.passed(code) != prev.passed(code)]
        result.rows.append(Change(ch, prev, codes))
    return result
