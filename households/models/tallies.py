"""Per-village tallies of the registry (issue 16): what the region pages add up instead of counting the
household and member tables on every request."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import choices as c


class Tally(models.Model):
    """Households of one status and their current members (departure blank), in some region."""

    status = models.CharField(_("poverty status"), max_length=20, choices=c.Status.choices)
    households = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class VillageTally(Tally):
    """A village's households of one status and their current members: kept on every save by
    households.tallies and rebuilt set-based by the nightly run; equal to a count of the registry (an
    equality test holds it)."""

    village = models.ForeignKey("villages.Region", on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey("villages.Region", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("village tally")
        verbose_name_plural = _("village tallies")
        constraints = [models.UniqueConstraint(fields=["village", "status"], name="villagetally_one_per_status")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.status}: {self.households}"


class CountyTally(Tally):
    """A county's households of one status and their current members: the sum of its VillageTally rows,
    kept with them by households.tallies (each recount of villages adds its difference to its counties,
    so two saves in one county at once add up, never overwrite each other). The province and city pages
    read a few rows per county instead of adding up every village (48,000 rows at 1,000,000 households)."""

    county = models.ForeignKey("villages.Region", on_delete=models.CASCADE, related_name="+")
    # Signed: a recount adds its difference, negative too, by an upsert whose row PostgreSQL checks as an
    # insert before it finds the conflict (a CHECK (households >= 0) would refuse every decrease).
    households = models.IntegerField(default=0)
    people = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("county tally")
        verbose_name_plural = _("county tallies")
        constraints = [models.UniqueConstraint(fields=["county", "status"], name="countytally_one_per_status")]

    def __str__(self) -> str:
        return f"{self.county_id} {self.status}: {self.households}"
