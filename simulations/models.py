"""Policy scenarios (issue 17) and their results, kept apart from the live results (§5.6).

A scenario is a policy year, an as-of date and a full set of parameters: the live version of the year
copied when the scenario was created, with the province's changes. Its run writes only the tables of
this module: the households whose exit eligibility (§5.2) differs between the live parameters and the
scenario's, and every region's projected incidence and exit eligibility (§5.3–§5.5) under both.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from eligibility.models import RunState
from households import choices as c
from villages.models import Level

# The §5.2 criteria a parameter can change (the others look at no parameter), and the same-year rule.
DIFFERENCES = ("income", "same_year")


class Scenario(models.Model):
    name = models.CharField(_("name"), max_length=100)
    policy_year = models.PositiveSmallIntegerField(_("policy year"))
    as_of = models.DateField(_("as of"))
    # Every simulated parameter by name, as strings (Decimals keep their digits): the scenario's values.
    parameters = models.JSONField(_("parameters"), default=dict)
    # The live version of the year the parameters were copied from, and what the scenario changed.
    base_version = models.PositiveIntegerField(_("copied from parameters version"))
    base_parameters = models.JSONField(_("live parameters"), default=dict)
    overrides = models.JSONField(_("changed parameters"), default=dict)
    # The live version the run compared with ("before"), read when it ran.
    before_version = models.PositiveIntegerField(_("compared with parameters version"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    # The summary of a finished run (§5.2: eligibility matters for poor and returned households).
    households_tested = models.PositiveIntegerField(_("households tested"), default=0)
    eligible_before = models.PositiveIntegerField(_("eligible households before"), default=0)
    eligible_after = models.PositiveIntegerField(_("eligible households after"), default=0)
    households_changed = models.PositiveIntegerField(_("households changed"), default=0)
    households_gaining = models.PositiveIntegerField(_("households gaining eligibility"), default=0)
    households_losing = models.PositiveIntegerField(_("households losing eligibility"), default=0)
    people_affected = models.PositiveIntegerField(_("people affected"), default=0)
    villages_changed = models.PositiveIntegerField(_("villages changed"), default=0)
    counties_changed = models.PositiveIntegerField(_("counties changed"), default=0)

    class Meta:
        verbose_name = _("policy scenario")
        verbose_name_plural = _("policy scenarios")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="scenario_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.policy_year})"

    @property
    def is_finished(self) -> bool:
        return self.state in (RunState.DONE, RunState.FAILED)


class HouseholdResult(models.Model):
    """A poor or returned household whose exit eligibility differs under the scenario's parameters:
    the facts that made the difference (per-capita income, the criteria failing before and after)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="households")
    # No database constraint: written set-based from existing rows; households are never deleted (closed).
    household = models.ForeignKey(
        "households.Household", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    county = models.ForeignKey(
        "villages.Region", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    village = models.ForeignKey(
        "villages.Region", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=c.Status.choices)
    member_count = models.PositiveSmallIntegerField(_("current members"))
    per_capita_net = models.DecimalField(_("per-capita net income"), max_digits=14, decimal_places=2, null=True)
    eligible_before = models.BooleanField(_("eligible before"))
    eligible_after = models.BooleanField(_("eligible after"))
    # The §5.2 criteria failing (codes separated by spaces; "same_year": blocked by the same-year rule).
    failing_before = models.CharField(_("failing before"), max_length=120, blank=True)
    failing_after = models.CharField(_("failing after"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("simulated household")
        verbose_name_plural = _("simulated households")
        ordering = ["scenario_id", "county_id", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "household"], name="simulatedhousehold_one_per_scenario"),
        ]
        indexes = [models.Index(fields=["scenario", "county", "household"], name="simhousehold_county")]

    def __str__(self) -> str:
        return f"{self.scenario_id} {self.household_id}"

    @property
    def failing_before_list(self) -> list[str]:
        return self.failing_before.split()

    @property
    def failing_after_list(self) -> list[str]:
        return self.failing_after.split()

    @property
    def criteria_changed(self) -> list[str]:
        """The criteria (and the same-year rule) that pass on one side and fail on the other."""
        before, after = set(self.failing_before_list), set(self.failing_after_list)
        return [code for code in DIFFERENCES if (code in before) != (code in after)]

    @property
    def gains(self) -> bool:
        return self.eligible_after and not self.eligible_before


class RegionResult(models.Model):
    """A region's projected incidence (§5.3: the remaining poor if every household eligible to exit
    exited) and exit eligibility (§5.4 villages, §5.5 counties) under the live and the scenario's
    parameters. Percentages as percent numbers (2.50 = 2.50 %); None where undefined. Kept for the
    province, cities and counties, and for the townships and villages that change."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="regions")
    region = models.ForeignKey("villages.Region", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    rural_population = models.PositiveIntegerField(_("rural registered population"), null=True)
    remaining_before = models.PositiveIntegerField(_("remaining poor people before"), default=0)
    remaining_after = models.PositiveIntegerField(_("remaining poor people after"), default=0)
    incidence_before = models.DecimalField(max_digits=9, decimal_places=4, null=True)
    incidence_after = models.DecimalField(max_digits=9, decimal_places=4, null=True)
    eligible_households_before = models.PositiveIntegerField(default=0)
    eligible_households_after = models.PositiveIntegerField(default=0)
    exit_eligible_before = models.BooleanField(null=True)
    exit_eligible_after = models.BooleanField(null=True)
    failing_before = models.JSONField(default=list)
    failing_after = models.JSONField(default=list)
    changed = models.BooleanField(_("changed"), default=False)
    # §7: exited households whose net income lies below the monitoring range (the low-income trigger),
    # with each side's line and multiplier; counties and above only.
    below_range_before = models.PositiveIntegerField(
        _("exited households below the monitoring range before"), null=True
    )
    below_range_after = models.PositiveIntegerField(_("exited households below the monitoring range after"), null=True)

    class Meta:
        verbose_name = _("simulated region")
        verbose_name_plural = _("simulated regions")
        ordering = ["scenario_id", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "region"], name="simulatedregion_one_per_scenario"),
        ]
        indexes = [models.Index(fields=["scenario", "level", "changed"], name="simregion_level_changed")]

    def __str__(self) -> str:
        return f"{self.scenario_id} {self.region_id}"
