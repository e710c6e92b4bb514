"""Choices of the fund ledger (§11)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundSource(models.TextChoices):
    CENTRAL = "central", _("Central special fund")
    PROVINCIAL = "provincial", _("Provincial special fund")
    CITY = "city", _("City special fund")
    COUNTY = "county", _("County special fund")
    INTEGRATED_AGRICULTURE = "integrated_agriculture", _("Integrated agriculture funds")
    EAST_WEST = "east_west", _("East–west cooperation")
    PAIRED_SUPPORT = "paired_support", _("Paired support")
    SOCIAL_DONATION = "social_donation", _("Social donations")


class EntryKind(models.TextChoices):
    """A posted entry is never edited: a correction is a reversal entry that references it (§11)."""

    NORMAL = "normal", _("Posting")
    REVERSAL = "reversal", _("Reversal")


class Payee(models.TextChoices):
    UNIT = "unit", _("Implementing unit")
    HOUSEHOLD = "household", _("Household bank account")
