"""Choices of the assistance measures (§4): the policy's "five batches" and their kin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssistanceCategory(models.TextChoices):
    """§4: the category of an assistance record and of a project."""

    INDUSTRY = "industry", _("Industry assistance")
    EMPLOYMENT = "employment", _("Employment assistance")
    HEALTH = "health", _("Health assistance")
    EDUCATION = "education", _("Education assistance")
    HOUSING = "housing", _("Dangerous-house renovation")
    SOCIAL_SECURITY = "social_security", _("Social-security safety net")
    ECOLOGY = "ecology", _("Ecological assistance")
    RELOCATION = "relocation", _("Relocation assistance")
    FINANCE = "finance", _("Financial assistance")
    ASSET_INCOME = "asset_income", _("Asset-income assistance")


class LoanStatus(models.TextChoices):
    """§4: the state of a small poverty loan, computed from its dates, never typed."""

    CURRENT = "current", _("Current")
    EXTENDED = "extended", _("Extended")
    OVERDUE = "overdue", _("Overdue")
    REPAID = "repaid", _("Repaid")
