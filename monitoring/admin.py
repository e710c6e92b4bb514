"""Read-only admin of findings and alerts: they are computed nightly (§5.6) or changed through services."""

from django.contrib import admin

from households.selectors import in_household_regions

from .models import AlertTrigger, MonitoringAlert, QualityFinding, QualityRun


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        # The admin is scoped like every other read (§1).
        return in_household_regions(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QualityFinding)
class QualityFindingAdmin(ScopedReadOnlyAdmin):
    list_display = ["since", "until", "code", "kind", "severity", "household", "member", "village"]
    list_filter = ["code", "severity", "since"]
    list_select_related = ["household", "member", "village"]
    search_fields = ["household__number"]


class AlertTriggerInline(admin.TabularInline):
    model = AlertTrigger
    extra = 0
    can_delete = False
    readonly_fields = ["trigger", "values", "policy_year", "policy_version", "first_on", "last_on"]


@admin.register(MonitoringAlert)
class MonitoringAlertAdmin(ScopedReadOnlyAdmin):
    list_display = ["household", "village", "category", "state", "opened_on", "last_triggered_on"]
    list_filter = ["state", "category", "year"]
    list_select_related = ["household", "village"]
    search_fields = ["household__number"]
    inlines = [AlertTriggerInline]


@admin.register(QualityRun)
class QualityRunAdmin(admin.ModelAdmin):
    list_display = ["county", "as_of", "finding_count", "run_id", "finished_at"]
    list_select_related = ["county"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
