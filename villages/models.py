"""The region tree (§2): province → city → county → township → village, one table."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
    name = models.CharField(_("name"), max_length=100)
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

    def contains(self, other: "Region") -> bool:
        return other.code.startswith(self.prefix)


class RegionYear(TimeStampedModel):
    """Per-year figures of a region (§2): the incidence denominator and the village exit indicators."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2013)])
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

    class Meta:
        verbose_name = _("region yearly figures")
        verbose_name_plural = _("region yearly figures")
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
    year = models.PositiveSmallIntegerField(_("year"))
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
