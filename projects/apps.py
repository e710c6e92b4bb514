from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"

    def ready(self) -> None:
        """Audit the project library (§10, §9), placed in the project's county (docs/audit.md)."""
        from accounts.audit import track

        from .models import Project

        track(Project, object_type="project", region=lambda p: p.county_id)
