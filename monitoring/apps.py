import datetime as dt

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"

    def ready(self) -> None:
        """Add monitoring's county steps to the nightly run (§5.6), after each county's household test:
        first the data-quality checks (§8.2), then the monitoring triggers (§7). Registered here, so
        that monitoring imports eligibility and eligibility never imports monitoring (eligibility.nightly).
        """
        from eligibility.nightly import register_county_step
        from households.hooks import register_after_household_save

        register_county_step(quality_run_county)
        register_county_step(monitoring_run_county)
        # §8.2 "nightly and on save": a page that saves a household shows its findings at once.
        register_after_household_save(quality_after_save)


# The steps look the service up when a county runs, as the nightly run did before they were registered
# here: a replaced monitoring.services function (a test's stand-in) is the one that runs.


def quality_run_county(*, as_of: dt.date, county_id: int, run_id: int) -> None:
    """§8.2: monitoring.services.quality_run_county of the county."""
    from . import services

    services.quality_run_county(as_of=as_of, county_id=county_id, run_id=run_id)


def monitoring_run_county(*, as_of: dt.date, county_id: int, run_id: int) -> None:
    """§7: monitoring.services.monitoring_run_county of the county."""
    from . import services

    services.monitoring_run_county(as_of=as_of, county_id=county_id, run_id=run_id)


def quality_after_save(*, user, household) -> list:
    """§8.2: monitoring.on_save.quality_notes_after_save of the saved household."""
    from . import on_save

    return on_save.quality_notes_after_save(user=user, household=household)
