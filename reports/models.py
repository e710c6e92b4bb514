"""Exports of the standard tables (§12) that run in the background: who asked, for what, and the file.

The file is kept in Django's storage so the user can download it later; only its owner may (§9)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from povertymgmt.files import PrivateUploadTo


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


class ExportState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Complete")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="report_exports"
    )
    table = models.CharField(_("table"), max_length=40)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    # The region code, the as-of date and the filters exactly as the page had them.
    params = models.JSONField(_("filter"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    state = models.CharField(_("state"), max_length=10, choices=ExportState.choices, default=ExportState.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=PrivateUploadTo("exports"), max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="exportjob_user_recent")]
        constraints = [
            models.CheckConstraint(condition=models.Q(rows_done__gte=0), name="exportjob_rows_done_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.table} {self.format} {self.state}"


# The dashboards' assistance summary (issue 16), a model of its own module.
from .assistance_summary import RegionAssistanceCount  # noqa: E402, F401
