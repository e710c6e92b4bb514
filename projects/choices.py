"""Choices of the project library (§10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from assistance.choices import AssistanceCategory

# §10: a project's category is a §4 measure or an infrastructure kind.
INFRASTRUCTURE = [
    ("infra_road", _("Infrastructure: road")),
    ("infra_water", _("Infrastructure: water")),
    ("infra_electricity", _("Infrastructure: electricity")),
    ("infra_broadband", _("Infrastructure: broadband")),
    ("infra_housing", _("Infrastructure: housing")),
    ("infra_other", _("Infrastructure: other")),
]
PROJECT_CATEGORIES = list(AssistanceCategory.choices) + INFRASTRUCTURE


class BenefitLinkage(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    DIVIDENDS = "dividends", _("Dividends")
    ORDERS = "orders", _("Purchase orders")
    LAND_TRANSFER = "land_transfer", _("Land transfer")
    OTHER = "other", _("Other")


class ProjectStatus(models.TextChoices):
    RESERVE = "reserve", _("Reserve")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ACCEPTED = "accepted", _("Accepted")
    TERMINATED = "terminated", _("Terminated")


# §10: 储备 → 批复 → 实施中 → 竣工 → 验收, or 终止 before completion.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    ProjectStatus.RESERVE: {ProjectStatus.APPROVED, ProjectStatus.TERMINATED},
    ProjectStatus.APPROVED: {ProjectStatus.IN_PROGRESS, ProjectStatus.TERMINATED},
    ProjectStatus.IN_PROGRESS: {ProjectStatus.COMPLETED, ProjectStatus.TERMINATED},
    ProjectStatus.COMPLETED: {ProjectStatus.ACCEPTED},
    ProjectStatus.ACCEPTED: set(),
    ProjectStatus.TERMINATED: set(),
}


class NoticeKind(models.TextChoices):
    APPROVAL = "approval", _("Approval notice")
    COMPLETION = "completion", _("Completion notice")


# Transitions that publish a notice (§10, §12).
NOTICE_ON = {ProjectStatus.APPROVED: NoticeKind.APPROVAL, ProjectStatus.COMPLETED: NoticeKind.COMPLETION}
