"""Choices of the fund ledger (§11). The fund source, shared with project budgets, is projects.choices.FundSource."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    """A posted entry is never edited: a correction is a reversal entry that references it (§11)."""

    NORMAL = "normal", _("Posting")
    REVERSAL = "reversal", _("Reversal")


class Payee(models.TextChoices):
    UNIT = "unit", _("Implementing unit")
    HOUSEHOLD = "household", _("Household bank account")
