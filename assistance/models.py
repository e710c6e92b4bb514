"""Assistance received by households (§4): records, small poverty loans, visits."""

import datetime as dt
import os
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from povertymgmt.dates import policy_date_validator, policy_due_date_validator
from povertymgmt.files import PrivateUploadTo
from povertymgmt.models import TimeStampedModel
from projects.choices import AssistanceCategory

from .choices import LoanStatus
from .validators import validate_photo

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # dev-only package: annotations only

not_negative = MinValueValidator(Decimal("0"), _("This value cannot be negative."))

# §4: a village's households not visited for this many days are listed for follow-up. Override with the
# setting ASSISTANCE_VISIT_OVERDUE_DAYS (or ?days= on the page).
VISIT_OVERDUE_DAYS_DEFAULT = 90


def visit_overdue_days() -> int:
    return int(getattr(settings, "ASSISTANCE_VISIT_OVERDUE_DAYS", VISIT_OVERDUE_DAYS_DEFAULT))


def _households_region(label: "StrOrPromise") -> models.ForeignKey:
    """Set from the household, never in a form; indexed by the models' indexes that begin with it."""
    return models.ForeignKey(
        "villages.Region",
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )


class InHouseholdRegion(models.Model):
    """A row that carries its household's village and county, kept so when the household moves
    (assistance/region_follow_sql.py): the lists of a scope read such rows by their own columns, one
    index range, as the households are read (assistance.selectors), not by `household IN (the scope's
    households)`. Written from the household when the row is saved; rows written in bulk name them."""

    village = _households_region(_("village"))
    county = _households_region(_("county"))

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and self.village_id is None:
            household = self.household  # type: ignore[attr-defined]  # the concrete model's
            self.village_id, self.county_id = household.village_id, household.county_id
        super().save(*args, **kwargs)


class AssistanceRecord(InHouseholdRegion, TimeStampedModel):
    """One measure a household (or one member) received (§4), optionally from a project and a payment."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="assistance"
    )
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance",
    )
    category = models.CharField(_("category"), max_length=20, choices=AssistanceCategory.choices)
    date = models.DateField(_("date"), validators=[policy_date_validator])
    content = models.CharField(_("content"), max_length=500)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=[not_negative]
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance",
    )
    disbursement = models.ForeignKey(
        "funds.Disbursement",
        verbose_name=_("disbursement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance",
    )

    class Meta:
        verbose_name = _("assistance record")
        verbose_name_plural = _("assistance records")
        ordering = ["household_id", "-date", "-id"]
        indexes = [
            models.Index(fields=["household", "date"], name="assistance_household_date"),
            # The list of the scope's latest records (assistance.views.assistance_list), newest first.
            models.Index(fields=["-date", "-id"], name="assistance_latest"),
            # The same for a county's and a village's records (a township's: its villages').
            models.Index(fields=["county", "-date", "-id"], name="assistance_county_latest"),
            models.Index(fields=["village", "-date", "-id"], name="assistance_village_latest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="assistancerecord_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_category_display()} {self.date}"

    @property
    def reversed(self) -> bool:
        """Paid by a disbursement that was reversed (§11): shown, but not added up. Select
        "disbursement__reversal" with the records to read it without a query each."""
        return self.disbursement_id is not None and hasattr(self.disbursement, "reversal")


class SmallLoan(InHouseholdRegion, TimeStampedModel):
    """A small poverty loan 扶贫小额信贷 (§4); its status follows from its dates."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="small_loans"
    )
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("borrower"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="small_loans",
    )
    bank = models.CharField(_("lending bank"), max_length=100, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), _("The amount must be greater than zero."))],
    )
    benchmark_rate = models.DecimalField(
        _("benchmark rate (% a year)"),
        max_digits=6,
        decimal_places=3,
        validators=[not_negative, MaxValueValidator(Decimal("100"))],
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    issued_on = models.DateField(_("issued on"), validators=[policy_date_validator])
    due_on = models.DateField(_("due on"), validators=[policy_due_date_validator])
    extended_to = models.DateField(_("extended to"), null=True, blank=True, validators=[policy_due_date_validator])
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True, validators=[policy_date_validator])

    class Meta:
        verbose_name = _("small poverty loan")
        verbose_name_plural = _("small poverty loans")
        ordering = ["household_id", "-issued_on", "-id"]
        indexes = [
            models.Index(fields=["county", "-issued_on", "-id"], name="smallloan_county_latest"),
            models.Index(fields=["village", "-issued_on", "-id"], name="smallloan_village_latest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="smallloan_amount_positive"),
            models.CheckConstraint(condition=Q(due_on__gt=F("issued_on")), name="smallloan_due_after_issue"),
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True) | Q(extended_to__gt=F("due_on")),
                name="smallloan_extension_after_due",
            ),
            models.CheckConstraint(
                condition=Q(repaid_on__isnull=True) | Q(repaid_on__gte=F("issued_on")),
                name="smallloan_repaid_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.amount}"

    def status_on(self, day: dt.date) -> str:
        """repaid, overdue (past the due or extended date and unpaid), extended, or current."""
        if self.repaid_on is not None and self.repaid_on <= day:
            return LoanStatus.REPAID
        if day > (self.extended_to or self.due_on):
            return LoanStatus.OVERDUE
        if self.extended_to is not None:
            return LoanStatus.EXTENDED
        return LoanStatus.CURRENT

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str | Promise:
        return LoanStatus(self.status).label


class Visit(InHouseholdRegion, TimeStampedModel):
    """A home visit 走访 by a helper or a cadre (§4)."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="visits"
    )
    helper = models.ForeignKey(
        "households.Helper",
        verbose_name=_("helper"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visitor"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    visited_on = models.DateField(_("visited on"), validators=[policy_date_validator])
    findings = models.TextField(_("findings"))

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["household_id", "-visited_on", "-id"]
        indexes = [
            models.Index(fields=["household", "-visited_on"], name="visit_household_latest"),
            models.Index(fields=["-visited_on", "-id"], name="visit_latest"),  # the scope's latest visits
            models.Index(fields=["county", "-visited_on", "-id"], name="visit_county_latest"),
            models.Index(fields=["village", "-visited_on", "-id"], name="visit_village_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.visited_on}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=PrivateUploadTo("visits"), validators=[validate_photo])

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit_id", "id"]

    def __str__(self) -> str:
        return self.file.name

    @property
    def extension(self) -> str:
        """The stored file's extension (".jpg"): photos are served under a name of their own (§9)."""
        return os.path.splitext(self.file.name)[1].lower()
