"""`manage.py seed_demo`: a reproducible demo province (issue 2, item 8; §1–§3)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.seed import DEMO_PASSWORD, has_data, seed_demo


class Command(BaseCommand):
    help = _(
        "Fill an empty database with a demo province: Liaoning's real cities and counties, synthetic townships, "
        "villages and registered households, and one demo user per role (password %(password)s). "
        "The same --seed gives the same data. It refuses to run when any region exists (there is no reset: "
        "start from an empty database); with --if-empty it then does nothing, which is what `make run` uses."
    ) % {"password": DEMO_PASSWORD}

    def add_arguments(self, parser):
        parser.add_argument(
            "--households", type=int, default=3000, help=_("Number of households (0: regions and users only).")
        )
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed; the same seed gives the same data."))
        parser.add_argument("--if-empty", action="store_true", help=_("Do nothing if the database has any region."))
        parser.add_argument("--batch", type=int, default=2000, help=_("Households written per batch."))

    def handle(self, *args, households: int, seed: int, if_empty: bool, batch: int, **options):
        if households < 0 or batch < 1:
            raise CommandError(_("--households must be 0 or more and --batch at least 1."))
        if has_data():
            if if_empty:
                self.stdout.write(_("The database already has regions: no demo data added."))
                return
            raise CommandError(
                _(
                    "The database already has regions. seed_demo only fills an empty database: use a new database, "
                    "or pass --if-empty to skip silently."
                )
            )
        started = time.monotonic()
        result = seed_demo(households=households, seed=seed, batch=batch)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(_("Demo data created in %(s).1f s.") % {"s": elapsed}))
        for name, count in result.counts.items():
            self.stdout.write(f"  {name}: {count:,}")
        self.stdout.write(_("Demo users (password %(password)s):") % {"password": DEMO_PASSWORD})
        for username, role, scope in result.users:
            self.stdout.write(f"  {username:<18} {role:<20} {scope}")
        for username in result.skipped_users:
            self.stdout.write(_("  %(username)s already existed and was left unchanged.") % {"username": username})
