"""The people a county sends to a village (§1): the first secretary (第一书记) and the members of the village
work team (驻村工作队), each with the dates of their posting, kept with their history (issue 14)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from povertymgmt.dates import policy_date_validator
from povertymgmt.models import TimeStampedModel


class TeamPosition(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    TEAM_MEMBER = "team_member", _("Work-team member")


class WorkTeamMember(TimeStampedModel):
    """One person posted to a village as its first secretary or as a member of its work team, from `start`
    to `end` (open while still posted). A posting is ended with a date, never deleted."""

    village = models.ForeignKey(
        "villages.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="work_team_members"
    )
    name = models.CharField(_("name"), max_length=50)
    unit = models.CharField(_("dispatching unit"), max_length=100)
    position = models.CharField(_("position in the village"), max_length=16, choices=TeamPosition.choices)
    start = models.DateField(_("posted from"), validators=[policy_date_validator])
    end = models.DateField(_("posted until"), null=True, blank=True, validators=[policy_date_validator])

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("work-team member")
        verbose_name_plural = _("work-team members")
        ordering = ["village_id", "position", "-start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="workteam_end_after_start",
                violation_error_code="before_start",
                violation_error_message=_("A posting cannot end before it started."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"
