from django.contrib import admin

from .models import AssistanceRecord, SmallLoan, Visit, VisitPhoto


@admin.register(AssistanceRecord)
class AssistanceRecordAdmin(admin.ModelAdmin):
    list_display = ["household", "category", "date", "amount", "project"]
    list_filter = ["category"]
    list_select_related = ["household", "project"]
    raw_id_fields = ["household", "member", "project", "disbursement"]


@admin.register(SmallLoan)
class SmallLoanAdmin(admin.ModelAdmin):
    list_display = ["household", "amount", "issued_on", "due_on", "extended_to", "repaid_on"]
    list_select_related = ["household"]
    raw_id_fields = ["household", "member"]


class PhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["household", "visited_on", "helper", "visitor"]
    list_select_related = ["household", "helper", "visitor"]
    raw_id_fields = ["household", "helper"]
    inlines = [PhotoInline]
