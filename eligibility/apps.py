from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    """Exit eligibility (§5): the policy parameters, the household exit test and the region indicators,
    the nightly run that computes them (§5.6), and its pages, API and tasks. Above the registry
    (households), below monitoring, which registers its per-county steps with eligibility.nightly."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "eligibility"

    def ready(self) -> None:
        """Audit the policy parameters (§5.1, §9); they belong to no region (docs/audit.md)."""
        from accounts.audit import track

        from .models import PolicyParameter

        track(PolicyParameter, object_type="policy_parameter")
