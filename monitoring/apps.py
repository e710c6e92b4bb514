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

        register_county_step(quality_run_county)
        register_county_step(monitoring_run_county)


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
