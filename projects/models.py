"""The county project library (§10)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from povertymgmt.dates import policy_date_validator, policy_plan_end_validator, policy_year_validator
from povertymgmt.models import TimeStampedModel

from .choices import PROJECT_CATEGORIES, BenefitLinkage, FundSource, NoticeKind, ProjectStatus

not_negative = MinValueValidator(Decimal("0"), _("This value cannot be negative."))


class Project(TimeStampedModel):
    name = models.CharField(pgettext_lazy("project", "name"), max_length=200)
    county = models.ForeignKey(
        "villages.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="projects"
    )
    villages = models.ManyToManyField(
        "villages.Region", verbose_name=_("villages"), blank=True, related_name="village_projects"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[policy_year_validator])
    category = models.CharField(_("category"), max_length=20, choices=PROJECT_CATEGORIES)
    content = models.TextField(_("content"), blank=True)
    implementing_unit = models.CharField(_("implementing unit"), max_length=200)
    planned_start = models.DateField(_("planned start"), null=True, blank=True, validators=[policy_date_validator])
    planned_end = models.DateField(_("planned end"), null=True, blank=True, validators=[policy_plan_end_validator])
    beneficiary_households = models.ManyToManyField(
        "households.Household", verbose_name=_("beneficiary households"), blank=True, related_name="projects"
    )
    beneficiary_people = models.PositiveIntegerField(_("beneficiary people"), default=0)
    benefit_linkage = models.CharField(
        _("benefit linkage"), max_length=16, choices=BenefitLinkage.choices, default=BenefitLinkage.EMPLOYMENT
    )
    benefit_linkage_note = models.CharField(_("benefit linkage details"), max_length=300, blank=True)
    # Changed only by projects.services.project_transition, which records who, when and why.
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.RESERVE, editable=False
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["county", "year", "status"], name="project_county_year_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="project_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectBudget(models.Model):
    """The planned budget of a project by fund source (§10)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="budgets")
    source = models.CharField(_("fund source"), max_length=24, choices=FundSource.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, validators=[not_negative])

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project_id", "source"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="projectbudget_one_per_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="projectbudget_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.get_source_display()}"


class PerformanceTarget(models.Model):
    """A performance target 绩效目标: planned vs achieved (§10)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    planned = models.DecimalField(_("planned"), max_digits=14, decimal_places=2)
    achieved = models.DecimalField(_("achieved"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("performance target")
        verbose_name_plural = _("performance targets")
        ordering = ["project_id", "id"]

    def __str__(self) -> str:
        return self.indicator


class ProjectStatusChange(models.Model):
    """Every status transition of a project: who, when, why (§10)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=ProjectStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=ProjectStatus.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        verbose_name = _("project status change")
        verbose_name_plural = _("project status changes")
        ordering = ["project_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_status} → {self.to_status}"


class PublicNotice(models.Model):
    """A public notice 公告公示 published at approval and at completion (§10, §12): no personal identifiers."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=NoticeKind.choices)
    published_on = models.DateField(_("published on"))
    change = models.OneToOneField(
        ProjectStatusChange, verbose_name=_("status change"), on_delete=models.PROTECT, related_name="notice"
    )

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()}"
