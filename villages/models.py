"""The region tree (§2): province → city → county → township → village, one table."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from povertymgmt.dates import policy_year_validator
from povertymgmt.models import TimeStampedModel


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


# Significant digits of the 12-digit statistical code at each level (§2): 2 + 2 + 2 + 3 + 3.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
CHILD_LEVEL = {
    Level.PROVINCE: Level.CITY,
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}


class PovertyCountyKind(models.TextChoices):
    NONE = "", _("Not a poverty county")
    PROVINCIAL = "provincial", _("Provincial poverty county")
    NATIONAL = "national", _("National poverty county")


code_validator = RegexValidator(r"^\d{12}$", _("The division code must be exactly 12 digits."))


class Region(TimeStampedModel):
    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[code_validator])
    name = models.CharField(pgettext_lazy("region", "name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Village attributes.
    is_poverty_village = models.BooleanField(_("registered poverty village"), default=False)
    is_deep_poverty = models.BooleanField(_("deep poverty"), default=False)
    is_border_village = models.BooleanField(_("border village"), default=False)
    first_secretary = models.CharField(_("first secretary"), max_length=50, blank=True)
    work_team = models.CharField(_("village work team"), max_length=200, blank=True)
    # County attribute.
    poverty_county = models.CharField(
        _("poverty county"), max_length=12, choices=PovertyCountyKind.choices, blank=True, default=""
    )
    # The flags above are the standing values: a year with no record of its own reads them (villages.flags).
    # §6.3: the policy year of the announcement of the village's or county's exit, set by the workflow's
    # announce step (workflows.services); empty while not announced. A region exits once.
    exit_year = models.PositiveSmallIntegerField(
        _("exit announced in"), null=True, blank=True, validators=[policy_year_validator]
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="province", parent__isnull=True) | models.Q(parent__isnull=False),
                name="region_only_province_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The significant digits of the code: every descendant's code starts with them."""
        return self.code[: PREFIX_LENGTH[Level(self.level)]]

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(Level(self.level))


class RegionYear(TimeStampedModel):
    """Per-year figures of a region (§2): the incidence denominator and the village exit indicators."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"), validators=[policy_year_validator])
    rural_population = models.PositiveIntegerField(_("rural registered population"), null=True, blank=True)
    has_hard_road = models.BooleanField(_("hard-surfaced road"), null=True, blank=True)
    has_safe_water = models.BooleanField(_("safe drinking water"), null=True, blank=True)
    has_electricity = models.BooleanField(_("household electricity"), null=True, blank=True)
    has_broadband = models.BooleanField(_("broadband"), null=True, blank=True)
    has_standard_clinic = models.BooleanField(_("standard clinic"), null=True, blank=True)
    has_cultural_venue = models.BooleanField(_("cultural venue"), null=True, blank=True)
    collective_income = models.DecimalField(
        _("village collective income (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # The region's flags of the year (§2, issue 14); empty: the latest earlier year's, else the Region's
    # standing value (read through villages.flags only).
    is_poverty_village = models.BooleanField(_("registered poverty village"), null=True, blank=True)
    is_deep_poverty = models.BooleanField(_("deep poverty"), null=True, blank=True)
    is_border_village = models.BooleanField(_("border village"), null=True, blank=True)
    poverty_county = models.CharField(
        _("poverty county"), max_length=12, choices=PovertyCountyKind.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("region yearly figures")
        verbose_name_plural = _("region yearly figures")
        # The few rows that set a village's flag, for the dashboards' exit counts (reports.selectors
        # .exit_counts): without it the province's dashboard read every yearly row (2 of its 8 ms).
        indexes = [
            models.Index(
                fields=["region", "year"],
                name="regionyear_village_flag",
                condition=models.Q(is_poverty_village__isnull=False),
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="regionyear_unique_region_year"),
            models.CheckConstraint(
                condition=models.Q(collective_income__gte=0) | models.Q(collective_income__isnull=True),
                name="regionyear_collective_income_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class AnnualTarget(TimeStampedModel):
    """Poverty-reduction targets of a region for a year (§2)."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"), validators=[policy_year_validator])
    people = models.PositiveIntegerField(_("people to exit"), default=0)
    villages = models.PositiveIntegerField(_("villages to exit"), default=0)
    counties = models.PositiveIntegerField(_("counties to exit"), default=0)

    class Meta:
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="annualtarget_unique_region_year"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class RegionIndicator(models.Model):
    """A dated snapshot of a region's incidence and exit eligibility (§5.3–§5.5), written by the nightly
    recompute (§5.6) for every region. Percentages are stored as percent numbers (2.50 = 2.50 %);
    None where undefined (missing or zero denominator), never 0."""

    as_of = models.DateField(_("as of"))
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="indicators")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    params_version = models.PositiveIntegerField(_("parameters version"))
    rural_population = models.PositiveIntegerField(_("rural registered population"), null=True)
    remaining_poor = models.PositiveIntegerField(_("remaining poor people"), default=0)
    registered_people = models.PositiveIntegerField(_("registered people"), default=0)
    exited_people = models.PositiveIntegerField(_("exited people"), default=0)
    estimated_wrongly_exited = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    estimated_omitted = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    incidence = models.DecimalField(_("poverty incidence (%)"), max_digits=9, decimal_places=4, null=True)
    comprehensive_incidence = models.DecimalField(
        _("comprehensive poverty incidence (%)"), max_digits=9, decimal_places=4, null=True
    )
    # Villages (§5.4) and counties (§5.5) only; None for other levels.
    exit_eligible = models.BooleanField(_("eligible to exit"), null=True)
    failing = models.JSONField(_("failing conditions"), default=list)
    eligible_households = models.PositiveIntegerField(_("households eligible to exit"), default=0)

    class Meta:
        verbose_name = _("region indicators")
        verbose_name_plural = _("region indicators")
        ordering = ["-as_of", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "as_of"], name="regionindicator_one_per_day"),
        ]
        indexes = [models.Index(fields=["as_of", "level"], name="regionindicator_day_level")]

    def __str__(self) -> str:
        return f"{self.region} {self.as_of}"


class VerificationSample(TimeStampedModel):
    """The province's verification sample of a county (§6.4), reproducible from its seed."""

    county = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="verification_samples"
    )
    drawn_on = models.DateField(_("drawn on"))
    seed = models.BigIntegerField(_("random seed"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("verification sample")
        verbose_name_plural = _("verification samples")
        ordering = ["county_id", "-drawn_on", "-id"]
        indexes = [models.Index(fields=["county", "-drawn_on", "-id"], name="sample_latest")]

    def __str__(self) -> str:
        return f"{self.county} {self.drawn_on}"


class SampleKind(models.TextChoices):
    EXITED = "exited", _("Exited household")
    NON_REGISTERED = "non_registered", _("Non-registered rural household")


class SampledHousehold(models.Model):
    """One sampled household and its verified result (§6.4). A non-registered household has no registry
    row: it is described by `label`. A result left empty was not verified and is not counted."""

    sample = models.ForeignKey(VerificationSample, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=16, choices=SampleKind.choices)
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("household"), max_length=100, blank=True)
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    wrongly_exited = models.BooleanField(_("wrongly exited"), null=True, blank=True)
    omitted = models.BooleanField(_("omitted poor household"), null=True, blank=True)
    approves = models.BooleanField(_("approves of the work"), null=True, blank=True)

    class Meta:
        verbose_name = _("sampled household")
        verbose_name_plural = _("sampled households")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="exited", omitted__isnull=True)
                | models.Q(kind="non_registered", wrongly_exited__isnull=True),
                name="sampledhousehold_result_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.kind} {self.household_id or self.label}"


class WorkingYear(models.Model):
    """The province's working year 工作年度 (issue 13): the policy year that "current" means.

    One row per opening of a year, never updated: the newest row is the working year, the rows before it
    are its history. Opening year Y+1 is an explicit act of province staff (年度切换); the calendar never
    turns it. See `villages.working_year`.
    """

    year = models.PositiveSmallIntegerField(_("working year"), unique=True, validators=[policy_year_validator])
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        "accounts.User", verbose_name=_("opened by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("working year")
        verbose_name_plural = _("working years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
