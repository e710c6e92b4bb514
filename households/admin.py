"""Admin of the registry (§3), scoped through households.selectors (§1) and masked (§9).

Households and members are read-only here for everyone but superusers: their invariants (one head,
one live household per person, identity from the ID number, numbering) are enforced by
households.services, which the UI and the API call. Edit them there.
"""

from typing import ClassVar

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import region_q, scope_of
from accounts.admin import (
    ScopedAdmin,
    ScopedInline,
    SensitiveAdmin,
    masked_id,
    masked_phone,
    sees_sensitive,
    viewer_sees_sensitive,
)
from accounts.masking import mask_bank_account

from . import choices as c
from .causes import CAUSE_FIELDS, UNDISCLOSED_CAUSES, UNDISCLOSED_LABEL
from .idnumber import age_on
from .models import (
    Assessment,
    Helper,
    Household,
    Income,
    Member,
    MemberEvent,
    Pairing,
    StatusEvent,
)
from .regions import admin as regions_admin  # noqa: F401 -- autodiscovery imports only households.admin
from .selectors import household_list_for

# Personal information (§9) a user without "view sensitive" sees masked or not at all.
MEMBER_HEALTH = (
    "has_chronic_disease",
    "has_serious_illness",
    "is_disabled",
    "disability_category",
    "disability_grade",
    "disability_certificate",
)


def _swap(fields, replacements: dict[str, str | None]) -> list[str]:
    swapped = (replacements.get(f, f) for f in fields)
    return [f for f in swapped if f is not None]


def _age(member: Member) -> int | None:
    """§9: the birth date with the county and the masked ID number rebuilds the number: masked staff see
    the age in years instead (accounts.access.may_view_birth_date)."""
    return None if member.birth_date is None else age_on(member.birth_date, timezone.localdate())


def _form_fields(model) -> list[str]:
    """Every field a person would edit, in model order (not ids, timestamps or the creator)."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not f.generated and f.name != "created_by"
    ]


class HouseholdScoped(ScopedAdmin):
    """Records that belong to a household: visible when the household is (household__in the selector)."""

    raw_id_fields: ClassVar[tuple[str, ...]] = ("household",)
    list_select_related: ClassVar[tuple[str, ...]] = ("household",)
    search_fields = ("=household__number",)

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return qs.filter(household__in=household_list_for(request.user))


class MemberInline(ScopedInline):
    model = Member
    fields = ("name", "id_number_shown", "relationship", "sex", "birth_date", "departure", "departed_on")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # members join through the registry service (§3.2)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("ID number"))
    def id_number_shown(self, member: Member) -> str:
        return masked_id(member.id_number)

    def get_fields(self, request, obj=None):
        if sees_sensitive(request.user):
            return self.fields
        return _swap(self.fields, {"birth_date": "age_shown"})  # §9: the age, not the birth date

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("Age"))
    def age_shown(self, member: Member) -> int | None:
        return _age(member)


@admin.register(Household)
class HouseholdAdmin(SensitiveAdmin):
    superuser_only_writes = True
    list_display = ("number", "village", "county", "status", "household_type", "identification_year", "exit_year")
    list_select_related = ("village", "county")
    # Choice filters only: no list of every village or year value scanned per page.
    list_filter = ("status", "household_type", "identification_standard", "housing_grade")
    search_fields = ("=number",)
    raw_id_fields = ("village",)
    inlines = (MemberInline,)
    ordering = ("-id",)

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return household_list_for(request.user)  # the selector itself, so its indexes serve the changelist

    def has_add_permission(self, request) -> bool:
        return False  # households are registered through the UI or the API (numbering, head, §3)

    def get_fields(self, request, obj=None):
        fields = [*_form_fields(Household)[:2], "county", *_form_fields(Household)[2:]]
        if sees_sensitive(request.user):
            return fields
        return _swap(
            fields,
            {
                "phone": "phone_shown",
                "bank_account": "bank_account_shown",
                **{name: f"{name}_shown" for name in CAUSE_FIELDS},  # illness, disability, other (§9)
            },
        )

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ("number", "village", "county")  # the county follows the village: set by the services
        return self.get_fields(request, obj)

    @admin.display(description=_("phone"))
    def phone_shown(self, household: Household) -> str:
        return masked_phone(household.phone)

    @admin.display(description=_("bank account"))
    def bank_account_shown(self, household: Household) -> str:
        return household.bank_account if viewer_sees_sensitive() else mask_bank_account(household.bank_account)

    @staticmethod
    def _cause(value: str) -> str:
        if value in UNDISCLOSED_CAUSES and not viewer_sees_sensitive():
            return str(UNDISCLOSED_LABEL)  # one cause to a masked viewer (households.causes)
        return str(dict(c.Cause.choices).get(value, value))

    @admin.display(description=_("main cause of poverty"))
    def main_cause_shown(self, household: Household) -> str:
        return self._cause(household.main_cause)

    @admin.display(description=_("other cause 1"))
    def other_cause_1_shown(self, household: Household) -> str:
        return self._cause(household.other_cause_1)

    @admin.display(description=_("other cause 2"))
    def other_cause_2_shown(self, household: Household) -> str:
        return self._cause(household.other_cause_2)


@admin.register(Member)
class MemberAdmin(SensitiveAdmin):
    superuser_only_writes = True
    list_display = ("name", "id_number_shown", "household", "relationship", "sex", "birth_date", "departure")
    list_select_related = ("household",)
    list_filter = ("relationship", "sex", "departure")
    # Exact matches only: a LIKE over millions of names or ID numbers would scan the table.
    search_fields = ("=id_number", "=name", "=household__number")
    raw_id_fields = ("household",)
    readonly_fields = ("household", "id_number", "birth_date", "sex")

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return qs.filter(household__in=household_list_for(request.user))

    def has_add_permission(self, request) -> bool:
        return False  # members join through the registry service (§3.2)

    def get_search_results(self, request, queryset, search_term):
        """One indexed lookup by the shape of the term (as households.selectors.household_search), not an OR."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if len(term) == 18 and term[:17].isdigit():
            return queryset.filter(id_number=term.upper()), False
        if term.isdigit():
            return queryset.filter(household__number=term), False
        return queryset.filter(name__startswith=term), False

    @admin.display(description=_("ID number"))
    def id_number_shown(self, member: Member) -> str:
        return masked_id(member.id_number)

    @admin.display(description=_("Age"))
    def age_shown(self, member: Member) -> int | None:
        return _age(member)

    def get_list_display(self, request):
        if sees_sensitive(request.user):
            return self.list_display
        return _swap(self.list_display, {"birth_date": "age_shown"})

    def get_fields(self, request, obj=None):
        fields = _form_fields(Member)
        if sees_sensitive(request.user):
            return fields
        swaps = {"id_number": "id_number_shown", "birth_date": "age_shown", **dict.fromkeys(MEMBER_HEALTH)}
        return _swap(fields, swaps)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return self.get_fields(request, obj)


@admin.register(Income)
class IncomeAdmin(HouseholdScoped):
    superuser_only_writes = True
    list_display = ("household", "year", "wages", "business", "property", "transfer", "business_costs", "net")
    list_filter = ("year",)
    readonly_fields = ("transfer", "net", "rigid_expenditure")


@admin.register(Assessment)
class AssessmentAdmin(HouseholdScoped):
    list_display = ("household", "assessed_on", "food_secure", "clothing_secure")
    list_filter = ("food_secure", "clothing_secure")


@admin.register(StatusEvent)
class StatusEventAdmin(HouseholdScoped):
    superuser_only_writes = True  # status changes go through household_status_change (§3.1)
    list_display = ("household", "date", "from_status", "to_status", "reason")
    list_filter = ("to_status",)


@admin.register(Pairing)
class PairingAdmin(HouseholdScoped):
    superuser_only_writes = True  # pairings go through households.helpers (DQ11 and overlap checks, §4)
    list_display = ("household", "helper", "start", "end")
    list_select_related = ("household", "helper")
    raw_id_fields = ("household", "helper")


@admin.register(MemberEvent)
class MemberEventAdmin(ScopedAdmin):
    superuser_only_writes = True  # departures go through member_change_record (§3.2)
    list_display = ("member", "kind", "date", "note")
    list_select_related = ("member",)
    list_filter = ("kind",)
    raw_id_fields = ("member",)

    def scope(self, request, qs: QuerySet) -> QuerySet:
        return qs.filter(member__household__in=household_list_for(request.user))


@admin.register(Helper)
class HelperAdmin(SensitiveAdmin):
    """Helpers of counties in scope, and any helper paired with a household in scope."""

    superuser_only_writes = True  # kept by the county office on the helper pages (households.helpers)

    list_display = ("name", "sex", "unit", "unit_level", "post", "county", "user")
    list_select_related = ("county", "user")
    list_filter = ("unit_level", "sex")
    search_fields = ("=name", "unit")
    raw_id_fields = ("county", "user")

    def scope(self, request, qs: QuerySet) -> QuerySet:
        region = scope_of(request.user)
        if region is None:
            return qs.none()
        paired = Pairing.objects.filter(household__in=household_list_for(request.user)).values("helper_id")
        return qs.filter(region_q(region, "county") | Q(pk__in=paired))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if sees_sensitive(request.user):
            return fields
        return _swap(fields, {"id_number": None, "phone": None})
