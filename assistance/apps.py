from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assistance"

    def ready(self) -> None:
        """Audit assistance, visits and small loans (§4, §9), placed in the household's village."""
        from accounts.audit import track

        from .models import AssistanceRecord, SmallLoan, Visit

        track(AssistanceRecord, object_type="assistance_record", region=lambda r: r.household.village_id)
        track(Visit, object_type="visit", region=lambda v: v.household.village_id)
        track(SmallLoan, object_type="small_loan", region=lambda loan: loan.household.village_id)
