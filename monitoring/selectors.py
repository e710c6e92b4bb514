"""Scoped reads of data-quality findings (§8.2) and monitoring alerts (§7): a finding or an alert is
visible exactly when its household is (households.selectors.in_household_regions)."""

from django.db.models import Case, Count, DateField, F, JSONField, OuterRef, Prefetch, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, Substr
from django.http import Http404

from accounts import access
from accounts.access import regions_for
from accounts.models import User
from eligibility.models import held_on
from households.selectors import households_in_region, in_household_regions
from villages.models import PREFIX_LENGTH, Level, Region

from .models import AlertTrigger, MonitoringAlert, MonitoringRun, QualityCode, QualityFinding, QualityRun

# Findings whose kind itself is a health or disability fact: a named member is healthy (DQ07), or no
# current member is ill or disabled (DQ05). Roles that may not see health data see neither the kind nor
# its detail (§9).
HEALTH_FINDING_KINDS = frozenset({("DQ05", "illness"), ("DQ05", "disability"), ("DQ07", "healthy_no_labour")})


def finding_hides_health(finding: QualityFinding, user: User | None) -> bool:
    """Whether the finding's kind and detail are withheld from the user (no user: withheld)."""
    if (str(finding.code), finding.kind) not in HEALTH_FINDING_KINDS:
        return False
    return user is None or not access.may_view_health(user)


def latest_only(qs: QuerySet[QualityFinding]) -> QuerySet[QualityFinding]:
    """The findings of each county's latest completed run: those no longer found are history (§5.6)."""
    return qs.filter(until__isnull=True)


def findings_on(qs: QuerySet[QualityFinding], as_of=None) -> QuerySet[QualityFinding]:
    """The findings held on the night `as_of`, or each county's latest night's without it."""
    return qs.filter(held_on(as_of)) if as_of else latest_only(qs)


def finding_list_for(
    user: User, *, region: Region | None = None, code: str = "", as_of=None
) -> QuerySet[QualityFinding]:
    """The current findings (or those of one night) inside the user's scope."""
    qs = households_in_region(in_household_regions(QualityFinding.objects.all(), user), region)
    if code:
        qs = qs.filter(code=code)
    return findings_on(qs, as_of)


def finding_page_rows(qs: QuerySet[QualityFinding]) -> QuerySet[QualityFinding]:
    return qs.select_related("household", "member", "village").order_by("village_id", "household_id", "code", "id")


def finding_counts_for(user: User, region: Region, *, code: str = "") -> tuple[list[dict], dict[str, int]]:
    """Counts of the current findings per child region and per code (§12 data-quality list); then the
    names of the child regions. Returns rows and per-code totals.

    A province's or a city's children are cities or counties: their counts add up the counties' latest
    nights (night_counts, a hundred rows, not 81,000 findings). Below, the findings are counted by
    their village (live_counts, one aggregate query)."""
    child_level = Level(region.child_level or Level.VILLAGE)
    width = PREFIX_LENGTH[child_level]
    if child_level in (Level.CITY, Level.COUNTY) and not access.is_helper(user):
        counts = night_counts(user, region, code=code, width=width)
    else:
        counts = live_counts(user, region, code=code, width=width)
    by_child: dict[str, dict[str, int]] = {}
    totals = dict.fromkeys(QualityCode.values, 0)
    for prefix, check, n in counts:
        found = by_child.setdefault(prefix, {})
        found[check] = found.get(check, 0) + n
        totals[check] += n
    children = regions_for(user).filter(parent=region).order_by("code") if region.child_level else [region]
    rows = []
    for child in children:
        found = by_child.get(child.code[:width], {})
        rows.append(
            {
                "region": child,
                "counts": [found.get(c, 0) for c in QualityCode.values],
                "total": sum(found.values()),
            }
        )
    return rows, totals


def live_counts(user: User, region: Region, *, code: str, width: int) -> list[tuple[str, str, int]]:
    """(child's code prefix, check, number) of the current findings in the region, by their village."""
    counts = (
        finding_list_for(user, region=region, code=code)
        .annotate(child=Substr("village__code", 1, width))
        .values("child", "code")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(row["child"], row["code"], row["n"]) for row in counts]


def night_counts(user: User, region: Region, *, code: str, width: int) -> list[tuple[str, str, int]]:
    """(child's code prefix, check, number) of the region's counties as their latest data-quality nights
    left them (QualityRun.code_counts): equal to live_counts right after the night; a household that
    moves county since is counted in its new county from that county's next night
    (tests/monitoring/test_follow_household.py)."""
    latest = QualityRun.objects.filter(county=OuterRef("pk")).order_by("-as_of").values("code_counts")[:1]
    counties = (
        regions_for(user)
        .filter(access.region_q(region), level=Level.COUNTY)
        .annotate(counts=Subquery(latest, output_field=JSONField()))
        .values_list("code", "counts")
    )
    return [
        (county[:width], check, n)
        for county, counts in counties
        for check, n in (counts or {}).items()
        if check in QualityCode.values and (not code or check == code)
    ]


def shows_list(user: User, region: Region) -> bool:
    """Cadres (a village, or a helper's own households) read the findings one by one; officials read counts."""
    return region.level == Level.VILLAGE or access.is_helper(user)


def alert_list_for(
    user: User, *, region: Region | None = None, state: str = "", category: str = ""
) -> QuerySet[MonitoringAlert]:
    qs = households_in_region(in_household_regions(MonitoringAlert.objects.all(), user), region)
    if state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category=category)
    return qs


def _latest_night(county: str) -> Subquery:
    nights = MonitoringRun.objects.filter(county_id=OuterRef(county)).order_by("-as_of").values("as_of")[:1]
    return Subquery(nights, output_field=DateField())


def last_fired(firing: str, stored: str, county: str) -> Case:
    """The night an alert or trigger last fired: its county's latest monitoring night while it fires
    (`firing`: nights that fire it again write nothing, issue 16), else the night it stored."""
    latest = Coalesce(_latest_night(county), F(stored))
    return Case(When(**{firing: True}, then=latest), default=F(stored), output_field=DateField())


def with_last_fired(qs: QuerySet[MonitoringAlert]) -> QuerySet[MonitoringAlert]:
    """Alerts annotated `last_fired` (see last_fired)."""
    return qs.annotate(last_fired=last_fired("firing", "last_triggered_on", "county_id"))


# An alert's own columns, and of its household, village and closer what the list, the inbox and the API
# show: not the household's forty columns for its number.
ALERT_ROW_COLUMNS = (
    *(field.name for field in MonitoringAlert._meta.concrete_fields),
    "household__number",
    "village__name",
    "village__code",
    "closed_by__username",
    "closed_by__first_name",
    "closed_by__last_name",
)


def alert_page_rows(qs: QuerySet[MonitoringAlert]) -> QuerySet[MonitoringAlert]:
    triggers = AlertTrigger.objects.annotate(last_fired=last_fired("firing", "last_on", "alert__county_id"))
    return (
        with_last_fired(qs)
        .select_related("household", "village", "closed_by")
        .only(*ALERT_ROW_COLUMNS)
        .prefetch_related(Prefetch("triggers", queryset=triggers.order_by("trigger")))
        .order_by("-opened_on", "-id")
    )


def alert_get_for(user: User, pk: int) -> MonitoringAlert:
    """One alert, or 404 when it does not exist or its household lies outside the scope."""
    try:
        return alert_list_for(user).select_related("household").get(pk=pk)
    except MonitoringAlert.DoesNotExist:
        raise Http404 from None
