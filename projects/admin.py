from django.contrib import admin

from .models import PerformanceTarget, Project, ProjectBudget, ProjectStatusChange, PublicNotice


class BudgetInline(admin.TabularInline):
    model = ProjectBudget
    extra = 0


class TargetInline(admin.TabularInline):
    model = PerformanceTarget
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "year", "category", "status"]
    list_filter = ["status", "category", "year"]
    list_select_related = ["county"]
    search_fields = ["name"]
    readonly_fields = ["status"]
    raw_id_fields = ["beneficiary_households", "villages"]
    inlines = [BudgetInline, TargetInline]


@admin.register(ProjectStatusChange)
class ProjectStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["project", "from_status", "to_status", "at", "by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicNotice)
class PublicNoticeAdmin(admin.ModelAdmin):
    list_display = ["project", "kind", "published_on"]
