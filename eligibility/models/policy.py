"""The policy-parameter table (§5, §5.1): every threshold and line is data, per year, with history.

Its tables keep the names they had when the model lived in households (db_table, the history's
table_name): the move to this app changed only the migration state (eligibility migration 0001)."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from povertymgmt.models import TimeStampedModel

if TYPE_CHECKING:
    from accounts.models import User

percent_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class PolicyParameter(TimeStampedModel):
    """The province's parameters for one year (§5.1: its own line, 省定标准, overrides the national default).

    A year without a row uses the national defaults of eligibility.policy (version 0). Every save bumps
    `version`, and every computed result stores (year, version), so a decision can be replayed (§5).
    """

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2013), MaxValueValidator(2100)]
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    poverty_line = models.DecimalField(
        _("poverty line (yuan per person per year)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    incidence_threshold = models.DecimalField(
        _("exit incidence threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=percent_validators,
    )
    wrong_exit_threshold = models.DecimalField(
        _("wrong-exit rate threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=percent_validators,
    )
    omission_threshold = models.DecimalField(
        _("omission rate threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=percent_validators,
    )
    approval_threshold = models.DecimalField(
        _("public approval threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=percent_validators,
    )
    notice_days = models.PositiveSmallIntegerField(_("exit public notice (days)"), default=7)
    monitoring_income_multiplier = models.DecimalField(
        _("monitoring income multiple of the line"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.5"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    monitoring_drop_ratio = models.DecimalField(
        _("monitoring income drop ratio"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    monitoring_notice_days = models.PositiveSmallIntegerField(_("monitoring public notice (days)"), default=5)
    # §7: risk removal needs the household monitored at least this long (its income above the range since).
    risk_removal_months = models.PositiveSmallIntegerField(
        _("months monitored before risk removal"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    collective_income_threshold = models.DecimalField(
        _("village collective income threshold (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    same_year_exit_forbidden = models.BooleanField(
        _("a household cannot exit in its identification year"), default=False
    )

    history = HistoricalRecords(excluded_fields=["updated_at"], table_name="households_historicalpolicyparameter")
    # simple-history's hook: set before save() and the history row records who made the change.
    _history_user: "User | None"

    class Meta:
        db_table = "households_policyparameter"
        verbose_name = _("policy parameters")
        verbose_name_plural = _("policy parameters")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(poverty_line__gte=0), name="policyparameter_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"
