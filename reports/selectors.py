"""Reads of the reports (§12): the report period, the context of a table, and the dashboard figures.

Dashboards read the nightly run's per-region rows (RegionIndicator, RegionSnapshotCount and
RegionExitCount of eligibility.rules.summaries, RegionAssistanceCount of reports.assistance_summary,
issue 16): a few rows of the one region, whatever its size. A helper, whose scope is their paired
households rather than a region, and a date the run wrote no summary for (runs before the summaries
existed) are counted from the snapshots, the events and the ledger, one GROUP BY per block; either way the
query count is fixed. The exit progress of villages and counties stays live, one query over the region's
villages (exit_counts).
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import access
from accounts.access import region_for, scope_of
from accounts.models import User
from eligibility.models import HouseholdCheck, RecomputeRun, RegionExitCount, RegionSnapshotCount, RunState
from eligibility.rules.reads import report_date
from households import choices as hc
from households.causes import cause_counts_for
from households.exits import exit_totals
from households.models import Household
from povertymgmt.dates import POLICY_FIRST_YEAR, policy_last_year
from villages.models import AnnualTarget, Level, Region, RegionIndicator, RegionYear
from villages.working_year import policy_date, working_year

from .tables import Context, Table, filter_form_class
from .tables.base import region_q

SNAPSHOTS_SHOWN = 60
POOR = (hc.Status.POOR, hc.Status.RETURNED)


class SnapshotDates(list):
    """The dates of finished province-wide nightly runs, newest first, and `current`: the date reports open
    on (eligibility.rules.reads.report_date: the working year's latest run up to its policy date)."""

    current: dt.date | None = None


def snapshot_dates() -> SnapshotDates:
    """The report periods on offer (one query)."""
    runs = list(
        RecomputeRun.objects.filter(state=RunState.DONE, only_county__isnull=True)
        .order_by("-as_of")
        .values_list("as_of", "policy_year")
        .distinct()[:SNAPSHOTS_SHOWN]
    )
    dates = SnapshotDates(dict.fromkeys(day for day, _year in runs))
    year = working_year()
    dates.current = report_date(runs, year, policy_date(year))
    return dates


def resolve_as_of(value: str | None, dates: list[dt.date]) -> tuple[dt.date | None, bool, str]:
    """(date, chosen explicitly, error): ?as_of= must name one of the run dates; else the date reports
    open on (`SnapshotDates.current`)."""
    latest = getattr(dates, "current", None) or (dates[0] if dates else None)
    if not value:
        return latest, False, ""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return latest, False, _("Choose the report date from the list of nightly runs.")
    if day not in dates:
        return latest, False, _("There is no nightly snapshot of that date; the latest one is shown.")
    return day, True, ""


def report_region(user: User, code: str | None) -> Region:
    """The region a report is about: the user's scope, or a code inside it (else 404, §1)."""
    scope = scope_of(user)
    if scope is None:
        raise Http404
    return region_for(user, code or scope.code)


def table_context(user: User, table: Table, params: Mapping[str, str]) -> tuple[Context, object, list[str], list]:
    """The table's context from query parameters: (context, bound filter form, errors, run dates)."""
    region = report_region(user, params.get("region"))
    dates = snapshot_dates()
    as_of, explicit, as_of_error = resolve_as_of(params.get("as_of"), dates)
    form = filter_form_class(table, user)(data={k: v for k, v in params.items() if v != ""} or None)
    errors = [as_of_error] if as_of_error else []
    filters = {}
    if form.is_bound:
        if form.is_valid():
            filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        else:
            errors.append(_("Some filters were not understood and were ignored."))
            filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    return Context(user=user, region=region, as_of=as_of, explicit_as_of=explicit, filters=filters), form, errors, dates


# --- Dashboard blocks (§12): each one query. ---


def _checks(user: User, region: Region, as_of: dt.date):
    qs = HouseholdCheck.objects.on(as_of).filter(region_q(region))
    if access.is_helper(user):
        from households.selectors import household_list_for

        qs = qs.filter(household__in=household_list_for(user).values("pk"))
    return qs


SummaryRows = list[tuple[str, str, int, int]]


def snapshot_summary(user: User, region: Region, as_of: dt.date | None) -> SummaryRows | None:
    """The region's (status, cause, households, people) rows of the date's summary (one query; two when
    the region has none), or None to count live: before any run, for a helper (their households are
    their pairings, not a region's) and for a date the run wrote no summary for."""
    if as_of is None or access.is_helper(user):
        return None
    rows = list(
        RegionSnapshotCount.objects.filter(as_of=as_of, region=region).values_list(
            "status", "cause", "households", "people"
        )
    )
    if rows or RegionSnapshotCount.objects.filter(as_of=as_of).exists():
        return rows
    return None


def status_counts(user: User, region: Region, as_of: dt.date | None, summary: SummaryRows | None = None) -> list[dict]:
    """Households and people by status from the snapshot of the date: the summary's rows when given, else
    counted from the snapshot."""
    if as_of is None:
        return []
    found: dict[str, list[int]] = {}
    if summary is None:
        rows = (
            _checks(user, region, as_of)
            .order_by()
            .values("status")
            .annotate(households=Count("id"), people=Sum("member_count"))
        )
        summary = [(r["status"], "", r["households"], r["people"] or 0) for r in rows]
    for status, _cause, households, people in summary:
        total = found.setdefault(status, [0, 0])
        total[0] += households
        total[1] += people
    return [
        {
            "status": value,
            "label": str(label),
            "households": found.get(value, [0, 0])[0],
            "people": found.get(value, [0, 0])[1],
        }
        for value, label in hc.Status.choices
        # Registered (identified) households only: applicants and not-poor households are in no snapshot
        # figure (docs/lifecycle-applicants.md).
        if value != hc.Status.CLOSED and value not in hc.UNIDENTIFIED_STATUSES
    ]


def cause_counts(user: User, region: Region, as_of: dt.date | None, summary: SummaryRows | None = None) -> list[dict]:
    """Poor and returned households of the snapshot by their main cause of poverty (§3.1): the summary's
    rows when given, else counted from the snapshot. Below a county, a role that may not see health data
    gets illness, disability and "other" as one bucket (§9, households.causes.cause_counts_for,
    docs/reports.md)."""
    if as_of is None:
        return []
    if summary is not None:
        rows = [(cause, households, people) for status, cause, households, people in summary if status in POOR]
    else:
        live = (
            _checks(user, region, as_of)
            .filter(status__in=POOR)
            .order_by()
            .values("household__main_cause")
            .annotate(households=Count("id"), people=Sum("member_count"))
        )
        rows = [(r["household__main_cause"], r["households"], r["people"]) for r in live]
    # In the order of the causes, so that causes with as many households come out in one order both ways.
    return cause_counts_for(user, region, sorted(rows, key=lambda r: r[0] or ""))


def _households(user: User, region: Region) -> QuerySet[Household]:
    """The region's households the user sees (a helper: the paired ones), without DISTINCT, to aggregate."""
    qs = Household.objects.filter(region_q(region))
    if access.is_helper(user):
        from households.selectors import household_list_for

        qs = qs.filter(pk__in=household_list_for(user).values("pk"))
    return qs


def exited_people(user: User, region: Region, year: int) -> dict:
    """Households and people that exited in the policy year (§2 targets), from the exit events: every
    exit of the year, re-exits included, with the people of the household then (households.exits)."""
    return exit_totals(_households(user, region), year)


def exited_from_summary(region: Region, year: int) -> dict:
    """exited_people() as the latest nightly run counted it (RegionExitCount), one query."""
    row = RegionExitCount.objects.filter(region=region, year=year).values("households", "people").first()
    return dict(row) if row else {"households": 0, "people": 0}


def resolve_year(value: str | None) -> tuple[int | None, str]:
    """(year, error): ?year= must be a policy year (povertymgmt.dates: 2013 to next year); None when not given."""
    if not value:
        return None, ""
    try:
        year = int(value)
    except ValueError:
        year = 0
    if not POLICY_FIRST_YEAR <= year <= policy_last_year():
        return None, _("Choose a year from %(first)s to %(last)s.") % {
            "first": POLICY_FIRST_YEAR,
            "last": policy_last_year(),
        }
    return year, ""


def report_years() -> list[int]:
    """The years a report may be asked for, newest first (the year selector)."""
    return list(range(policy_last_year(), POLICY_FIRST_YEAR - 1, -1))


def indicators(region: Region, as_of: dt.date | None) -> tuple[RegionIndicator | None, list[RegionIndicator]]:
    """The region's own indicators and its children's, of the snapshot (one query). The regions first, then
    their rows by the (region, as_of) index: with the OR across the join PostgreSQL read every region's row
    of the night (17 ms for the province at 1,000,000 households)."""
    if as_of is None:
        return None, []
    family = Region.objects.filter(Q(pk=region.pk) | Q(parent=region)).values("id")
    rows = list(
        RegionIndicator.objects.filter(region__in=family, as_of=as_of).select_related("region").order_by("region__code")
    )
    own = next((r for r in rows if r.region_id == region.pk), None)
    return own, [r for r in rows if r.region_id != region.pk]


def _latest_flag(name: str, year: int, regions: QuerySet[Region]) -> tuple[str, list]:
    """(region_id, flag) of each of `regions` that recorded `name` in a RegionYear up to `year`: the value
    of its latest such year. The rule of villages.flags.year_flags as one join instead of a subquery per
    region (tests/reports/test_dashboard_blocks.py holds the two equal); a region without such a row takes
    its standing field."""
    latest = (
        RegionYear.objects.filter(region__in=regions.values("id"), year__lte=year, **{f"{name}__isnull": False})
        .order_by()
        .values("region_id")
        .annotate(latest=Max("year"))
    )
    sql, params = latest.query.sql_with_params()
    table = RegionYear._meta.db_table
    return (
        f"SELECT y.region_id, y.{name} AS flag FROM {table} y "  # noqa: S608
        f"JOIN ({sql}) m ON m.region_id = y.region_id AND m.latest = y.year",
        list(params),
    )


def exit_counts(region: Region, as_of: dt.date | None, year: int) -> dict:
    """Exit progress of villages (§5.4) and counties (§5.5) in the policy year (§2, §6.3), one query: the
    ones whose exit was ANNOUNCED in the year (what the year's targets count), the poverty villages and
    counties of the year (their flags of that year, villages.flags), and apart, those the snapshot of
    `as_of` finds eligible whose exit was not announced by the year.

    Live, and a handful of hash joins rather than three subqueries per village (issue 16): the province's
    10,000 villages cost 0.5 s that way, nearly all of it PostgreSQL compiling the query (JIT) because the
    planner priced the 30,000 subquery runs above jit_above_cost; this shape costs a few milliseconds."""
    inside = Region.objects.filter(access.region_q(region)).order_by()
    regions = inside.filter(level__in=(Level.VILLAGE, Level.COUNTY))
    fields = ("id", "level", "exit_year", "is_poverty_village", "poverty_county")
    regions_sql, regions_params = regions.values(*fields).query.sql_with_params()
    village_sql, village_params = _latest_flag("is_poverty_village", year, inside.filter(level=Level.VILLAGE))
    county_sql, county_params = _latest_flag("poverty_county", year, inside.filter(level=Level.COUNTY))
    eligible_sql, eligible_params = (
        RegionIndicator.objects.filter(as_of=as_of, exit_eligible=True)
        .order_by()
        .values("region_id")
        .query.sql_with_params()
        if as_of is not None
        else ("SELECT CAST(NULL AS BIGINT) AS region_id", ())  # nothing is eligible before any run
    )
    poverty_village = "r.level = 'village' AND COALESCE(v.flag, r.is_poverty_village)"
    poverty_county = "r.level = 'county' AND COALESCE(k.flag, r.poverty_county) <> ''"
    open_ = "(r.exit_year IS NULL OR r.exit_year > %s) AND e.region_id IS NOT NULL"
    sql = f"""SELECT
            COUNT(CASE WHEN r.level = 'village' AND r.exit_year = %s THEN 1 END),
            COUNT(CASE WHEN {poverty_village} THEN 1 END),
            COUNT(CASE WHEN {poverty_village} AND {open_} THEN 1 END),
            COUNT(CASE WHEN r.level = 'county' AND r.exit_year = %s THEN 1 END),
            COUNT(CASE WHEN {poverty_county} THEN 1 END),
            COUNT(CASE WHEN {poverty_county} AND {open_} THEN 1 END)
        FROM ({regions_sql}) r
        LEFT JOIN ({village_sql}) v ON v.region_id = r.id
        LEFT JOIN ({county_sql}) k ON k.region_id = r.id
        LEFT JOIN ({eligible_sql}) e ON e.region_id = r.id"""  # noqa: S608
    params = [year] * 4 + [*regions_params, *village_params, *county_params, *eligible_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    names = ("villages", "villages_total", "villages_eligible", "counties", "counties_total", "counties_eligible")
    return dict(zip(names, row, strict=True))


def trend(region: Region) -> list[Mapping[str, Any]]:
    """The region's figures over the nightly snapshots, oldest first."""
    rows = (
        RegionIndicator.objects.filter(region=region)
        .order_by("-as_of")
        .values("as_of", "remaining_poor", "exited_people", "incidence", "comprehensive_incidence")[:SNAPSHOTS_SHOWN]
    )
    oldest_first: list[Mapping[str, Any]] = list(rows)
    oldest_first.reverse()
    return oldest_first


def target_for(region: Region, year: int) -> AnnualTarget | None:
    return AnnualTarget.objects.filter(region=region, year=year).first()


def assistance_by_category(user: User, region: Region, year: int) -> list[dict]:
    """Counted assistance records of the year by category (§4): the region's rows of the nightly run's
    summary (reports.assistance_summary, one query; two when the region has none), else one GROUP BY of
    the ledger: for a helper (their paired households) and before the first run that wrote the summary."""
    from projects.choices import AssistanceCategory

    rows = None if access.is_helper(user) else _assistance_summary(region, year)
    if rows is None:
        rows = _assistance_live(user, region, year)
    labels = dict(AssistanceCategory.choices)
    return [
        {
            "category": category,
            "label": str(labels.get(category, category)),
            "records": records,
            "amount": amount or Decimal("0"),
        }
        for category, records, amount in sorted(rows, key=lambda r: r[0])
    ]


def _assistance_summary(region: Region, year: int) -> list[tuple] | None:
    """(category, records, amount) of the region's summary rows of the year, None when no run wrote one."""
    from .assistance_summary import RegionAssistanceCount

    rows = list(
        RegionAssistanceCount.objects.filter(region=region, year=year).values_list("category", "records", "amount")
    )
    if rows or RegionAssistanceCount.objects.exists():
        return rows
    return None


def _assistance_live(user: User, region: Region, year: int) -> list[tuple]:
    """(category, records, amount) added up from the ledger, one GROUP BY."""
    from assistance.models import AssistanceRecord
    from assistance.selectors import counted_assistance

    qs = counted_assistance(AssistanceRecord.objects.filter(region_q(region, "household__"), date__year=year))
    if access.is_helper(user):
        from households.selectors import household_list_for

        qs = qs.filter(household__in=household_list_for(user).values("pk"))
    rows = qs.order_by().values("category").annotate(records=Count("id"), amount=Sum("amount"))
    return [(r["category"], r["records"], r["amount"]) for r in rows]


def fund_totals(user: User, region: Region, year: int) -> dict:
    """Allocated, arranged and disbursed of the year's funds in the region (funds.selectors.fund_progress)."""
    from funds.selectors import fund_progress

    zero = Decimal("0")
    totals = {"allocated": zero, "arranged": zero, "disbursed": zero}
    if region.level in (Level.TOWNSHIP, Level.VILLAGE):
        return totals | {"progress": None, "applies": False}
    for row in fund_progress(user, year=year):
        if access.code_in(region, row["county_code"]):
            for k in totals:
                totals[k] += row[k]
    progress = (
        (totals["disbursed"] / totals["allocated"] * 100).quantize(Decimal("0.01")) if totals["allocated"] else None
    )
    return totals | {"progress": progress, "applies": True}


def snapshot_year(as_of: dt.date | None) -> int | None:
    """The policy year the province-wide run of `as_of` evaluated (a run stores it: the working year as
    of its policy date, or the year given with --as-of), None without a run."""
    if as_of is None:
        return None
    runs = RecomputeRun.objects.filter(state=RunState.DONE, only_county__isnull=True, as_of=as_of)
    return runs.order_by("-id").values_list("policy_year", flat=True).first()


def dashboard(user: User, region: Region, as_of: dt.date | None, year: int | None = None) -> dict:
    """Every block of the dashboard of a region (§12). The year is the one chosen (?year=), else the
    policy year the snapshot's run evaluated, or the working year before any run: never the calendar's.
    `day` is the date the figures are of, for the "2020 年度 · 截至 2020-12-31" line: the snapshot's,
    else the year's policy date."""
    year = year or snapshot_year(as_of) or working_year()
    own, children = indicators(region, as_of)
    summary = snapshot_summary(user, region, as_of)
    return {
        "year": year,
        "day": as_of or policy_date(year),
        "own": own,
        "children": children,
        "statuses": status_counts(user, region, as_of, summary),
        "causes": cause_counts(user, region, as_of, summary),
        "exited": exited_people(user, region, year) if summary is None else exited_from_summary(region, year),
        "exits": exit_counts(region, as_of, year),
        "target": target_for(region, year),
        "trend": trend(region),
        "assistance": assistance_by_category(user, region, year),
        "funds": fund_totals(user, region, year),
    }


def dashboard_json(data: dict, region: Region) -> dict:
    """The figures of the dashboard as plain JSON (charts and the API)."""

    def num(v):
        return None if v is None else float(v)

    target = data["target"]
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "year": data["year"],
        "statuses": data["statuses"],
        "causes": data["causes"],
        "children": [
            {
                "code": r.region.code,
                "name": r.region.name,
                "incidence": num(r.incidence),
                "comprehensive_incidence": num(r.comprehensive_incidence),
                "remaining_poor": r.remaining_poor,
                "rural_population": r.rural_population,
            }
            for r in data["children"]
        ],
        "progress": {
            "households": data["exited"]["households"],
            "people": data["exited"]["people"],
            "people_target": target.people if target else None,
            "villages": data["exits"]["villages"],
            "villages_target": target.villages if target else None,
            "counties": data["exits"]["counties"],
            "counties_target": target.counties if target else None,
            "villages_eligible_not_announced": data["exits"]["villages_eligible"],
            "counties_eligible_not_announced": data["exits"]["counties_eligible"],
        },
        "trend": [
            {
                "as_of": t["as_of"].isoformat(),
                "remaining_poor": t["remaining_poor"],
                "exited_people": t["exited_people"],
                "incidence": num(t["incidence"]),
                "comprehensive_incidence": num(t["comprehensive_incidence"]),
            }
            for t in data["trend"]
        ],
        "assistance": [{**a, "amount": num(a["amount"])} for a in data["assistance"]],
        "funds": {k: (num(v) if not isinstance(v, bool) else v) for k, v in data["funds"].items()},
    }
