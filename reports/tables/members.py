"""Member tables of §12: the member roster and the ledgers the policy names — compulsory-age children
out of school 控辍保学台账, left-behind people 三留守台账, disabled poor people 贫困残疾人."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from households import choices as c
from households.idnumber import years_before
from households.models import Member

from .base import (
    BOOL,
    CHOICE,
    DATE,
    NUMBER,
    Column,
    Context,
    Filter,
    Table,
    bool_field,
    choice_filter,
    register,
    scoped,
)
from .households import REGISTERED_STATUS_CHOICES, place_columns

LIVE = (c.Status.POOR, c.Status.RETURNED, c.Status.EXITED, c.Status.EXITED_NO_POLICY)


def members(ctx: Context, *, current: bool = True):
    # The people of registered households: never of an applicant or a not-poor household (as the roster).
    qs = scoped(
        Member.objects.exclude(household__status__in=c.UNIDENTIFIED_STATUSES),
        ctx,
        prefix="household__",
        household="household",
    )
    if current:
        qs = qs.filter(departure="", household__status__in=LIVE)
    return qs


PERSON = [
    Column("number", _("Household number"), "household__number"),
    *place_columns("household__"),
    Column("name", pgettext_lazy("person", "Name"), "name"),
    Column("id_number", _("ID number"), "id_number", mask="id"),
    Column("sex", _("Sex"), "sex", CHOICE, c.Sex.choices),
    Column("birth_date", _("Birth date"), "birth_date", DATE, mask="birth"),
    Column("relationship", _("Relationship to head"), "relationship", CHOICE, c.Relationship.choices),
]
HOUSEHOLD_STATUS = Column("status", _("Household status"), "household__status", CHOICE, c.Status.choices)
ORDER = ("household__village__code", "household__number", "id")

register(
    Table(
        key="members",
        title=_("Member roster"),
        group=_("Registry"),
        build=lambda ctx: members(ctx, current=not ctx.filters.get("departed")),
        columns=[
            *PERSON,
            Column("ethnicity", _("Ethnicity"), "ethnicity", CHOICE, c.Ethnicity.choices),
            Column("education", _("Education"), "education", CHOICE, c.Education.choices),
            Column("school", _("School status"), "school_status", CHOICE, c.SchoolStatus.choices),
            Column("chronic", _("Long-term chronic disease"), "has_chronic_disease", BOOL, mask="sensitive"),
            Column("serious", _("Serious illness"), "has_serious_illness", BOOL, mask="sensitive"),
            Column("disabled", _("Disabled"), "is_disabled", BOOL, mask="sensitive"),
            Column("labour", _("Labour ability"), "labour_ability", CHOICE, c.LabourAbility.choices),
            Column("work", _("Work status"), "work_status", CHOICE, c.WorkStatus.choices),
            Column("months", _("Months worked"), "months_worked", NUMBER),
            Column("medical", _("Resident basic medical insurance"), "has_resident_medical", BOOL),
            Column("dibao", _("Minimum-living allowance"), "receives_dibao", BOOL),
            Column("departure", _("Departure"), "departure", CHOICE, c.Departure.choices),
            HOUSEHOLD_STATUS,
        ],
        order_by=ORDER,
        filters=(
            Filter("departed", bool_field(_("Include departed members")), lambda qs, v: qs),
            choice_filter("status", _("Household status"), REGISTERED_STATUS_CHOICES, "household__status"),
        ),
    )
)


def out_of_school(ctx: Context):
    """§5.2 education: aged 6–15 on the report date and not in school (the reason is shown, not excused)."""
    day = ctx.day
    return members(ctx).filter(
        school_status=c.SchoolStatus.NOT_IN_SCHOOL,
        birth_date__lte=years_before(day, 6),
        birth_date__gt=years_before(day, 16),
    )


register(
    Table(
        key="out_of_school",
        title=_("Compulsory-age children out of school"),
        group=_("Ledgers"),
        description=_("Current members aged 6 to 15 on the report date who are not in school."),
        build=out_of_school,
        columns=[
            *PERSON,
            Column("reason", _("Reason for not attending"), "no_school_reason", CHOICE, c.NoSchoolReason.choices),
            Column("phone", _("Phone"), "household__phone", mask="phone"),
            HOUSEHOLD_STATUS,
        ],
        order_by=ORDER,
        filters=(choice_filter("reason", _("Reason for not attending"), c.NoSchoolReason.choices, "no_school_reason"),),
    )
)

register(
    Table(
        key="left_behind",
        title=_("Left-behind people"),
        group=_("Ledgers"),
        description=_("Left-behind children, women and elderly among current members."),
        build=lambda ctx: members(ctx).exclude(left_behind=""),
        columns=[
            *PERSON,
            Column("left_behind", _("Left-behind status"), "left_behind", CHOICE, c.LeftBehind.choices),
            Column("phone", _("Phone"), "household__phone", mask="phone"),
            HOUSEHOLD_STATUS,
        ],
        order_by=ORDER,
        filters=(choice_filter("kind", _("Left-behind status"), c.LeftBehind.choices, "left_behind"),),
    )
)

register(
    Table(
        key="disabled",
        title=_("Disabled poor people"),
        group=_("Ledgers"),
        description=_("Current disabled members of registered households."),
        # Every row says that a named person is disabled: a health fact (§9).
        health=True,
        build=lambda ctx: members(ctx).filter(is_disabled=True),
        columns=[
            *PERSON,
            Column(
                "category",
                _("Disability category"),
                "disability_category",
                CHOICE,
                c.DisabilityCategory.choices,
                mask="sensitive",
            ),
            Column(
                "grade", _("Disability grade"), "disability_grade", CHOICE, c.DisabilityGrade.choices, mask="sensitive"
            ),
            Column("certificate", _("Disability certificate number"), "disability_certificate", mask="id"),
            Column("labour", _("Labour ability"), "labour_ability", CHOICE, c.LabourAbility.choices),
            HOUSEHOLD_STATUS,
        ],
        order_by=ORDER,
        filters=(
            choice_filter(
                "grade", _("Disability grade"), c.DisabilityGrade.choices, "disability_grade", mask="sensitive"
            ),
            choice_filter("status", _("Household status"), REGISTERED_STATUS_CHOICES, "household__status"),
        ),
    )
)
