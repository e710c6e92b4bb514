from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self) -> None:
        """Audit the changes of users and of the region figures, targets and working years (§9, docs/audit.md):
        villages lies below accounts, so accounts registers its models."""
        from villages.models import AnnualTarget, RegionYear, WorkingYear

        from .audit import track
        from .models import User

        track(User, object_type="user", exclude=("last_login", "date_joined"), redact=("password",))
        track(RegionYear, object_type="region_year", region=lambda r: r.region_id)
        track(AnnualTarget, object_type="annual_target", region=lambda t: t.region_id)
        track(WorkingYear, object_type="working_year")
