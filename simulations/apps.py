from django.apps import AppConfig


class SimulationsConfig(AppConfig):
    """Policy simulation (issue 17): province staff ask "what if the line (a threshold, the same-year rule)
    were different?" and compare a scenario's results with the live rules' of the same date. Above
    eligibility, whose set-based statement and region rules it runs with the scenario's parameters; it
    never writes a live result or a parameter version (docs/simulations.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "simulations"

    def ready(self) -> None:
        """Audit the creation and deletion of scenarios (§9); they belong to no region (docs/audit.md)."""
        from accounts.audit import track

        from .models import Scenario

        track(
            Scenario,
            object_type="simulation",
            exclude=(
                "created_at",
                "started_at",
                "finished_at",
                "state",
                "progress",
                "error",
                "before_version",
                "households_tested",
                "eligible_before",
                "eligible_after",
                "households_changed",
                "households_gaining",
                "households_losing",
                "people_affected",
                "villages_changed",
                "counties_changed",
            ),
        )
