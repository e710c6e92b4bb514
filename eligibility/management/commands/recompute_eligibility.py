"""`manage.py recompute_eligibility [--as-of YYYY-MM-DD] [--county CODE]`: the nightly run (§5.6),
synchronously in this process, with the same code as the Celery tasks.

Without --as-of it evaluates the working year Y as of min(today, 31 December Y), as the nightly
schedule does (villages.working_year); --as-of fixes both: the date, and its year as the policy year."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from eligibility.models import RunState
from eligibility.rules.run import recompute_sync
from villages.models import Level, Region


class Command(BaseCommand):
    help = _("Recompute household exit checks and region indicators for a date.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help=_("date YYYY-MM-DD, evaluated for its own year (default: the working year as of its policy date)"),
        )
        parser.add_argument("--county", help=_("12-digit code of one county (default: the whole province)"))

    def handle(self, *args, **options):
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else None
        except ValueError as exc:
            raise CommandError(_("--as-of must be a date YYYY-MM-DD")) from exc
        county = None
        if options["county"]:
            county = Region.objects.filter(code=options["county"], level=Level.COUNTY).first()
            if county is None:
                raise CommandError(_("No county with code %(code)s") % {"code": options["county"]})
        started = time.monotonic()
        run = recompute_sync(as_of=as_of, county=county)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"run {run.pk} of {run.policy_year} as of {run.as_of}: {run.state}, "
            f"{run.counties_done}/{run.counties_total} counties, "
            f"{run.households} households, {run.eligible} eligible, {seconds:.1f} s"
        )
        if run.state != RunState.DONE:
            for row in run.counties.filter(state=RunState.FAILED).select_related("county"):
                self.stderr.write(_("County %(code)s failed:") % {"code": row.county.code} + "\n" + row.error)
            raise CommandError(_("The run did not complete; run the command again to finish it."))
