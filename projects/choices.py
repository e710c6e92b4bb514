"""Choices of the project library (§10), with the two it shares with the apps above it: the §4 assistance
category (of a project, an assistance record and a household payment) and the fund source (of a
project's budget and of the ledger's allocations, §11). They live here, the lowest app that uses them,
so that assistance and funds import them from below (docs/architecture.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssistanceCategory(models.TextChoices):
    """§4: the policy's "five batches" and their kin; the category of an assistance record, of a household
    payment and of a project."""

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


class FundSource(models.TextChoices):
    """§10, §11: where money comes from, for a project's budget lines and the ledger's allocations."""

    CENTRAL = "central", _("Central special fund")
    PROVINCIAL = "provincial", _("Provincial special fund")
    CITY = "city", _("City special fund")
    COUNTY = "county", _("County special fund")
    INTEGRATED_AGRICULTURE = "integrated_agriculture", _("Integrated agriculture funds")
    EAST_WEST = "east_west", _("East–west cooperation")
    PAIRED_SUPPORT = "paired_support", _("Paired support")
    SOCIAL_DONATION = "social_donation", _("Social donations")


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
NOTICE_ON: dict[str, str] = {
    ProjectStatus.APPROVED: NoticeKind.APPROVAL,
    ProjectStatus.COMPLETED: NoticeKind.COMPLETION,
}
