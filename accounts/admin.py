"""The Django admin, scoped like every other read (§1), read-only for auditors, and the audit log (§9).

ScopedAdmin is the base of every ModelAdmin of accounts, villages and households:
- only active staff users reach the admin at all; what they see is the selectors' scope (§1);
- auditors view and change nothing; models marked `superuser_only_writes` (households, members: their
  rules live in households.services, which the admin would bypass) are read-only for everyone else;
- changelists never count the whole table twice and never list every village in a filter.
"""

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin  # importing it registers DRF's admin of TokenProxy
from rest_framework.authtoken.models import TokenProxy

from povertymgmt import pagination

from . import access
from .authentication import expires_on
from .forms import AdminLoginForm
from .masking import MASKED, mask_id_number, mask_phone
from .models import AuditAction, AuditLog, User

# The admin's login is throttled like the login page (§9).
admin.site.login_form = AdminLoginForm

# The user of the current admin request, for display methods that only receive the object (thread-safe,
# unlike an attribute on the shared ModelAdmin instance). Unset means: mask.
_viewer: ContextVar = ContextVar("admin_viewer", default=None)


def is_admin_user(user) -> bool:
    return access.may_use_admin(user)


def sees_sensitive(user) -> bool:
    return access.may_view_sensitive_in_admin(user)


if TYPE_CHECKING:
    # The mixin's super() calls reach ModelAdmin or InlineModelAdmin: both are a BaseModelAdmin.
    _AdminBase = admin.options.BaseModelAdmin[Any]
else:
    _AdminBase = object


class ScopedPermissions(_AdminBase):
    """Permission rules shared by model admins and inlines."""

    superuser_only_writes = False

    def _may_write(self, request) -> bool:
        user = request.user
        if not access.may_write_in_admin(user):
            return False
        return user.is_superuser or not self.superuser_only_writes

    def has_module_permission(self, request) -> bool:
        return is_admin_user(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_admin_user(request.user)

    def has_add_permission(self, request, *args) -> bool:
        return self._may_write(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_write(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_write(request) and super().has_delete_permission(request, obj)


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: COUNT(*) over a million-row scope costs seconds on every page.

    Past the cap the changelist shows the cap and its pages up to it; filters and search narrow the rest.
    """

    COUNT_CAP = pagination.COUNT_CAP  # the one cap of the lists of years of rows

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        assert isinstance(queryset, QuerySet)  # the admin changelist always pages a queryset
        return queryset[: self.COUNT_CAP].count()


class ScopedAdmin(ScopedPermissions, admin.ModelAdmin):
    show_full_result_count = False  # one COUNT per page, not two, on a million rows
    list_per_page = 50
    paginator = CappedPaginator
    show_facets = admin.ShowFacets.NEVER  # a COUNT per filter choice over the whole scope: too dear at scale

    def scope(self, request, qs: QuerySet) -> QuerySet:
        """Limit to the user's scope through the selectors (§1); subclasses say how."""
        raise NotImplementedError

    def get_queryset(self, request) -> QuerySet:
        _viewer.set(request.user)
        qs = super().get_queryset(request)
        if not is_admin_user(request.user):
            return qs.none()
        return self.scope(request, qs)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404  # outside the scope looks exactly like absent (§1), as everywhere else


class SensitiveAdmin(ScopedAdmin):
    """Admins that show personal data (§9): an unmasked view by a user who may see it is audit-logged."""

    def _audit_view(self, request, object_id: str = "", obj=None) -> None:
        """The entry is placed at the row's region (a list: the viewer's scope), so the auditors of its
        county and above read it (§1, docs/audit.md)."""
        from .audit import region_of
        from .services import audit_record

        if sees_sensitive(request.user):
            region = region_of(obj) if obj is not None else None
            audit_record(
                user=request.user,
                action=AuditAction.VIEW_SENSITIVE,
                object_type=f"admin:{self.opts.model_name}",
                object_id=object_id,
                entry_region=region if region is not None else access.scope_of(request.user),
                filter=request.GET.urlencode(),
            )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200 and request.method == "GET":
            self._audit_view(request)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and request.method == "GET":
            shown = getattr(response, "context_data", None) or {}
            self._audit_view(request, str(object_id), shown.get("original"))
        return response


class ComputedAdmin(ScopedAdmin):
    """Results the system computes (checks, indicators, runs): nobody edits them in the admin."""

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ScopedInline(ScopedPermissions, admin.TabularInline):
    extra = 0

    def get_queryset(self, request) -> QuerySet:
        _viewer.set(request.user)
        return super().get_queryset(request)


def viewer_sees_sensitive() -> bool:
    user = _viewer.get()
    return user is not None and sees_sensitive(user)


def masked_id(value: str) -> str:
    return value if viewer_sees_sensitive() else mask_id_number(value)


def masked_phone(value: str) -> str:
    return value if viewer_sees_sensitive() else mask_phone(value)


@admin.register(User)
class UserAdmin(ScopedPermissions, DjangoUserAdmin):
    """Administrators see every user; other staff only the users inside their own scope."""

    show_full_result_count = False
    list_display = ("username", "first_name", "last_name", "role", "scope", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_superuser", "is_active")
    list_select_related = ("scope",)
    raw_id_fields = ("scope",)
    search_fields = ("username", "first_name", "last_name")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),  # typed Optional on ModelAdmin; Django's UserAdmin sets it
        (_("Role and scope"), {"fields": ("role", "scope")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "scope")}),
    )

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).filter(pk__in=access.users_for(request.user).values("pk"))

    def has_change_permission(self, request, obj=None) -> bool:
        return access.may_manage_users(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        return access.may_manage_users(request.user) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.may_manage_users(request.user) and super().has_delete_permission(request, obj)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Readable by auditors and administrators only, in their scope (access.audit_log_for); nobody adds,
    changes or deletes entries (§9). The page /audit/ is the auditor's own reading of the log."""

    show_full_result_count = False
    list_display = ("at", "user", "action", "object_type", "object_id", "object_repr", "region")
    list_filter = ("action",)
    list_select_related = ("user", "region")
    search_fields = ("=object_id", "=user__username")
    raw_id_fields = ("user", "region")
    readonly_fields = ("at", "user", "action", "object_type", "object_id", "object_repr", "region", "detail")
    date_hierarchy = None
    actions = None

    @staticmethod
    def _reader(request) -> bool:
        user = request.user
        return is_admin_user(user) and access.may_read_audit_log(user)

    def get_queryset(self, request) -> QuerySet:
        if not self._reader(request):
            return AuditLog.objects.none()
        return access.audit_log_for(request.user)

    def has_module_permission(self, request) -> bool:
        return self._reader(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._reader(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# DRF's token admin, kept (issue 12) but for administrators only and without the keys: its list showed
# every user's key, and a token's page, its deletion and the admin's own log name the token by its key.
# Administrators see the list here and revoke tokens on the "API 令牌" page (accounts.tokens), which lists
# every token for them too and writes the audit entry.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ApiTokenAdmin(TokenAdmin):
    list_display = ("user", "created", "expires")
    list_display_links = None
    list_filter = ()
    list_select_related = ("user",)

    @admin.display(description=_("expires"))
    def expires(self, token) -> str:
        return f"{expires_on(token):%Y-%m-%d %H:%M}"

    def _administrator(self, request) -> bool:
        return is_admin_user(request.user) and access.may_manage_users(request.user)

    def has_module_permission(self, request) -> bool:
        return self._administrator(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return obj is None and self._administrator(request)  # the list only: a token's page shows its key

    def has_add_permission(self, request) -> bool:
        return False  # a token is issued to its owner, who alone sees the key (accounts.tokens)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


__all__ = [
    "MASKED",
    "ComputedAdmin",
    "ScopedAdmin",
    "ScopedInline",
    "SensitiveAdmin",
    "masked_id",
    "masked_phone",
    "sees_sensitive",
    "viewer_sees_sensitive",
]
