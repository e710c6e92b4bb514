"""Cases of the workflows of §6 and §7, their steps, objections, evidence and the sealed exit dossier."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from monitoring.models import AlertCategory
from povertymgmt.files import PrivateUploadTo

from .definitions import CaseType, State


class ClosingReason(models.TextChoices):
    """Why a household is closed (销户, §3.1): kept on the case and on the status event."""

    DECEASED = "deceased", _("All members deceased")
    MOVED_OUT = "moved_out", _("Moved out of the province")
    WRONGLY_IDENTIFIED = "wrongly_identified", _("Wrongly identified")


class Case(models.Model):
    """One run of a workflow (§6): about a household (exits, identification, monitoring) or a region
    (village and county exits). `region` is always set — the household's village for household cases —
    so scope and inbox queries are one index range."""

    case_type = models.CharField(_("case type"), max_length=20, choices=CaseType.choices)
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    region = models.ForeignKey("villages.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    year = models.PositiveSmallIntegerField(_("policy year"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    state_since = models.DateTimeField(_("in this state since"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # §6.1: proposing an ineligible household needs a written reason, shown at every later step.
    justification = models.TextField(_("justification"), blank=True)
    eligible_at_proposal = models.BooleanField(_("eligible at proposal"), null=True)
    proposal_snapshot = models.JSONField(_("eligibility at proposal"), default=dict, blank=True)
    appraisal_date = models.DateField(_("appraisal date"), null=True, blank=True)
    appraisal_attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    appraisal_result = models.CharField(_("appraisal result"), max_length=200, blank=True)
    notice_start = models.DateField(_("notice posted on"), null=True, blank=True)
    notice_end = models.DateField(_("notice closed on"), null=True, blank=True)
    category = models.CharField(_("monitoring category"), max_length=20, choices=AlertCategory.choices, blank=True)
    alert = models.ForeignKey(
        "monitoring.MonitoringAlert",
        verbose_name=_("monitoring alert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sample = models.ForeignKey(
        "villages.VerificationSample",
        verbose_name=_("verification sample"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    send_back_reason = models.TextField(_("reason sent back"), blank=True)
    # §6.2: an identification refused by the township or county keeps its reason on the record.
    refusal_reason = models.TextField(_("reason refused"), blank=True)
    # §3.1: the reason of a household closing (销户) case.
    closing_reason = models.CharField(_("closing reason"), max_length=20, choices=ClosingReason.choices, blank=True)
    # §7: what the clerk saw when registering a monitoring object without a nightly alert.
    trigger_note = models.TextField(_("trigger or reason"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["state_since", "id"]
        indexes = [
            models.Index(fields=["region", "case_type", "state"], name="case_region_type_state"),
            models.Index(fields=["case_type", "state", "state_since"], name="case_type_state_since"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_type__in=["village_exit", "county_exit"], household__isnull=True)
                | (~Q(case_type__in=["village_exit", "county_exit"]) & Q(household__isnull=False)),
                name="case_household_fits_type",
            ),
            # At most one running case of a type per household or region.
            models.UniqueConstraint(
                fields=["case_type", "household"],
                condition=Q(closed_at__isnull=True, household__isnull=False),
                name="case_one_open_per_household_type",
            ),
            models.UniqueConstraint(
                fields=["case_type", "region"],
                condition=Q(closed_at__isnull=True, household__isnull=True),
                name="case_one_open_per_region_type",
            ),
            models.CheckConstraint(
                condition=Q(notice_end__isnull=True) | Q(notice_end__gte=models.F("notice_start")),
                name="case_notice_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_case_type_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Step(models.Model):
    """One decision on a case: who, when, from which state to which, and why (§6). Append-only."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="steps")
    transition = models.CharField(_("step"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    date = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["case_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.transition}"


class Objection(models.Model):
    """An objection raised during the public notice (§6.1 step 4); an open one blocks the next step."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="objections")
    raised_on = models.DateField(_("raised on"))
    raised_by = models.CharField(_("raised by"), max_length=100)
    content = models.TextField(_("objection"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["case_id", "raised_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.raised_on} {self.raised_by}"


class AttachmentKind(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed confirmation form")
    HOUSE_PHOTO = "house_photo", _("Photo of the house")
    INSURANCE = "insurance", _("Insurance proof")
    SCHOOL = "school", _("School proof")
    OTHER = "other", _("Other evidence")


class Attachment(models.Model):
    """Evidence of a case (§6.1): photos and scans, type and size checked on upload."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=PrivateUploadTo("workflows"))
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Dossier(models.Model):
    """The exit dossier sealed at county approval (§6.1): its content frozen as JSON with a SHA-256 of
    the canonical encoding, so later household edits leave it unchanged and tampering shows."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="dossier")
    content = models.JSONField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"), auto_now_add=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sealed by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("exit dossier")
        verbose_name_plural = _("exit dossiers")

    def __str__(self) -> str:
        return f"{self.case} {self.sha256[:12]}"
