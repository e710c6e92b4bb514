"""Data-quality findings (§8.2) and monitoring alerts against return to poverty (§7)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eligibility.models import held_on
from povertymgmt.models import ChoiceLabels


class QualityCode(models.TextChoices):
    """The checks of §8.2."""

    DQ01 = "DQ01", _("DQ01 One person in two households")
    DQ02 = "DQ02", _("DQ02 Invalid ID number")
    DQ03 = "DQ03", _("DQ03 Head or spouse count")
    DQ04 = "DQ04", _("DQ04 Relationship inconsistent with sex")
    DQ05 = "DQ05", _("DQ05 Cause of poverty inconsistent with members")
    DQ06 = "DQ06", _("DQ06 Schooling inconsistent with age")
    DQ07 = "DQ07", _("DQ07 Labour ability inconsistent")
    DQ08 = "DQ08", _("DQ08 Wages inconsistent with work")
    DQ09 = "DQ09", _("DQ09 Implausible income")
    DQ10 = "DQ10", _("DQ10 Household type inconsistent")
    DQ11 = "DQ11", _("DQ11 Helper missing or a poor person")
    DQ12 = "DQ12", _("DQ12 Implausible living conditions")
    DQ13 = "DQ13", _("DQ13 Departed member still counted")


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")


class CountyNight(models.Model):
    """A nightly step done for a county and a date, with the version of its rules and how many households
    it examined again (None: the whole county; otherwise the others' results were carried over from the
    county's previous night, issue 16)."""

    county = models.ForeignKey("villages.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("as of"))
    run_id = models.BigIntegerField(_("nightly run"), null=True, blank=True)
    rules_version = models.PositiveIntegerField(_("rules version"), default=0)
    households_checked = models.PositiveIntegerField(_("households checked"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["county_id", "-as_of"]

    def __str__(self) -> str:
        return f"{self.county_id} {self.as_of}"


class QualityRun(CountyNight):
    """One completed data-quality run of a county for a date: the current findings are those of the
    latest run, so a county whose findings all disappeared tonight shows none (§5.6)."""

    finding_count = models.PositiveIntegerField(_("findings"), default=0)
    # The county's current findings per check after this night, {"DQ01": n, …}: the data-quality overview
    # of a city or a province adds up its counties' latest nights (monitoring.selectors.night_counts).
    code_counts = models.JSONField(_("findings per check"), default=dict, blank=True)

    class Meta(CountyNight.Meta):
        verbose_name = _("data-quality run")
        verbose_name_plural = _("data-quality runs")
        constraints = [models.UniqueConstraint(fields=["county", "as_of"], name="qualityrun_one_per_county_date")]


class FindingQuerySet(models.QuerySet):
    def held_on(self, day) -> "FindingQuerySet":
        """The findings the county's nights found on `day` (the rule of the exit test's results)."""
        return self.filter(held_on(day))

    def per_code(self) -> dict[str, int]:
        """{check: number} of these findings (checks without a finding left out), one aggregate query."""
        return dict(self.order_by().values("code").annotate(n=models.Count("id")).values_list("code", "n"))


class QualityFinding(ChoiceLabels, models.Model):
    """One failed check on one household (and member) (§8.2), kept as a history of changes: found by the
    county's nights from `since` on, no longer found from `until` on (NULL: still found on the county's
    latest night). A quiet night writes only the findings that appear or go away (issue 16)."""

    since = models.DateField(_("found since"))
    until = models.DateField(_("no longer found on"), null=True, blank=True)
    code = models.CharField(_("check"), max_length=4, choices=QualityCode.choices)
    # Which variant of the check fired (e.g. DQ05 "illness"); the message is chosen from code + kind.
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        "households.Member", verbose_name=_("member"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    county = models.ForeignKey("villages.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "villages.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    run_id = models.BigIntegerField(_("nightly run"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-quality finding")
        verbose_name_plural = _("data-quality findings")
        ordering = ["village_id", "household_id", "code", "id"]
        indexes = [
            models.Index(fields=["county", "until", "code"], name="finding_county_until_code"),
            models.Index(fields=["village", "until", "code"], name="finding_village_until_code"),
            models.Index(fields=["household", "until"], name="finding_household_until"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.household_id} {self.since}–{self.until or ''}"


class MonitoringRun(CountyNight):
    """The triggers of §7 evaluated for a county as of a date, with the policy parameters they read: the
    next night of the same parameters evaluates only what changed since (issue 16)."""

    policy_year = models.PositiveSmallIntegerField(_("policy year"))
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    alerts = models.PositiveIntegerField(_("alerts"), default=0)

    class Meta(CountyNight.Meta):
        verbose_name = _("monitoring run")
        verbose_name_plural = _("monitoring runs")
        constraints = [models.UniqueConstraint(fields=["county", "as_of"], name="monitoringrun_one_per_county_date")]


class AlertCategory(models.TextChoices):
    """§7."""

    UNSTABLE_EXITED = "unstable_exited", _("Exited but unstable household")
    MARGINAL = "marginal", _("Marginal household at risk of poverty")
    SUDDEN_HARDSHIP = "sudden_hardship", _("Household in sudden severe hardship")


class AlertState(models.TextChoices):
    OPEN = "open", _("Awaiting decision")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    # §7 risk removal: the household stays in the records, and a new risk opens a new alert.
    REMOVED = "removed", _("Risk removed")


# An alert in one of these states is the household's alert: the nightly run adds to it, never beside it.
ACTIVE_STATES = (AlertState.OPEN, AlertState.CONFIRMED)


class Trigger(models.TextChoices):
    """The nightly triggers of §7."""

    LOW_INCOME = "low_income", _("Per-capita net income below the monitoring range")
    RIGID_EXPENDITURE = "rigid_expenditure", _("Rigid expenditure above net income")
    INCOME_DROP = "income_drop", _("Per-capita net income dropped sharply")
    GUARANTEE_FAILED = "guarantee_failed", _("A guarantee criterion fails")


class MonitoringAlert(ChoiceLabels, models.Model):
    """A household flagged for the village to look at (§7): at most one open or confirmed alert per
    household; the triggers that fired, with their values, hang below it."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey("villages.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "villages.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=AlertCategory.choices)
    state = models.CharField(_("state"), max_length=10, choices=AlertState.choices, default=AlertState.OPEN)
    year = models.PositiveSmallIntegerField(_("policy year"))
    opened_on = models.DateField(_("opened on"))
    last_triggered_on = models.DateField(_("last triggered on"))
    # Fired on its county's latest monitoring night: while it fires, the night it last fired is that
    # night (selectors.last_fired), so a quiet night writes nothing for it (issue 16). Stored
    # last_triggered_on is the night it fired last before it stopped.
    firing = models.BooleanField(_("firing"), default=False)
    run_id = models.BigIntegerField(_("nightly run"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    close_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monitoring alert")
        verbose_name_plural = _("monitoring alerts")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["village", "state", "id"], name="alert_village_state"),
            models.Index(fields=["county", "state", "id"], name="alert_county_state"),
            models.Index(fields=["-opened_on", "-id"], name="alert_latest"),  # the list, newest first
            # A county's list, newest first: through alert_latest it skipped the other counties' alerts
            # (49,000 rows read for 20 at 1,000,000 households, 14 ms).
            models.Index(fields=["county", "-opened_on", "-id"], name="alert_county_latest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(state__in=["open", "confirmed"]),
                name="alert_one_active_per_household",
            ),
            models.CheckConstraint(
                condition=~Q(state="dismissed") | ~Q(close_reason=""), name="alert_dismissal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.category} {self.state}"


class AlertTrigger(ChoiceLabels, models.Model):
    """One trigger of an alert with the values it looked at, the first and the latest night it fired (§7)."""

    alert = models.ForeignKey(
        MonitoringAlert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="triggers"
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    values = models.JSONField(_("values"), default=dict)
    policy_year = models.PositiveSmallIntegerField(_("policy year"))
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    first_on = models.DateField(_("first fired on"))
    last_on = models.DateField(_("last fired on"))
    firing = models.BooleanField(_("firing"), default=False)  # as MonitoringAlert.firing

    class Meta:
        verbose_name = _("alert trigger")
        verbose_name_plural = _("alert triggers")
        ordering = ["alert_id", "trigger"]
        constraints = [models.UniqueConstraint(fields=["alert", "trigger"], name="alerttrigger_one_per_alert")]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.trigger}"
