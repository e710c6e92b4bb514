"""Per-region summaries of the nightly run (issue 16): what the §12 dashboards add up instead of counting
the household snapshots and the status events on every request. Written set-based by
eligibility.rules.summaries at the end of each run; a village's rows and, summed from them, each of its
ancestors' rows, so a dashboard of any level reads the few rows of its own region."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from households import choices as c


class RegionSnapshotCount(models.Model):
    """Households and their people in a region's snapshot of a date (HouseholdCheck.on(as_of)), by
    status and, for poor and returned households, by main cause of poverty (every cause, as stored: the
    dashboard merges the health causes where the reader may not see them, households.causes). Other
    statuses carry cause "". Replaced whole for a date by each run of that date."""

    as_of = models.DateField(_("as of"))
    region = models.ForeignKey("villages.Region", on_delete=models.CASCADE, db_index=False, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=c.Status.choices)
    cause = models.CharField(_("main cause of poverty"), max_length=20, blank=True)
    households = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("region snapshot count")
        verbose_name_plural = _("region snapshot counts")
        constraints = [
            models.UniqueConstraint(fields=["as_of", "region", "status", "cause"], name="regionsnapshotcount_one"),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.region_id} {self.status} {self.cause}: {self.households}"


class RegionExitCount(models.Model):
    """Households and people that exited in a policy year in a region (households.exits: every exit event
    of the year, re-exits included, with the people then; undated exits by exit_year), as the latest
    nightly run counted them. Years without an exit have no row."""

    region = models.ForeignKey("villages.Region", on_delete=models.CASCADE, db_index=False, related_name="+")
    year = models.PositiveSmallIntegerField(_("policy year"))
    households = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("region exit count")
        verbose_name_plural = _("region exit counts")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="regionexitcount_one")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.households}"
