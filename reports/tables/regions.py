"""Region and work tables of §12: the village and county incidence table (§5.3) with the policy's
breakdowns (deep-poverty counties and villages, border villages), the monitoring list (§7), the
data-quality list (§8.2) and the project list (§10)."""

from django.utils.translation import gettext_lazy as _

from accounts import access
from households import choices as hc
from monitoring.models import (
    AlertCategory,
    AlertState,
    MonitoringAlert,
    QualityCode,
    QualityFinding,
    Severity,
)
from monitoring.selectors import findings_on, with_last_fired
from projects.choices import PROJECT_CATEGORIES, ProjectStatus
from projects.selectors import project_list_for, with_totals
from villages.flags import year_flags
from villages.models import Level, PovertyCountyKind, Region, RegionIndicator

from .base import (
    BOOL,
    CHOICE,
    DATE,
    NUMBER,
    YEAR,
    Column,
    Context,
    Filter,
    Table,
    bool_field,
    choice_field,
    choice_filter,
    register,
    scoped,
    year_field,
)
from .households import place_columns

LEVELS = [
    (Level.CITY, Level.CITY.label),
    (Level.COUNTY, Level.COUNTY.label),
    (Level.TOWNSHIP, Level.TOWNSHIP.label),
    (Level.VILLAGE, Level.VILLAGE.label),
]
EXIT_LEVELS = [(Level.COUNTY, Level.COUNTY.label), (Level.VILLAGE, Level.VILLAGE.label)]


def incidence(ctx: Context):
    """The snapshot's indicators of every region below the chosen one, one level at a time."""
    # The flags of the snapshot's policy year (villages.flags), not the region's standing values.
    flags = year_flags("year", region="region")
    if ctx.as_of is None:  # no nightly run has finished yet: there is no snapshot to show
        return RegionIndicator.objects.none().annotate(**flags)
    level = ctx.filters.get("level") or Level.VILLAGE
    rows = RegionIndicator.objects.filter(access.region_q(ctx.region, "region"), as_of=ctx.as_of, level=level)
    return rows.exclude(region=ctx.region).annotate(**flags)


# The region's flags of the report's year (villages.flags.year_flags annotations), in both region tables.
YEAR_FLAG_COLUMNS = (
    Column("poverty_village", _("Registered poverty village"), "year_is_poverty_village", BOOL),
    Column("deep", _("Deep poverty"), "year_is_deep_poverty", BOOL),
    Column("border", _("Border village"), "year_is_border_village", BOOL),
    Column("poverty_county", _("Poverty county"), "year_poverty_county", CHOICE, PovertyCountyKind.choices),
)


def _deep(qs, v):
    # Deep poverty is a village attribute and, for counties, the deep-poverty flag of the county node.
    return qs.filter(year_is_deep_poverty=v)


register(
    Table(
        key="incidence",
        title=_("Village and county incidence"),
        group=_("Regions"),
        description=_("Poverty incidence and comprehensive incidence of the nightly snapshot."),
        build=incidence,
        columns=[
            Column("code", _("Division code"), "region__code"),
            Column("name", _("Name"), "region__name"),
            Column("parent", _("Parent region"), "region__parent__name"),
            Column("level", _("Level"), "level", CHOICE, Level.choices),
            Column("rural", _("Rural registered population"), "rural_population", NUMBER),
            Column("registered", _("Registered people"), "registered_people", NUMBER),
            Column("remaining", _("Remaining poor people"), "remaining_poor", NUMBER),
            Column("exited", _("Exited people"), "exited_people", NUMBER),
            Column("incidence", _("Poverty incidence (%)"), "incidence", NUMBER),
            Column("comprehensive", _("Comprehensive poverty incidence (%)"), "comprehensive_incidence", NUMBER),
            Column("eligible", _("Eligible to exit"), "exit_eligible", BOOL),
            Column("exit_year", _("Exit announced in"), "region__exit_year", NUMBER, fmt=YEAR),
            *YEAR_FLAG_COLUMNS,
        ],
        order_by=("region__code",),
        filters=(
            Filter("level", choice_field(_("Level"), LEVELS), lambda qs, v: qs),
            Filter("deep", bool_field(_("Deep poverty")), _deep),
            Filter("border", bool_field(_("Border village")), lambda qs, v: qs.filter(year_is_border_village=v)),
            Filter(
                "poverty_village",
                bool_field(_("Registered poverty village")),
                lambda qs, v: qs.filter(year_is_poverty_village=v),
            ),
            Filter(
                "poverty_county",
                bool_field(_("Poverty county")),
                lambda qs, v: qs.exclude(year_poverty_county="") if v else qs.filter(year_poverty_county=""),
            ),
        ),
    )
)


def announced_exits(ctx: Context):
    """§6.3, §12: the villages and counties below the chosen region whose exit was announced in the report's
    policy year, with their flags of that year."""
    rows = Region.objects.filter(
        access.region_q(ctx.region), level__in=(Level.VILLAGE, Level.COUNTY), exit_year=ctx.year
    )
    return rows.annotate(**year_flags(ctx.year))


register(
    Table(
        key="region_exits",
        title=_("Village and county exits of the year"),
        group=_("Regions"),
        description=_("Villages and counties whose exit was announced in the year (what the annual targets count)."),
        build=announced_exits,
        columns=[
            Column("code", _("Division code"), "code"),
            Column("name", _("Name"), "name"),
            Column("parent", _("Parent region"), "parent__name"),
            Column("level", _("Level"), "level", CHOICE, Level.choices),
            Column("exit_year", _("Exit announced in"), "exit_year", NUMBER, fmt=YEAR),
            *YEAR_FLAG_COLUMNS,
        ],
        order_by=("code",),
        filters=(
            Filter("year", year_field(_("Year")), lambda qs, v: qs),  # read by the build, through ctx.year
            Filter("level", choice_field(_("Level"), EXIT_LEVELS), lambda qs, v: qs.filter(level=v)),
            Filter("deep", bool_field(_("Deep poverty")), lambda qs, v: qs.filter(year_is_deep_poverty=v)),
            Filter("border", bool_field(_("Border village")), lambda qs, v: qs.filter(year_is_border_village=v)),
        ),
    )
)

register(
    Table(
        key="alerts",
        title=_("Monitoring list"),
        group=_("Monitoring"),
        build=lambda ctx: with_last_fired(scoped(MonitoringAlert.objects.all(), ctx, household="household")),
        columns=[
            Column("number", _("Household number"), "household__number"),
            *place_columns(),
            Column("category", _("Category"), "category", CHOICE, AlertCategory.choices),
            Column("state", _("State"), "state", CHOICE, AlertState.choices),
            Column("opened_on", _("Opened on"), "opened_on", DATE),
            Column("last", _("Last triggered on"), "last_fired", DATE),
            Column("household_status", _("Household status"), "household__status", CHOICE, hc.Status.choices),
        ],
        order_by=("village__code", "-opened_on", "id"),
        filters=(
            choice_filter("state", _("State"), AlertState.choices, "state"),
            choice_filter("category", _("Category"), AlertCategory.choices, "category"),
        ),
    )
)


def findings(ctx: Context):
    qs = scoped(QualityFinding.objects.all(), ctx, household="household")
    return findings_on(qs, ctx.as_of if ctx.explicit_as_of else None)


register(
    Table(
        key="quality",
        title=_("Data-quality list"),
        group=_("Monitoring"),
        build=findings,
        columns=[
            Column("code", _("Check"), "code", CHOICE, QualityCode.choices),
            Column("severity", _("Severity"), "severity", CHOICE, Severity.choices),
            Column("number", _("Household number"), "household__number"),
            *place_columns(),
            Column("member", _("Member"), "member__name"),
            Column("since", _("Found since"), "since", DATE),
        ],
        order_by=("village__code", "household__number", "code", "id"),
        filters=(
            choice_filter("code", _("Check"), QualityCode.choices, "code"),
            choice_filter("severity", _("Severity"), Severity.choices, "severity"),
        ),
    )
)


def projects(ctx: Context):
    """Projects belong to counties (§10): a village or township shows its county's projects that name it."""
    qs = project_list_for(ctx.user)
    region = ctx.region
    if region.level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        qs = qs.filter(access.region_q(region, "county"))
    else:
        qs = qs.filter(access.region_q(region, "villages")).distinct()
    return with_totals(qs)


register(
    Table(
        key="projects",
        title=_("Project list"),
        group=_("Projects and funds"),
        build=projects,
        columns=[
            Column("name", _("Name"), "name"),
            Column("county", _("County"), "county__name"),
            Column("year", _("Year"), "year", NUMBER, fmt=YEAR),
            Column("category", _("Category"), "category", CHOICE, PROJECT_CATEGORIES),
            Column("status", _("Status"), "status", CHOICE, ProjectStatus.choices),
            Column("unit", _("Implementing unit"), "implementing_unit"),
            Column("start", _("Planned start"), "planned_start", DATE),
            Column("end", _("Planned end"), "planned_end", DATE),
            Column("people", _("Beneficiary people"), "beneficiary_people", NUMBER),
            Column("budget", _("Budget (yuan)"), "budget_total", NUMBER),
            Column("arranged", _("Arranged (yuan)"), "arranged_total", NUMBER),
            Column("disbursed", _("Disbursed (yuan)"), "disbursed_total", NUMBER),
        ],
        order_by=("county__code", "-year", "id"),
        filters=(
            Filter("year", year_field(_("Year")), lambda qs, v: qs.filter(year=v)),
            choice_filter("category", _("Category"), PROJECT_CATEGORIES, "category"),
            choice_filter("status", _("Status"), ProjectStatus.choices, "status"),
        ),
    )
)
