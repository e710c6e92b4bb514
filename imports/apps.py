from django.apps import AppConfig


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"

    def ready(self) -> None:
        """Audit import jobs and rosters (§13, §9), placed in their scope. Their progress and their large
        copies of the file (entries, report, result) are left out; the households and members an import
        writes in bulk are counted in one entry per job (imports.services)."""
        from accounts.audit import track

        from .models import ImportJob, Roster

        progress = ("updated_at", "created_at", "rows_done", "rows_total")
        track(ImportJob, object_type="import_job", region=lambda j: j.scope_id, exclude=(*progress, "result"))
        track(Roster, object_type="roster", region=lambda r: r.scope_id, exclude=(*progress, "entries", "report"))
