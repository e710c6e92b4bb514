"""The ledger in the admin is read-only (§11): entries are posted and reversed through funds.services only."""

from django.contrib import admin

from .models import Allocation, Arrangement, Disbursement


class ReadOnlyLedgerAdmin(admin.ModelAdmin):
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyLedgerAdmin):
    list_display = ["date", "document_number", "source", "county", "year", "kind", "amount"]
    list_filter = ["kind", "source", "year"]
    list_select_related = ["county"]
    search_fields = ["document_number"]


@admin.register(Arrangement)
class ArrangementAdmin(ReadOnlyLedgerAdmin):
    list_display = ["date", "project", "allocation", "kind", "amount"]
    list_select_related = ["project", "allocation"]


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyLedgerAdmin):
    list_display = ["date", "arrangement", "payee", "household", "category", "kind", "amount", "override"]
    list_filter = ["kind", "payee", "override"]
    list_select_related = ["arrangement__project", "household"]
    raw_id_fields = ["household", "member"]
