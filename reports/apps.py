from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self) -> None:
        """Add the dashboards' assistance summary to the end of the nightly run (issue 16). Registered
        here, so that reports imports eligibility and eligibility never imports reports
        (eligibility.nightly)."""
        from eligibility.nightly import register_finish_step

        from .assistance_summary import assistance_summary_step

        register_finish_step(assistance_summary_step)
