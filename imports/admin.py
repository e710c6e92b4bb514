from django.contrib import admin

from .models import ImportJob, Roster


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "original_name", "state", "created_by", "households_total", "error_count", "created_at"]
    list_filter = ["state"]
    exclude = ["file"]  # the uploaded file holds personal data unmasked (§9): never a /media/ link here
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "file"]


@admin.register(Roster)
class RosterAdmin(admin.ModelAdmin):
    list_display = ["id", "original_name", "field", "state", "created_by", "created_at"]
    list_filter = ["field", "state"]
    exclude = ["entries", "file"]  # the file goes out only through the audited page (imports:roster_file)
    readonly_fields = [
        "scope",
        "field",
        "department",
        "original_name",
        "language",
        "state",
        "rows_done",
        "rows_total",
        "message",
        "report",
        "applied_at",
        "applied_by",
    ]
