"""Users, their role and region scope (§1), and the append-only audit log (§9)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VILLAGE_CLERK = "village_clerk", _("Village clerk")
    HELPER = "helper", _("Helper")
    TOWNSHIP_REVIEWER = "township_reviewer", _("Township reviewer")
    COUNTY_OFFICIAL = "county_official", _("County official")
    CITY_OFFICIAL = "city_official", _("City official")
    PROVINCE_STAFF = "province_staff", _("Province staff")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VILLAGE_CLERK)
    scope = models.ForeignKey(
        "villages.Region",
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The region whose records this user sees."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args, **kwargs):
        # A new password revokes the user's API tokens (§9): a token must not outlive the password that
        # obtained it. Compared with the stored hash, so every path that changes it is covered.
        update_fields = kwargs.get("update_fields")
        changed = False
        if self.pk is not None and (update_fields is None or "password" in update_fields):
            stored = type(self).objects.filter(pk=self.pk).values_list("password", flat=True).first()
            changed = stored is not None and stored != self.password
        super().save(*args, **kwargs)
        if changed:
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=self).delete()

    # Templates ask these; the rules are in accounts.access.
    @property
    def can_view_sensitive(self) -> bool:
        from .access import may_view_sensitive

        return may_view_sensitive(self)

    @property
    def can_edit_households(self) -> bool:
        from .access import may_edit_households

        return may_edit_households(self)


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    DELETE = "delete", _("Deleted")
    VIEW_SENSITIVE = "view_sensitive", _("Viewed personal data")
    EXPORT = "export", _("Exported")
    CHANGE = "change", _("Changed")
    LOGIN_LOCKED = "login_locked", _("Login locked after failed attempts")
    DOWNLOAD = "download", _("Downloaded a file")


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("The audit log is append-only.")

    def delete(self):  # type: ignore[override]
        raise PermissionError("The audit log is append-only.")


class AuditLog(models.Model):
    """Append-only (§9): rows are inserted, never updated or deleted (also refused by the database on PostgreSQL)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object"), max_length=50, blank=True)
    object_repr = models.CharField(_("object description"), max_length=200, blank=True)
    # The region the entry belongs to, for the reader's scope (§1); none for parameters, users, logins.
    region = models.ForeignKey(
        "villages.Region", verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]
        # An object's entries (the household page's change history, the auditor's object filter) without a
        # scan of a log that only grows.
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="auditlog_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")
