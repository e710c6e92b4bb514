from django.apps import AppConfig


class FundsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funds"

    def ready(self) -> None:
        """Show what the ledger arranged to and disbursed from each project with every project the project
        library lists (§10, §11). Registered here, so that funds imports projects and projects never
        imports funds (projects.figures)."""
        from projects.figures import register_project_figures

        from .selectors import with_fund_totals

        register_project_figures(with_fund_totals)

        # Audit the ledger (§11, §9), placed in the county: entries are only ever added (reversals too).
        from accounts.audit import track

        from .models import Allocation, Arrangement, Disbursement

        track(Allocation, object_type="allocation", region=lambda a: a.county_id)
        track(Arrangement, object_type="arrangement", region=lambda a: a.allocation.county_id)
        track(Disbursement, object_type="disbursement", region=lambda d: d.arrangement.allocation.county_id)
