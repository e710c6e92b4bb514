"""The change history on the household page (§3, §9): who changed the household, its members, its income
records and its two no-worries assessments, when, and each field old → new.

Sources:
- django-simple-history's tables of Household, Member and Income: each version is compared with the one
  before it.
- A version with no earlier one to compare (a row written in bulk — the demo, an import — has no first
  version; or the earlier one lies beyond the window) takes its old → new from the change entry the
  audit log wrote for the same save (accounts/audit.py: the same fields, compared with the stored row).
  Only those entries of the household's own rows are read, in one query; the page never shows the
  log's other entries (views, exports), which stay for auditors (§9).
- Assessments are only ever added: each is shown with who recorded it, when and its values.

What a role may not see (§9, accounts.access): ID numbers, phones and bank accounts masked as on every
page; birth dates, health facts (illness, disability), sex and certificate type hidden as `***`; a cause of
poverty of illness, disability or "other" as "Other (incl. undisclosed)" (households.causes), and a change
between two of them is not shown (it would say that one of them is a health cause).

At most five queries whatever the number of members, years and versions (and one per village named by a
move of the household, which is rare).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from accounts import access
from accounts.masking import MASKED, mask_bank_account, mask_id_number, mask_phone
from accounts.models import AuditAction, AuditLog, User
from villages.models import Region

from .causes import CAUSE_FIELDS, cause_label
from .models import Assessment, Household, Income, Member

HISTORY_LIMIT = 50
SKIP = {"id", "created_at", "updated_at", "created_by", "county", "household"}
IDENTIFIERS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "bank_account": mask_bank_account,
}
PERSONAL = {"id_type", "sex"}  # left out of a masked editor's form too (households.forms.MEMBER_SENSITIVE)
HEALTH = {
    "has_chronic_disease",
    "has_serious_illness",
    "is_disabled",
    "disability_category",
    "disability_grade",
    "disability_certificate",
}
BIRTH = {"birth_date"}
ASSESSMENT_FIELDS = ("assessed_on", "food_secure", "clothing_secure", "note")
# An audit entry belongs to the version of the same save: written within the same transaction.
SAME_SAVE = dt.timedelta(seconds=5)


class Viewer:
    """What the reader may see (§9), asked once of accounts.access."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.sensitive = access.may_view_sensitive(user)
        self.health = access.may_view_health(user)
        self.birth = access.may_view_birth_date(user)
        self.villages: dict[Any, str] = {}

    def village(self, pk: Any) -> str:
        """A household's village by name (a move is rare: one query per village named, then remembered)."""
        if pk not in self.villages:
            self.villages[pk] = Region.objects.filter(pk=pk).values_list("name", flat=True).first() or f"#{pk}"
        return self.villages[pk]

    def shown(self, model: type[models.Model], name: str, value: Any) -> str:
        """One value as the reader may see it."""
        if value is None or value == "":
            return "—"
        if name in IDENTIFIERS and not self.sensitive:
            return IDENTIFIERS[name](str(value))
        if (name in PERSONAL and not self.sensitive) or (name in BIRTH and not self.birth):
            return MASKED
        if name in HEALTH and not self.health:
            return MASKED
        if name in CAUSE_FIELDS:
            return cause_label(value, self.user)
        if model is Household and name == "village":
            return self.village(value)
        field = _field(model, name)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value)


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # a concrete field: the history and the audit log hold no others
    return field


def _change(model: type[models.Model], viewer: Viewer, name: str, old: Any, new: Any) -> dict:
    return {
        "field": _field(model, name).verbose_name,
        "old": viewer.shown(model, name, old),
        "new": viewer.shown(model, name, new),
    }


def _changes(model: type[models.Model], viewer: Viewer, pairs: Iterable[tuple[str, Any, Any]]) -> list[dict]:
    """The changes (name, old, new) as the reader may see them. A change of a cause of poverty that reads the
    same on both sides is left out: "Other (incl. undisclosed)" → "Other (incl. undisclosed)" would say
    that the household had a health cause before or after (§9, households.causes)."""
    changes = [(name, _change(model, viewer, name, old, new)) for name, old, new in pairs]
    return [ch for name, ch in changes if name not in CAUSE_FIELDS or ch["old"] != ch["new"]]


def _fields(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.fields} - SKIP


def _versions(records, model, object_type: str, viewer: Viewer, label) -> tuple[list[dict], list[dict]]:
    """Entries from the history records (newest first), and those of them still without their changes."""
    by_object: dict[int, list] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    names = _fields(model)
    entries, unmatched = [], []
    for versions in by_object.values():
        for newer, older in zip(versions, [*versions[1:], None], strict=True):
            entry = {
                "when": newer.history_date,
                "who": newer.history_user,
                "kind": newer.history_type,
                "object": label(newer) if label else "",
                "changes": [],
                "reason": newer.history_change_reason or "",
                "key": (object_type, str(newer.id)),
            }
            if newer.history_type == "~" and older is not None:
                delta = newer.diff_against(older, excluded_fields=SKIP)
                entry["changes"] = _changes(
                    model, viewer, ((ch.field, ch.old, ch.new) for ch in delta.changes if ch.field in names)
                )
            elif newer.history_type == "~":
                unmatched.append(entry)
            entries.append(entry)
    return entries, unmatched


def _from_audit(household: Household, unmatched: list[dict], viewer: Viewer) -> None:
    """Fill the changes of versions without an earlier one from the audit log's entry of the same save
    (one query: the household's village, the rows' types and ids, the versions' time span)."""
    if not unmatched:
        return
    models_by_type = {"household": Household, "member": Member, "income": Income}
    whens = [e["when"] for e in unmatched]
    rows = AuditLog.objects.filter(
        region_id=household.village_id,
        action=AuditAction.CHANGE,
        object_type__in={e["key"][0] for e in unmatched},
        object_id__in={e["key"][1] for e in unmatched},
        at__gte=min(whens) - SAME_SAVE,
        at__lte=max(whens) + SAME_SAVE,
    ).values_list("object_type", "object_id", "at", "detail")
    saves: dict[tuple[str, str], list[tuple[dt.datetime, dict]]] = {}
    for object_type, object_id, at, detail in rows:
        changes = detail.get("changes") if isinstance(detail, dict) else None
        if isinstance(changes, dict):
            saves.setdefault((object_type, object_id), []).append((at, changes))
    for entry in unmatched:
        near = [(abs(at - entry["when"]), changes) for at, changes in saves.get(entry["key"], [])]
        near = [pair for pair in near if pair[0] <= SAME_SAVE]
        if not near:
            continue
        changes = min(near, key=lambda pair: pair[0])[1]
        model = models_by_type[entry["key"][0]]
        names = _fields(model)
        entry["changes"] = _changes(
            model,
            viewer,
            (
                (name, pair[0], pair[1])
                for name, pair in changes.items()
                if name in names and isinstance(pair, list) and len(pair) == 2
            ),
        )


def _assessments(assessments: Iterable[Assessment], viewer: Viewer) -> list[dict]:
    return [
        {
            "when": a.created_at,
            "who": a.created_by,
            "kind": "+",
            "object": _("Two no-worries assessment"),
            "changes": [_change(Assessment, viewer, name, None, getattr(a, name)) for name in ASSESSMENT_FIELDS],
            "reason": "",
        }
        for a in assessments
    ]


def change_history(household: Household, *, user: User, assessments: Iterable[Assessment] = ()) -> list[dict]:
    """The last HISTORY_LIMIT changes, newest first: {when, who, kind (+ ~ -), object, changes [{field,
    old, new}], reason}. `assessments` are the household's, already read (with created_by) by the page."""
    viewer = Viewer(user)
    newest = ("-history_date", "-history_id")
    own = household.history.select_related("history_user").order_by(*newest)[: HISTORY_LIMIT + 1]
    member_records = (
        Member.history.filter(household_id=household.pk).select_related("history_user").order_by(*newest)
    )[: HISTORY_LIMIT * 4]
    income_records = (
        Income.history.filter(household_id=household.pk).select_related("history_user").order_by(*newest)
    )[: HISTORY_LIMIT * 2]
    entries, unmatched = _versions(own, Household, "household", viewer, None)
    for records, model, object_type, label in (
        (member_records, Member, "member", lambda r: r.name),
        (income_records, Income, "income", lambda r: _("Income of %(year)s") % {"year": r.year}),
    ):
        more, missing = _versions(records, model, object_type, viewer, label)
        entries += more
        unmatched += missing
    _from_audit(household, unmatched, viewer)
    entries += _assessments(assessments, viewer)
    # A save that changed nothing (or whose change is known nowhere) is no change to show.
    entries = [e for e in entries if e["kind"] != "~" or e["changes"]]
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:HISTORY_LIMIT]
