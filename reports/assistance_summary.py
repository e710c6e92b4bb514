"""The assistance block of the §12 dashboards from a per-region summary (issue 16): counted assistance
records (§4) by year and category, written by the nightly run, so a province's dashboard reads its few rows
instead of adding up the whole ledger per request (0.1 s at 100,000 households, growing with the ledger).

A village's rows and, summed from them, each of its ancestors' rows, as eligibility.rules.summaries writes
the snapshot counts: set-based, a few statements, in one transaction, idempotent. The figures are those of
the latest run: a record entered (or a payment reversed) today shows on the dashboard after tonight's run
(docs/reports.md). Registered as a finish step of the run in reports/apps.py: eligibility never imports
reports.
"""

import datetime as dt

from django.db import connection, models, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from assistance.models import AssistanceRecord
from assistance.selectors import counted_assistance
from projects.choices import AssistanceCategory
from villages.models import Level, Region


class RegionAssistanceCount(models.Model):
    """Counted assistance records (assistance.selectors.counted_assistance: a reversed payment's records
    are not added up) of the households of a region, by the year of their date and category, as the latest
    nightly run counted them. A year and category without a record have no row."""

    region = models.ForeignKey("villages.Region", on_delete=models.CASCADE, db_index=False, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=20, choices=AssistanceCategory.choices)
    records = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2, default=0)

    class Meta:
        app_label = "reports"
        verbose_name = _("region assistance count")
        verbose_name_plural = _("region assistance counts")
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "category"], name="regionassistancecount_one"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.category}: {self.records}"


def assistance_summary_refresh(*, county: Region | None = None) -> None:
    """Write the rows of every village (or of one county's villages), then of every region above them.

    A one-county run before any full one writes everything: the regions above would otherwise add up
    the one county's villages only."""
    from eligibility.rules.summaries import ANCESTORS

    table, regions = RegionAssistanceCount._meta.db_table, Region._meta.db_table
    if county is not None and (county.level == Level.PROVINCE or not RegionAssistanceCount.objects.exists()):
        county = None
    records = counted_assistance(AssistanceRecord.objects.all())
    villages, scope = "", []
    if county is not None:
        records = records.filter(county=county)
        villages = f"AND region_id IN (SELECT id FROM {regions} WHERE level = 'village' AND code LIKE %s)"  # noqa: S608
        scope = [f"{county.prefix}%"]
    grouped = (
        records.order_by()
        .annotate(yr=ExtractYear("date"), place=F("village_id"))  # the record's own village (its household's)
        .values("place", "yr", "category")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    select, params = grouped.query.sql_with_params()
    ancestors = ANCESTORS.format(regions=regions)
    upper = f"SELECT id FROM {regions} WHERE level <> 'village'"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE 1 = 1 {villages}", scope)  # noqa: S608
        cursor.execute(
            f"""INSERT INTO {table} (region_id, year, category, records, amount)
                SELECT g.place, g.yr, g.category, g.n, g.total FROM ({select}) g""",  # noqa: S608
            params,
        )
        cursor.execute(f"DELETE FROM {table} WHERE region_id IN ({upper})")  # noqa: S608
        cursor.execute(
            f"""INSERT INTO {table} (region_id, year, category, records, amount)
                SELECT a.region_id, s.year, s.category, SUM(s.records), SUM(s.amount)
                FROM {table} s JOIN ({ancestors}) a ON a.village_id = s.region_id
                GROUP BY a.region_id, s.year, s.category"""  # noqa: S608
        )


def assistance_summary_step(*, as_of: dt.date, county_id: int | None, run_id: int) -> None:
    """The finish step of the nightly run (eligibility.nightly.register_finish_step): the summary of the
    run's county, or of the province. The ledger has no snapshot: the rows are of today's records."""
    county = Region.objects.get(pk=county_id) if county_id is not None else None
    assistance_summary_refresh(county=county)
