"""Household tables of §12: the roster 贫困户花名册, exits and returns of the year (from the status events,
households.exits), the dangerous-house ledger 危房台账, and exit eligibility with the failing criteria (§5.2)."""

from django.db.models import Count, F, FilteredRelation, Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eligibility.models import CRITERIA, HouseholdCheck, held_on
from households import choices as c
from households.causes import UNDISCLOSED_CAUSES, UNDISCLOSED_LABEL
from households.exits import exited_in_q, returned_in_q
from households.models import Household
from households.selectors import current_head, current_member_count

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

STILL_POOR = (c.Status.POOR, c.Status.RETURNED)


def _with_head(qs, ctx: Context):
    """Head's name and ID number (the current head: §3.2 exactly one, enforced by household_save; DQ03
    reports any other case) and the current member count. An export joins the head once and counts
    members with a join + GROUP BY, which PostgreSQL hashes in one pass (a correlated count per household
    is 2-3x slower over 200,000 rows, bench/export.py). A page reads both through correlated subqueries,
    which PostgreSQL evaluates after its sort and limit, for the 50 rows shown only (the join read the
    head of every household of a township's table to show 50: 24 ms at 1,000,000 households). A count
    leaves them out: no filter reads them (a county's 10,001-row count: 37 ms with the join, 3 ms)."""
    if ctx.counting:
        return qs
    if ctx.paged:
        return qs.annotate(
            head_name=current_head("name"), head_id_number=current_head("id_number"), people=current_member_count()
        )
    qs = qs.annotate(
        head=FilteredRelation("members", condition=Q(members__relationship=c.Relationship.HEAD, members__departure="")),
        head_name=F("head__name"),
        head_id_number=F("head__id_number"),
    )
    return qs.annotate(
        current=FilteredRelation("members", condition=Q(members__departure="")),
        people=Count("current"),
    )


def households(ctx: Context):
    """Households of the region; with ?as_of= the status is the one the nightly snapshot recorded (§5.6).
    The registered (建档立卡) households only: applicants and not-poor households are not on the roster or
    any ledger of it (docs/lifecycle-applicants.md); they are listed on the household list page."""
    qs = scoped(Household.objects.exclude(status__in=c.UNIDENTIFIED_STATUSES), ctx)
    if ctx.explicit_as_of and ctx.as_of:
        qs = qs.annotate(snap=FilteredRelation("checks", condition=held_on(ctx.as_of, "checks__")))
        qs = qs.filter(snap__isnull=False).annotate(status_at=F("snap__status"))
    else:
        qs = qs.annotate(status_at=F("status"))
    return _with_head(qs, ctx)


def place_columns(prefix: str = "") -> list[Column]:
    return [
        Column("county", _("County"), f"{prefix}county__name"),
        Column("township", _("Township"), f"{prefix}village__parent__name"),
        Column("village", _("Village"), f"{prefix}village__name"),
    ]


HOUSEHOLD_COLUMNS = [
    Column("number", _("Household number"), "number"),
    *place_columns(),
    Column("head", _("Head of household"), "head_name"),
    Column("head_id", _("Head's ID number"), "head_id_number", mask="id"),
    Column("people", _("Current members"), "people", NUMBER),
    Column("phone", _("Phone"), "phone", mask="phone"),
    Column("bank_account", _("Bank account"), "bank_account", mask="bank"),
    Column("status", _("Status"), "status_at", CHOICE, c.Status.choices),
    Column("type", _("Household type"), "household_type", CHOICE, c.HouseholdType.choices),
    Column(
        "standard", _("Identification standard"), "identification_standard", CHOICE, c.IdentificationStandard.choices
    ),
    Column("identified", _("Identification year"), "identification_year", NUMBER, fmt=YEAR),
    # §9: illness, disability and other are one cause to a role that may not view health data.
    Column(
        "cause",
        _("Main cause of poverty"),
        "main_cause",
        CHOICE,
        c.Cause.choices,
        health_values=UNDISCLOSED_CAUSES,
        health_label=UNDISCLOSED_LABEL,
    ),
    Column("exit_year", _("Exit year"), "exit_year", NUMBER, fmt=YEAR),
]

# The statuses of registered households: the tables of this module never hold the unidentified ones.
REGISTERED_STATUS_CHOICES = [(v, label) for v, label in c.Status.choices if v not in c.UNIDENTIFIED_STATUSES]
STATUS_FILTER = choice_filter("status", _("Status"), REGISTERED_STATUS_CHOICES, "status_at")
CAUSE_FILTER = choice_filter(
    "cause", _("Main cause of poverty"), c.Cause.choices, "main_cause", health_values=UNDISCLOSED_CAUSES
)

register(
    Table(
        key="households",
        title=_("Household roster"),
        group=_("Registry"),
        build=households,
        columns=HOUSEHOLD_COLUMNS,
        order_by=("village__code", "number"),
        filters=(
            STATUS_FILTER,
            CAUSE_FILTER,
            Filter("identified", year_field(_("Identification year")), lambda qs, v: qs.filter(identification_year=v)),
        ),
    )
)

register(
    Table(
        key="exits",
        title=_("Exits of the year"),
        group=_("Registry"),
        description=_("Every household that exited in the year, a re-exit after a return to poverty included."),
        build=lambda ctx: households(ctx).filter(exited_in_q(ctx.year)),
        columns=HOUSEHOLD_COLUMNS,
        order_by=("village__code", "number"),
        filters=(Filter("year", year_field(_("Year")), lambda qs, v: qs),),
    )
)

register(
    Table(
        key="returns",
        title=_("Returns to poverty of the year"),
        group=_("Registry"),
        build=lambda ctx: households(ctx).filter(returned_in_q(ctx.year)),
        columns=[*HOUSEHOLD_COLUMNS, Column("return_reason", _("Return reason"), "return_reason")],
        order_by=("village__code", "number"),
        filters=(Filter("year", year_field(_("Year")), lambda qs, v: qs),),
    )
)

register(
    Table(
        key="dangerous_houses",
        title=_("Dangerous houses ledger"),
        group=_("Ledgers"),
        description=_("Households whose house is grade C or D, with the renovation state."),
        build=lambda ctx: households(ctx).filter(housing_grade__in=(c.HousingGrade.C, c.HousingGrade.D)),
        columns=[
            Column("number", _("Household number"), "number"),
            *place_columns(),
            Column("head", _("Head of household"), "head_name"),
            Column("head_id", _("Head's ID number"), "head_id_number", mask="id"),
            Column("people", _("Current members"), "people", NUMBER),
            Column("status", _("Status"), "status_at", CHOICE, c.Status.choices),
            Column("grade", _("Housing safety grade"), "housing_grade", CHOICE, c.HousingGrade.choices),
            Column("area", _("Housing area (m²)"), "housing_area", NUMBER),
            Column("renovation", _("Dangerous-house renovation"), "renovation", CHOICE, c.Renovation.choices),
            Column("relocation", _("Relocation"), "relocation", CHOICE, c.Relocation.choices),
        ],
        order_by=("village__code", "number"),
        filters=(
            choice_filter("grade", _("Housing safety grade"), [("C", "C"), ("D", "D")], "housing_grade"),
            choice_filter("renovation", _("Dangerous-house renovation"), c.Renovation.choices, "renovation"),
            STATUS_FILTER,
        ),
    )
)


# --- Exit eligibility (§5.2) from the nightly snapshot. ---

CRITERION_LABELS = {
    "income": _("Income above the line"),
    "food": _("Food"),
    "clothing": _("Clothing"),
    "education": _("Compulsory education"),
    "medical": _("Basic medical care"),
    "housing": _("Safe housing"),
    "water": _("Safe drinking water"),
}
OUTCOMES = [(True, _("Passed")), (False, pgettext_lazy("criterion", "Failed")), (None, _("Missing data"))]


def eligibility(ctx: Context):
    from django.db.models import Case, CharField, When

    qs = scoped(HouseholdCheck.objects.on(ctx.as_of).filter(status__in=STILL_POOR), ctx, household="household")
    failing = [
        Case(
            When(**{f"{code}_passed": True}, then=Value("")),
            default=Value(f"{CRITERION_LABELS[code]}；"),
            output_field=CharField(),
        )
        for code in CRITERIA
    ]
    return qs.annotate(failing_text=Concat(*failing, output_field=CharField()))


def _outcome_filter(qs, code):
    return qs.exclude(**{f"{code}_passed": True})


def _criterion_column(code: str) -> Column:
    # None is "missing data", which fails the criterion (§5.2) and is labelled as such.
    return Column(code, CRITERION_LABELS[code], f"{code}_passed", CHOICE, OUTCOMES)


register(
    Table(
        key="eligibility",
        title=_("Exit eligibility"),
        group=_("Registry"),
        description=_("Poor and returned households with the outcome of every exit criterion of the snapshot."),
        build=eligibility,
        columns=[
            Column("number", _("Household number"), "household__number"),
            *place_columns(),
            Column("status", _("Status"), "status", CHOICE, c.Status.choices),
            Column("eligible", _("Eligible to exit"), "eligible", BOOL),
            *[_criterion_column(code) for code in CRITERIA],
            Column("failing", _("Failing criteria"), "failing_text"),
            Column("people", _("Current members"), "member_count", NUMBER),
            Column("per_capita", _("Per-capita net income"), "per_capita_net", NUMBER),
            Column("line", _("Poverty line"), "poverty_line", NUMBER),
            Column("assessed_on", _("Assessed on"), "assessed_on", DATE),
        ],
        order_by=("village__code", "household__number"),
        filters=(
            Filter("eligible", bool_field(_("Eligible to exit")), lambda qs, v: qs.filter(eligible=v)),
            Filter(
                "failing",
                choice_field(_("Failing criterion"), list(CRITERION_LABELS.items())),
                _outcome_filter,
            ),
        ),
    )
)
