"""Import jobs of household files and department rosters (§13)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from households.choices import Status
from povertymgmt.files import PrivateUploadTo
from povertymgmt.models import TimeStampedModel


class JobState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    READING = "reading", _("Reading the file")
    VALIDATING = "validating", _("Checking every row")
    VALIDATED = "validated", _("Checked")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


RUNNING_STATES = (JobState.PENDING, JobState.READING, JobState.VALIDATING, JobState.COMMITTING)


class ImportJob(TimeStampedModel):
    """One uploaded household file: its dry run, its report and the result of the import (§13)."""

    scope = models.ForeignKey("villages.Region", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=PrivateUploadTo("imports"))
    original_name = models.CharField(_("file name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    state = models.CharField(_("state"), max_length=12, choices=JobState.choices, default=JobState.PENDING)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), default=0)
    households_total = models.PositiveIntegerField(_("households in the file"), default=0)
    households_invalid = models.PositiveIntegerField(_("households with errors"), default=0)
    members_total = models.PositiveIntegerField(_("members in the file"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    valid_only = models.BooleanField(_("import only the valid households"), default=False)
    # §6.2 (issue 14): new households are applicants, unless province staff migrate a county's existing
    # registry as already identified (accounts.access.may_import_as_identified): then they are poor.
    as_identified = models.BooleanField(_("imported as already identified"), default=False)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def percent(self) -> int:
        if self.state in (JobState.VALIDATED, JobState.DONE):
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    @property
    def new_status(self) -> str:
        """The status the import gives the households it creates (existing ones keep theirs)."""
        return Status.POOR if self.as_identified else Status.APPLICANT

    @property
    def households_valid(self) -> int:
        return max(self.households_total - self.households_invalid, 0)


class ImportIssue(models.Model):
    """One error of an import file, at its sheet, row and column (§13)."""

    job = models.ForeignKey(ImportJob, verbose_name=_("import job"), on_delete=models.CASCADE, related_name="issues")
    sheet = models.CharField(_("sheet"), max_length=20)
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=5, blank=True)
    header = models.CharField(_("column name"), max_length=40, blank=True)
    household_key = models.CharField(_("household number"), max_length=40, blank=True)
    code = models.CharField(_("code"), max_length=30)
    message = models.CharField(_("message"), max_length=300)
    value = models.CharField(_("value"), max_length=100, blank=True)
    sensitive = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")
        ordering = ["job_id", "sheet", "row", "id"]
        indexes = [models.Index(fields=["job", "sheet", "row"], name="importissue_job_sheet_row")]

    def __str__(self) -> str:
        return f"{self.sheet} {self.row}{self.column}: {self.message}"


class RosterField(models.TextChoices):
    """The member fields a department roster may set (§13)."""

    RESIDENT_MEDICAL = "has_resident_medical", _("Resident basic medical insurance (medical insurance bureau)")
    CRITICAL_ILLNESS = "has_critical_illness", _("Critical-illness insurance (medical insurance bureau)")
    DIBAO = "receives_dibao", _("Minimum-living allowance (civil affairs)")
    TEKUN = "receives_tekun", _("Extreme-poverty support (civil affairs)")
    DISABLED = "is_disabled", _("Disability certificate (disabled persons' federation)")
    SCHOOL = "school_status", _("School status (education bureau)")


class RosterState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    READING = "reading", _("Reading the file")
    MATCHING = "matching", _("Matching the members")
    PREVIEW = "preview", _("Preview")
    APPLYING = "applying", _("Applying the changes")
    APPLIED = "applied", pgettext_lazy("roster", "Applied")
    FAILED = "failed", _("Failed")


ROSTER_RUNNING_STATES = (RosterState.PENDING, RosterState.READING, RosterState.MATCHING, RosterState.APPLYING)


class Roster(TimeStampedModel):
    """A department's list of ID numbers with a status for one member field (§13)."""

    scope = models.ForeignKey("villages.Region", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("field"), max_length=24, choices=RosterField.choices)
    department = models.CharField(_("department"), max_length=100, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    # The upload, kept under a random name (§9): read by the task imports.tasks.roster_read.
    file = models.FileField(_("file"), upload_to=PrivateUploadTo("rosters"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    state = models.CharField(_("state"), max_length=10, choices=RosterState.choices, default=RosterState.PREVIEW)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # [[id_number, value, certificate], ...]: values already read into the field's codes.
    entries = models.JSONField(_("entries"), default=list)
    report = models.JSONField(_("report"), default=dict, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("department roster")
        verbose_name_plural = _("department rosters")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.state in ROSTER_RUNNING_STATES

    @property
    def percent(self) -> int:
        if self.state in (RosterState.PREVIEW, RosterState.APPLIED):
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
