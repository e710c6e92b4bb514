"""Dated snapshots of the household exit test (§5.2) and the record of each nightly run (§5.6).

The tables keep the names they had when these models lived in households (db_table): the move to this
app changed only the migration state (eligibility migration 0001), not the database."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households import choices as c

# The criterion codes of §5.2, in the order pages show them.
CRITERIA = ("income", "food", "clothing", "education", "medical", "housing", "water")


def held_on(day, prefix: str = "") -> models.Q:
    """The check rows that held on `day` (`prefix` to reach them through a relation, e.g. "checks__")."""
    return models.Q(**{f"{prefix}since__lte": day}) & (
        models.Q(**{f"{prefix}until__isnull": True}) | models.Q(**{f"{prefix}until__gt": day})
    )


def held_on_sql(alias: str, day: str = "%(as_of)s") -> str:
    """held_on() for raw SQL: the row `alias` held on the date bound at the placeholder `day`."""
    return f"{alias}.since <= {day} AND ({alias}.until IS NULL OR {alias}.until > {day})"


class HouseholdCheckQuerySet(models.QuerySet):
    def on(self, day) -> "HouseholdCheckQuerySet":
        """The results that held on `day`: one row per household tested by the run of that date."""
        return self.filter(held_on(day))

    def current(self) -> "HouseholdCheckQuerySet":
        """The latest result of every household still tested (live, §5.6)."""
        return self.filter(until__isnull=True)


class HouseholdCheck(models.Model):
    """The §5.2 test of one live household: per-criterion outcome and the values looked at, kept as a
    history of changes — one row per household for each stretch of nights with the same result.

    A nightly run of date D writes a row only for a household whose result differs from the one that
    held on D (or that has none): the old row gets `until = D`, the new one `since = D`. A household no
    longer tested (closed, moved to a county whose run closes it) gets `until = D`. So `on(D)` answers
    "what did the run of D say" for every household, "changed since the previous run" is the rows
    with `since` between the two dates, and a night where little changes writes little (docs/eligibility.md:
    the full rewrite of 1M rows is write-bound; the table grows with changes, not with nights).

    Written set-based by eligibility.rules.household_sql, per county; never saved one by one.
    passed: True / False / None (= missing data, which fails the test, §5.2). Exited households are
    tested too: monitoring (§7) reads their guarantee results. `eligible` matters for poor / returned
    households. Foreign keys carry no database constraint: rows are written only from existing rows in
    the same statement and households are never deleted (closed).
    """

    since = models.DateField(_("result since"))
    until = models.DateField(_("result until"), null=True, blank=True)
    run = models.ForeignKey(
        "eligibility.RecomputeRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="checks",
    )
    # Copied for splitting by county and for region figures without joins (docs/performance.md).
    county = models.ForeignKey(
        "villages.Region", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    village = models.ForeignKey(
        "villages.Region", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=c.Status.choices)
    policy_year = models.PositiveSmallIntegerField(_("policy year"))
    params_version = models.PositiveIntegerField(_("parameters version"))
    eligible = models.BooleanField(_("eligible to exit"))
    income_passed = models.BooleanField(null=True)
    food_passed = models.BooleanField(null=True)
    clothing_passed = models.BooleanField(null=True)
    education_passed = models.BooleanField(null=True)
    medical_passed = models.BooleanField(null=True)
    housing_passed = models.BooleanField(null=True)
    water_passed = models.BooleanField(null=True)
    same_year_blocked = models.BooleanField(default=False)
    # The values looked at (§5: "so any decision can be explained and replayed").
    member_count = models.PositiveSmallIntegerField(_("current members"))
    net_income = models.DecimalField(_("net income"), max_digits=14, decimal_places=2, null=True)
    per_capita_net = models.DecimalField(_("per-capita net income"), max_digits=14, decimal_places=2, null=True)
    poverty_line = models.DecimalField(_("poverty line"), max_digits=10, decimal_places=2)
    assessed_on = models.DateField(_("assessed on"), null=True)
    out_of_school = models.PositiveSmallIntegerField(_("children 6-15 out of school"), default=0)
    uninsured = models.PositiveSmallIntegerField(_("members without basic medical insurance"), default=0)
    sick_without_critical = models.PositiveSmallIntegerField(
        _("chronically or seriously ill members without critical-illness insurance"), default=0
    )
    housing_grade = models.CharField(_("housing safety grade"), max_length=1, blank=True)
    renovation = models.CharField(_("dangerous-house renovation"), max_length=12, blank=True)
    relocation = models.CharField(_("relocation"), max_length=10, blank=True)
    identification_year = models.PositiveSmallIntegerField(_("identification year"))

    objects = HouseholdCheckQuerySet.as_manager()

    # The date of the latest run that gave this result (set by eligibility.rules.reads.latest_check);
    # `since` when unknown.
    checked_on = None

    class Meta:
        db_table = "households_householdcheck"
        verbose_name = _("household exit check")
        verbose_name_plural = _("household exit checks")
        ordering = ["-since", "household_id"]
        constraints = [
            # Idempotence (§5.6): one result per household starting on a date. Also the "latest check" index.
            models.UniqueConstraint(fields=["household", "since"], name="householdcheck_one_per_day"),
        ]
        indexes = [
            # A county's results that hold (until IS NULL in the nightly case), and a run's new rows.
            models.Index(fields=["county", "until"], name="householdcheck_county_until"),
            models.Index(fields=["since", "county"], name="householdcheck_since_county"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.since}–{self.until or ''}"

    @property
    def as_of(self):
        """The date the result is reported for: the latest run that gave it."""
        return self.checked_on or self.since

    def passed(self, code: str) -> bool | None:
        return getattr(self, f"{code}_passed")


class RunState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Complete")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly schedule")
    ON_DEMAND = "on_demand", _("Started by a user")
    COMMAND = "command", _("Command line")


class RecomputeRun(models.Model):
    """One recompute of a date (§5.6): its per-county progress lives in RecomputeCounty rows."""

    as_of = models.DateField(_("as of"), db_index=True)
    policy_year = models.PositiveSmallIntegerField(_("policy year"))
    params_version = models.PositiveIntegerField(_("parameters version"))
    trigger = models.CharField(_("trigger"), max_length=10, choices=RunTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # None: the whole province; else the one county the command was asked for.
    only_county = models.ForeignKey(
        "villages.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counties_total = models.PositiveIntegerField(default=0)
    counties_done = models.PositiveIntegerField(default=0)
    counties_failed = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(_("households tested"), default=0)
    eligible = models.PositiveIntegerField(_("eligible households"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        db_table = "households_recomputerun"
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.as_of} #{self.pk}"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.counties_done / self.counties_total) if self.counties_total else 0


class RecomputeCounty(models.Model):
    """The state of one county's share of a run (§5.6: split by county, restartable)."""

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="counties")
    county = models.ForeignKey("villages.Region", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    households = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        db_table = "households_recomputecounty"
        verbose_name = _("recompute county")
        verbose_name_plural = _("recompute counties")
        ordering = ["run_id", "county__code"]
        constraints = [models.UniqueConstraint(fields=["run", "county"], name="recomputecounty_one_per_run")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.county_id} {self.state}"
