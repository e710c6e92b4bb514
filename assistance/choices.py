"""Choices of the assistance measures (§4). Their category, AssistanceCategory, shared with projects and
funds and lives in projects.choices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoanStatus(models.TextChoices):
    """§4: the state of a small poverty loan, computed from its dates, never typed."""

    CURRENT = "current", _("Current")
    EXTENDED = "extended", _("Extended")
    OVERDUE = "overdue", _("Overdue")
    REPAID = "repaid", _("Repaid")
