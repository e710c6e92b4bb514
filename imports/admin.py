from django.contrib import admin

from .models import ImportJob, Roster


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "original_name", "state", "created_by", "households_total", "error_count", "created_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]


@admin.register(Roster)
class RosterAdmin(admin.ModelAdmin):
    list_display = ["id", "original_name", "field", "state", "created_by", "created_at"]
    list_filter = ["field", "state"]
    exclude = ["entries"]
    readonly_fields = ["scope", "field", "department", "original_name", "state", "report", "applied_at", "applied_by"]
