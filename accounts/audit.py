"""Change tracking for the audit log (§9: "every change (old → new) is kept in an audit log").

Each app registers its models with `track()` in its AppConfig.ready(); every create, change and delete of
a tracked row then appends one AuditLog entry — who (the acting user), what (object type, id, a short
text), where (the row's region, for the reader's scope, §1) and the values: `{"changes": {field: [old,
new]}}` for a change, `{"fields": {field: value}}` for a create or a delete, and `"reason"` when the
save carries one (`instance._change_reason`, the reason django-simple-history keeps in the row's
history: a correction of a closed year's income, households.services.income_save). The entry is written
by the save's own signal, so in the transaction of the change: a rolled-back change leaves no entry.

Who acts: the signed-in user of the request (`ActingUserMiddleware`, also for API token users, whom DRF
sets on the request), or the user named by `acting_as(user)` in a task or a command. Bulk writes
(bulk_create, bulk_update, queryset.update) send no signals: the imports write one entry per job
instead. docs/audit.md describes the log and who reads which entries.
"""

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from villages.models import Region

from . import access
from .masking import MASKED, mask_bank_account, mask_id_number, mask_phone
from .models import AuditAction, AuditLog, User

# ---------------------------------------------------------------------------------------------------
# Who acts

_acting_user: ContextVar[User | None] = ContextVar("audit_acting_user", default=None)
_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


class ActingUserMiddleware:
    """Keeps the request for the tracked saves it causes; its user is read when an entry is written, so
    a user DRF authenticates by token (after this middleware ran) is named too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Name the user of the tracked saves inside the block (Celery tasks, services run outside a request)."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def acting_user() -> User | None:
    user = _acting_user.get()
    if user is None and (request := _request.get()) is not None:
        user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


# ---------------------------------------------------------------------------------------------------
# Tracking

RegionOf = Callable[[Any], Region | int | None]


@dataclass(frozen=True)
class Tracked:
    model: type[models.Model]
    object_type: str
    region: RegionOf | None
    fields: tuple[models.Field, ...]
    redact: frozenset[str]


# object_type -> its registration, for the pages that label the entries.
TRACKED: dict[str, Tracked] = {}


def track(
    model: type[models.Model],
    *,
    object_type: str,
    region: RegionOf | None = None,
    exclude: tuple[str, ...] = ("updated_at", "created_at"),
    redact: tuple[str, ...] = (),
) -> None:
    """Audit every create, change and delete of `model` (§9). `region(instance)` gives the row's region
    (or its id) for the reader's scope; `exclude` names fields not worth an entry (timestamps, progress,
    large copies); `redact` names fields whose values are never written (a password hash)."""
    fields = tuple(
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False) and f.name not in exclude
    )
    tracked = Tracked(model, object_type, region, fields, frozenset(redact))
    TRACKED[object_type] = tracked
    uid = f"accounts.audit:{object_type}"
    pre_save.connect(partial(_before_save, tracked), sender=model, weak=False, dispatch_uid=uid)
    post_save.connect(partial(_after_save, tracked), sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(partial(_after_delete, tracked), sender=model, weak=False, dispatch_uid=uid)


def _before_save(tracked: Tracked, sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Read the stored row (one query, only the fields the save writes) to compare after the save."""
    instance.__dict__.pop("_audit_before", None)
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = [f for f in tracked.fields if update_fields is None or {f.name, f.attname} & set(update_fields)]
    if not fields:
        return
    stored = sender._base_manager.filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    instance.__dict__["_audit_before"] = (fields, stored)


def _after_save(tracked: Tracked, sender, instance, created=False, raw=False, **kwargs) -> None:
    before = instance.__dict__.pop("_audit_before", None)
    if raw:
        return
    if created:
        _write(tracked, instance, AuditAction.CREATE, {"fields": _values(tracked, instance)})
        return
    if before is None or before[1] is None:
        return
    fields, stored = before
    changes = {}
    for f in fields:
        old, new = stored[f.attname], _normalised(f, getattr(instance, f.attname))
        if old != new:
            changes[f.name] = [_json(tracked, f, old), _json(tracked, f, new)]
    if changes:
        _write(tracked, instance, AuditAction.CHANGE, {"changes": changes})


def _after_delete(tracked: Tracked, sender, instance, **kwargs) -> None:
    _write(tracked, instance, AuditAction.DELETE, {"fields": _values(tracked, instance)})


def _normalised(field: models.Field, value: Any) -> Any:
    """The value as the database gives it back ("100" typed into a DecimalField is Decimal("100.00"), so
    a change reads "3000.00 → 5000.00" like the stored side)."""
    try:
        value = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return value
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal) and value.is_finite():
        value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def _json(tracked: Tracked, field: models.Field, value: Any) -> Any:
    if field.name in tracked.redact and value not in (None, ""):
        return MASKED
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, (list, dict)):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return str(value)


def _values(tracked: Tracked, instance) -> dict[str, Any]:
    return {f.name: _json(tracked, f, getattr(instance, f.attname)) for f in tracked.fields}


def _region_id(tracked: Tracked, instance) -> int | None:
    if tracked.region is None:
        return None
    try:
        region = tracked.region(instance)
    except ObjectDoesNotExist:  # a parent deleted in the same cascade
        return None
    return region.pk if isinstance(region, Region) else region


def region_of(instance: models.Model) -> int | None:
    """The region id a row of a tracked model belongs to (its registration's `region`); None for a model
    that is not tracked or has no region. For entries written by hand about a row (an admin view)."""
    for tracked in TRACKED.values():
        if isinstance(instance, tracked.model):
            return _region_id(tracked, instance)
    return None


def _write(tracked: Tracked, instance, action: str, detail: dict) -> None:
    reason = getattr(instance, "_change_reason", None)  # django-simple-history's reason of this save
    if reason:
        detail = {**detail, "reason": str(reason)}
    AuditLog.objects.create(
        user=acting_user(),
        action=action,
        object_type=tracked.object_type,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        region_id=_region_id(tracked, instance),
        detail=detail,
    )


# ---------------------------------------------------------------------------------------------------
# Reading: labels and a readable detail

# Object types written by hand (views, exports, downloads, logins); tracked models add their own name.
OTHER_TYPES: dict[str, str | Promise] = {
    "household_list": _("Household list"),
    "report": _("Report table"),
    "export": _("Export file"),
    "import": _("Household import"),
    "dossier": _("Exit dossier"),
    "visit_photo": _("Visit photo"),
    "login": _("Login"),
    "quality_finding_list": _("Data-quality findings"),
    "audit_log": _("Audit log"),
}

# §9: what a reader who may not view personal data sees of these fields' values.
SENSITIVE_VALUES: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "bank_account": mask_bank_account,
}
# Values such a reader never sees: the health facts (the one list, access.HEALTH_MEMBER_FIELDS) and the
# birth date, which with a masked ID number and the county rebuilds the number (issue 12).
HIDDEN_VALUES = access.HEALTH_MEMBER_FIELDS | {"birth_date"}
# An ID number standing alone in free text (a filter, a search).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


def object_type_label(code: str) -> str:
    if code in TRACKED:
        return str(TRACKED[code].model._meta.verbose_name)
    if code in OTHER_TYPES:
        return str(OTHER_TYPES[code])
    if code.startswith("admin:"):
        return gettext("%(type)s (admin)") % {"type": object_type_label(code.removeprefix("admin:"))}
    return code


def object_type_choices() -> list[tuple[str, str]]:
    codes = {*TRACKED, *OTHER_TYPES}
    return sorted(((code, object_type_label(code)) for code in codes), key=lambda choice: choice[1])


def _field(object_type: str, name: str) -> models.Field | None:
    tracked = TRACKED.get(object_type)
    if tracked is None:
        return None
    try:
        field = tracked.model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _shown(field: models.Field | None, name: str, value: Any, masked: bool) -> str:
    if value is None or value == "":
        return "—"
    if masked and name in HIDDEN_VALUES:
        return MASKED
    if masked and name in SENSITIVE_VALUES:
        return SENSITIVE_VALUES[name](str(value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation:
        return f"#{value}"  # the related row's id: no query per entry
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def detail_lines(entry: AuditLog, *, masked: bool) -> list[str]:
    """The entry's detail as lines a person reads: "field: old → new" for a change, "field: value" for
    what a create or delete held, "key: value" for an entry written by hand. `masked` (§9): ID numbers,
    phones, bank accounts and health facts as a reader without "view sensitive" sees them."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    lines = []
    if isinstance(detail.get("changes"), dict):
        for name, pair in detail["changes"].items():
            field = _field(entry.object_type, name)
            label = field.verbose_name if field is not None else name
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            lines.append(f"{label}: {_shown(field, name, old, masked)} → {_shown(field, name, new, masked)}")
    elif isinstance(detail.get("fields"), dict):
        for name, value in detail["fields"].items():
            if value is None or value == "":
                continue
            field = _field(entry.object_type, name)
            label = field.verbose_name if field is not None else name
            lines.append(f"{label}: {_shown(field, name, value, masked)}")
    else:
        lines = [f"{key}: {_shown(None, key, value, masked)}" for key, value in detail.items()]
    if (isinstance(detail.get("changes"), dict) or isinstance(detail.get("fields"), dict)) and detail.get("reason"):
        lines.append(f"{gettext('Reason')}: {detail['reason']}")
    if masked:
        lines = [_ID_NUMBER.sub(lambda m: mask_id_number(m.group()), line) for line in lines]
    return lines
