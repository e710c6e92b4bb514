"""The registered household and its members (§3)."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from povertymgmt.dates import policy_date_validator, policy_year_validator
from povertymgmt.models import TimeStampedModel

from .. import choices as c

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # dev-only package: annotations only

ZERO = Decimal("0")
not_negative = MinValueValidator(ZERO, _("This value cannot be negative."))
phone_validator = RegexValidator(r"^[0-9+\- ]{5,20}$", _("Enter a valid phone number."))
account_validator = RegexValidator(r"^[0-9 ]{8,32}$", _("A bank account number has 8 to 32 digits."))


def area_field(label: "StrOrPromise") -> models.DecimalField:
    return models.DecimalField(label, max_digits=10, decimal_places=2, null=True, blank=True, validators=[not_negative])


def money_field(label: "StrOrPromise") -> models.DecimalField:
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=ZERO, validators=[not_negative])


class Household(TimeStampedModel):
    number = models.CharField(_("household number"), max_length=20, unique=True)
    village = models.ForeignKey(
        "villages.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="households"
    )
    # Copied from the village so a county's list is one index range (docs/performance.md); set by services.
    county = models.ForeignKey(
        "villages.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=32, blank=True, validators=[account_validator])
    identification_year = models.PositiveSmallIntegerField(_("identification year"), validators=[policy_year_validator])
    identification_standard = models.CharField(
        _("identification standard"),
        max_length=12,
        choices=c.IdentificationStandard.choices,
        default=c.IdentificationStandard.NATIONAL,
    )
    household_type = models.CharField(
        _("household type"), max_length=10, choices=c.HouseholdType.choices, default=c.HouseholdType.GENERAL
    )
    main_cause = models.CharField(_("main cause of poverty"), max_length=20, choices=c.Cause.choices)
    other_cause_1 = models.CharField(_("other cause 1"), max_length=20, choices=c.Cause.choices, blank=True)
    other_cause_2 = models.CharField(_("other cause 2"), max_length=20, choices=c.Cause.choices, blank=True)
    is_military_family = models.BooleanField(_("military or martyr family"), default=False)
    is_only_child = models.BooleanField(_("only-child household"), default=False)
    is_two_daughters = models.BooleanField(_("two-daughter household"), default=False)

    status = models.CharField(_("poverty status"), max_length=20, choices=c.Status.choices, default=c.Status.POOR)
    exit_year = models.PositiveSmallIntegerField(
        _("exit year"), null=True, blank=True, validators=[policy_year_validator]
    )
    return_year = models.PositiveSmallIntegerField(
        _("return year"), null=True, blank=True, validators=[policy_year_validator]
    )
    return_reason = models.CharField(_("return reason"), max_length=200, blank=True)

    # Living conditions (§3.1).
    arable_land = area_field(_("arable land (mu)"))
    irrigated_land = area_field(_("irrigated land (mu)"))
    forest_land = area_field(_("forest land (mu)"))
    returned_farmland_forest = area_field(_("farmland returned to forest (mu)"))
    fruit_forest = area_field(_("fruit forest (mu)"))
    grassland = area_field(_("grassland (mu)"))
    water_surface = area_field(_("water surface (mu)"))
    has_household_electricity = models.BooleanField(_("household electricity"), null=True, blank=True)
    has_production_electricity = models.BooleanField(_("production electricity"), null=True, blank=True)
    has_radio_tv = models.BooleanField(_("radio and TV"), null=True, blank=True)
    road_distance_km = models.DecimalField(
        _("distance to the village main road (km)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[not_negative],
    )
    road_type = models.CharField(_("access road type"), max_length=10, choices=c.RoadType.choices, blank=True)
    housing_area = area_field(_("housing area (m²)"))
    housing_grade = models.CharField(
        _("housing safety grade"), max_length=1, choices=c.HousingGrade.choices, blank=True
    )
    renovation = models.CharField(
        _("dangerous-house renovation"), max_length=12, choices=c.Renovation.choices, default=c.Renovation.NONE
    )
    relocation = models.CharField(_("relocation"), max_length=10, choices=c.Relocation.choices, default=c.Relocation.NO)
    has_safe_water = models.BooleanField(_("safe drinking water solved"), null=True, blank=True)
    has_sanitary_toilet = models.BooleanField(_("sanitary toilet"), null=True, blank=True)
    main_fuel = models.CharField(_("main fuel"), max_length=10, choices=c.Fuel.choices, blank=True)
    in_cooperative = models.BooleanField(_("member of a farmers' cooperative"), default=False)
    led_by_enterprise = models.BooleanField(_("led by a leading enterprise"), default=False)
    led_by_entrepreneur = models.BooleanField(_("led by a local entrepreneur"), default=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # Not columns: set per instance by the API serializer (serializers.attach_current_records).
    current_income: "Income | None"
    latest_assessment: "Assessment | None"

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["county", "status", "id"], name="household_county_status"),
            models.Index(fields=["village", "status", "id"], name="household_village_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(other_cause_1=F("main_cause")) & ~Q(other_cause_2=F("main_cause")),
                name="household_other_causes_differ_from_main",
                violation_error_code="repeated_main_cause",
                violation_error_message=_("Another cause cannot repeat the main cause."),
            ),
            models.CheckConstraint(
                condition=Q(other_cause_2="") | ~Q(other_cause_2=F("other_cause_1")),
                name="household_other_causes_differ",
                violation_error_code="repeated_other_cause",
                violation_error_message=_("The two other causes must differ."),
            ),
            models.CheckConstraint(
                condition=Q(irrigated_land__isnull=True)
                | Q(arable_land__isnull=True)
                | Q(irrigated_land__lte=F("arable_land")),
                name="household_irrigated_within_arable",
                violation_error_code="irrigated_beyond_arable",
                violation_error_message=_("The irrigated land cannot exceed the arable land."),
            ),
        ]

    # The field each constraint's error belongs next to (by its violation code), in forms and the API.
    CONSTRAINT_FIELDS = {
        "repeated_main_cause": "other_cause_1",
        "repeated_other_cause": "other_cause_2",
        "irrigated_beyond_arable": "irrigated_land",
    }

    def validate_constraints(self, exclude=None) -> None:
        """The database's constraints (the one definition of these rules), reported on their fields."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors: dict[str, list[ValidationError]] = {}
            for field, field_errors in exc.error_dict.items():
                for error in field_errors:
                    target = self.CONSTRAINT_FIELDS.get(error.code or "", field) if field == NON_FIELD_ERRORS else field
                    errors.setdefault(target, []).append(error)
            raise ValidationError(errors) from None

    def __str__(self) -> str:
        return self.number


class Member(TimeStampedModel):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    id_type = models.CharField(_("ID type"), max_length=12, choices=c.IdType.choices, default=c.IdType.RESIDENT_ID)
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    # Derived from a resident ID number (§3.2): never typed twice.
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=6, choices=c.Sex.choices)
    relationship = models.CharField(_("relationship to head"), max_length=24, choices=c.Relationship.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=c.Ethnicity.choices, default=c.Ethnicity.HAN)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=c.PoliticalStatus.choices, default=c.PoliticalStatus.MASSES
    )
    education = models.CharField(_("education"), max_length=12, choices=c.Education.choices, blank=True)
    school_status = models.CharField(
        _("school status"), max_length=24, choices=c.SchoolStatus.choices, default=c.SchoolStatus.NOT_IN_SCHOOL
    )
    no_school_reason = models.CharField(
        _("reason for not attending compulsory school"), max_length=10, choices=c.NoSchoolReason.choices, blank=True
    )
    # Health may combine (§3.2): healthy means none of the three.
    has_chronic_disease = models.BooleanField(_("long-term chronic disease"), default=False)
    has_serious_illness = models.BooleanField(_("serious illness"), default=False)
    is_disabled = models.BooleanField(_("disabled"), default=False)
    disability_category = models.CharField(
        _("disability category"), max_length=1, choices=c.DisabilityCategory.choices, blank=True
    )
    disability_grade = models.CharField(
        _("disability grade"), max_length=1, choices=c.DisabilityGrade.choices, blank=True
    )
    disability_certificate = models.CharField(_("disability certificate number"), max_length=20, blank=True)
    labour_ability = models.CharField(
        _("labour ability"), max_length=10, choices=c.LabourAbility.choices, default=c.LabourAbility.ORDINARY
    )
    work_status = models.CharField(_("work status"), max_length=16, choices=c.WorkStatus.choices, blank=True)
    months_worked = models.PositiveSmallIntegerField(
        _("months worked"),
        default=0,
        validators=[MaxValueValidator(12, _("Months worked must be between 0 and 12."))],
    )
    has_public_welfare_post = models.BooleanField(_("public-welfare post"), default=False)
    has_resident_medical = models.BooleanField(_("resident basic medical insurance"), default=False)
    has_employee_medical = models.BooleanField(_("employee basic medical insurance"), default=False)
    has_critical_illness = models.BooleanField(_("critical-illness insurance"), default=False)
    has_resident_pension = models.BooleanField(_("resident basic pension insurance"), default=False)
    has_employee_pension = models.BooleanField(_("employee basic pension insurance"), default=False)
    receives_dibao = models.BooleanField(_("receives minimum-living allowance"), default=False)
    receives_tekun = models.BooleanField(_("receives extreme-poverty support"), default=False)
    has_family_doctor = models.BooleanField(_("family-doctor contract"), default=False)
    is_active_serviceman = models.BooleanField(_("active serviceman"), default=False)
    left_behind = models.CharField(_("left-behind status"), max_length=10, choices=c.LeftBehind.choices, blank=True)
    # A departed member is kept with the reason (§3.2); "" means a current member.
    departure = models.CharField(_("departure"), max_length=12, choices=c.Departure.choices, blank=True)
    departed_on = models.DateField(_("departed on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household_id", "id"]
        indexes = [
            models.Index(fields=["household", "relationship"], name="member_household_relationship"),
            # Prefix search by name and ID number (households.selectors.household_search): LIKE 'x%' uses
            # a pattern-operator index on PostgreSQL whatever the database's collation.
            models.Index(fields=["name"], name="member_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["id_number"], name="member_id_prefix", opclasses=["varchar_pattern_ops"]),
            # The nightly checks look up the members who crossed an age since the last night (issue 16).
            models.Index(fields=["birth_date"], name="member_birth_date"),
        ]
        constraints = [
            # One person cannot be a current member of two households (§3.2, DQ01).
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(departure=""), name="member_one_live_household_per_person"
            ),
            models.CheckConstraint(condition=Q(months_worked__lte=12), name="member_months_worked_at_most_12"),
            models.CheckConstraint(
                condition=Q(departure="", departed_on__isnull=True) | (~Q(departure="") & Q(departed_on__isnull=False)),
                name="member_departure_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.departure == ""


class Income(TimeStampedModel):
    """One income record per household and year (§3.1); totals are generated by the database."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[policy_year_validator])
    wages = money_field(_("wage income"))
    business = money_field(_("production and business income"))
    property = money_field(_("property income"))
    family_planning = money_field(_("family-planning subsidy"))
    dibao = money_field(_("minimum-living allowance received"))
    tekun = money_field(_("extreme-poverty support received"))
    pension = money_field(_("pension"))
    eco_compensation = money_field(_("ecological compensation"))
    other_transfer = money_field(_("other transfer income"))
    business_costs = money_field(_("production and business costs"))
    medical_expense = money_field(_("self-paid medical expenses"))
    education_expense = money_field(_("education expenses"))
    disaster_loss = money_field(_("disaster losses"))
    transfer = models.GeneratedField(
        verbose_name=_("transfer income"),
        expression=F("family_planning")
        + F("dibao")
        + F("tekun")
        + F("pension")
        + F("eco_compensation")
        + F("other_transfer"),
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
        db_persist=True,
    )
    net = models.GeneratedField(
        verbose_name=_("net income"),
        expression=F("wages")
        + F("business")
        + F("property")
        + F("family_planning")
        + F("dibao")
        + F("tekun")
        + F("pension")
        + F("eco_compensation")
        + F("other_transfer")
        - F("business_costs"),
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
        db_persist=True,
    )
    rigid_expenditure = models.GeneratedField(
        verbose_name=_("rigid expenditure"),
        expression=F("medical_expense") + F("education_expense") + F("disaster_loss"),
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "transfer", "net", "rigid_expenditure"])

    # Not a column: set by households.views.household_detail for the page (per-capita net, §3.1).
    per_capita: Decimal | None

    class Meta:
        verbose_name = _("income record")
        verbose_name_plural = _("income records")
        ordering = ["household_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_one_per_household_year"),
            models.CheckConstraint(
                condition=Q(wages__gte=0)
                & Q(business__gte=0)
                & Q(property__gte=0)
                & Q(family_planning__gte=0)
                & Q(dibao__gte=0)
                & Q(tekun__gte=0)
                & Q(pension__gte=0)
                & Q(eco_compensation__gte=0)
                & Q(other_transfer__gte=0)
                & Q(business_costs__gte=0)
                & Q(medical_expense__gte=0)
                & Q(education_expense__gte=0)
                & Q(disaster_loss__gte=0),
                name="income_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"


class Assessment(TimeStampedModel):
    """The dated two no-worries assessment made on a home visit (§3.1)."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="assessments"
    )
    assessed_on = models.DateField(_("assessed on"))
    food_secure = models.BooleanField(_("not worried about food"))
    clothing_secure = models.BooleanField(_("not worried about clothing"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("two no-worries assessment")
        verbose_name_plural = _("two no-worries assessments")
        ordering = ["household_id", "-assessed_on", "-id"]
        indexes = [models.Index(fields=["household", "-assessed_on", "-id"], name="assessment_latest")]

    def __str__(self) -> str:
        return f"{self.household} {self.assessed_on}"


class Helper(TimeStampedModel):
    """A pairing cadre (帮扶责任人), who serves many households (§3.1)."""

    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=6, choices=c.Sex.choices)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    unit = models.CharField(_("assisting unit"), max_length=100)
    unit_level = models.CharField(_("unit level"), max_length=10, choices=c.UnitLevel.choices)
    post = models.CharField(_("post"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    county = models.ForeignKey(
        "villages.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="helpers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="helper_profile",
    )

    class Meta:
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")
        ordering = ["name", "id"]
        # The helper list in its order, for the province and for a county (186,000 helpers at 1,000,000
        # households: the province's page 51 → 27 ms alone).
        indexes = [
            models.Index(fields=["name", "id"], name="helper_name"),
            models.Index(fields=["county", "name", "id"], name="helper_county_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Pairing(TimeStampedModel):
    helper = models.ForeignKey(Helper, verbose_name=_("helper"), on_delete=models.PROTECT, related_name="pairings")
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="pairings"
    )
    start = models.DateField(_("pairing start"))
    end = models.DateField(_("pairing end"), null=True, blank=True)

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["household_id", "-start"]
        # The nightly checks look up the pairings that began or ended since the last night (issue 16).
        indexes = [
            models.Index(fields=["start"], name="pairing_start"),
            models.Index(fields=["end"], name="pairing_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="pairing_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.household}"


class StatusEvent(TimeStampedModel):
    """Every status change of a household, dated, with who and why (§3.1). An exit or a return also
    records the policy year it counts for (the household's exit_year or return_year at that moment, which
    a later re-exit or return overwrites) and the people of the household then, so "exits of the year"
    counts every exit, re-exits included, as it was (§12)."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="status_events"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=c.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=c.Status.choices)
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=500)
    year = models.PositiveSmallIntegerField(_("policy year"), null=True, blank=True, validators=[policy_year_validator])
    people = models.PositiveSmallIntegerField(_("people"), null=True, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["household_id", "-date", "-id"]
        indexes = [models.Index(fields=["year", "to_status"], name="statusevent_year_status")]


class MemberEvent(TimeStampedModel):
    """A dated member change: birth, death, marriage, moving (§3.2)."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("change"), max_length=14, choices=c.MemberEventKind.choices)
    date = models.DateField(_("date"), validators=[policy_date_validator])
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("member change")
        verbose_name_plural = _("member changes")
        ordering = ["member_id", "-date", "-id"]
