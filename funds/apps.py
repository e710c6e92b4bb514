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
