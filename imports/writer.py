"""Writes a batch of validated households (§3, §13): bulk inserts and updates with their history.

household_save() is the rule book for one household; this module applies the same rules to a batch
without a save() per row: county = village.parent.parent, a number (village code + 4-digit sequence)
when the file gives none, birth date and sex from the ID number (done by the validator), a StatusEvent
for every new household, and a historical record for every row written."""

from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from households import choices as c
from households.models import Household, Member, StatusEvent
from povertymgmt.copy import copy_in
from villages.models import Region

from . import copy
from .xlsx.validate import HouseholdPlan, Layout, MemberPlan

# bulk_update writes one CASE per field with a WHEN per row, evaluated for every row: quadratic in the
# batch size, so updates go in small batches.
UPDATE_BATCH = 100
H_FIELDS = {f.name: f for f in Household._meta.concrete_fields}
M_FIELDS = {f.name: f for f in Member._meta.concrete_fields}


class Numbering:
    """Household numbers for new households: above both the database's and the file's highest (§3.1)."""

    def __init__(self, file_max: dict[str, int]):
        self.file_max = file_max
        self.last: dict[str, int] = {}

    def assign(self, plans: list[HouseholdPlan]) -> None:
        needing = [p for p in plans if p.target_id is None and not p.number]
        if not needing:
            return
        codes = {p.village_code for p in needing}
        list(Region.objects.select_for_update().filter(code__in=codes).values_list("pk"))  # as household_save
        for code in codes:
            top = Household.objects.filter(
                number__gte=code + "0000", number__lte=code + "9999", number__regex=r"^\d{16}$"
            ).aggregate(m=Max("number"))["m"]
            self.last[code] = max(int(top[12:]) if top else 0, self.file_max.get(code, 0), self.last.get(code, 0))
        for plan in needing:
            self.last[plan.village_code] += 1
            plan.number = f"{plan.village_code}{self.last[plan.village_code]:04d}"


def _value(fields_map, name, value):
    return fields_map[name].get_default() if value is None else value


def _household_values(plan: HouseholdPlan) -> dict:
    values = {name: _value(H_FIELDS, name, v) for name, v in plan.fields.items() if name not in ("number", "village")}
    values["village_id"], values["county_id"] = plan.village_id, plan.county_id
    return values


def _present(fields: dict) -> dict:
    """The typed values of a new row; empty cells take the column defaults already in the base row."""
    return {name: v for name, v in fields.items() if v is not None}


def _member_values(member) -> dict:
    return {name: _value(M_FIELDS, name, v) for name, v in member.fields.items()}


def _zero() -> dict:
    return {"created": 0, "updated": 0, "members_created": 0, "members_updated": 0, "clashes": []}


def write_batch(
    *,
    user: User,
    plans: list[HouseholdPlan],
    layout: Layout,
    reason: str,
    numbering: Numbering,
    status: str = c.Status.APPLICANT,
) -> dict:
    """Write whole households, one transaction for the batch; on a clash, one transaction per household.
    New households get `status` (ImportJob.new_status: applicants, or poor in province staff's migration)."""
    counts = _zero()
    if not plans:
        return counts
    try:
        with transaction.atomic():
            _write(user, plans, layout, reason, numbering, counts, status)
        return counts
    except IntegrityError:
        pass  # another writer registered one of these persons or numbers meanwhile: find which
    return _one_by_one(user, plans, layout, reason, numbering, status)


def _one_by_one(user, plans, layout, reason, numbering, status) -> dict:
    counts = _zero()
    for plan in plans:
        try:
            with transaction.atomic():
                _write(user, [plan], layout, reason, numbering, counts, status)
        except IntegrityError:
            counts["clashes"].append(plan.key)
    return counts


# Columns known only at the commit; the others are made into COPY text once, in the dry run.
H_LATER = ("number", "village_id", "county_id", "status", "created_by_id", "created_at", "updated_at")
M_LATER = ("household_id", "created_by_id", "created_at", "updated_at")
HISTORY = ("history_date", "history_change_reason", "history_type", "history_user_id")


def prerender(plans: list[HouseholdPlan]) -> None:
    """The COPY text of every row's columns that come from the file (PostgreSQL), kept on the plans:
    made once for the row and its historical record, and by the caller's thread while the writer
    thread sends the previous batch."""
    if connection.vendor != "postgresql":
        return
    households = copy.field_lines(Household, [p.fields for p in plans], H_LATER)
    members = iter(copy.field_lines(Member, [m.fields for p in plans for m in p.members], M_LATER))
    for plan, line in zip(plans, households, strict=True):
        plan.csv = line
        for member in plan.members:
            member.csv = next(members)


def prepare_batch(
    *,
    user: User,
    plans: list[HouseholdPlan],
    layout: Layout,
    reason: str,
    numbering: Numbering,
    status: str = c.Status.APPLICANT,
) -> Callable[[], dict] | None:
    """The write of a batch with its COPY text made now, so that only sending it is left (PostgreSQL).

    Only for a batch of new households that carry their numbers and their pre-rendered rows: one that
    updates households or needs numbers reads the database inside its transaction, and write_batch
    does it (None is returned)."""
    if connection.vendor != "postgresql" or not plans:
        return None
    for p in plans:
        if p.target_id is not None or not p.csv or not p.number.isdigit():
            return None
        if any(m.target_id or not m.csv for m in p.members):
            return None
    when = timezone.now().isoformat()
    today = timezone.localdate().isoformat()
    by, why = user.pk, copy.csv_field(reason)
    why_event = event_reason(reason, status)
    h_ids = copy.reserve_ids(Household, len(plans))
    m_ids = iter(copy.reserve_ids(Member, sum(len(p.members) for p in plans)))
    rows, history, m_rows, m_history = [], [], [], []
    for plan, pk in zip(plans, h_ids, strict=True):
        line = f"{pk},{plan.csv},{plan.number},{plan.village_id},{plan.county_id},{status},{by},{when}"
        rows.append(f"{line},{when}\n")
        history.append(f"{line},{when},{why},+,{by}\n")
        for member in plan.members:
            line = f"{next(m_ids)},{member.csv},{pk},{by},{when}"
            m_rows.append(f"{line},{when}\n")
            m_history.append(f"{line},{when},{why},+,{by}\n")
    h_columns = ["id", *copy.field_columns(Household, H_LATER), *H_LATER]
    m_columns = ["id", *copy.field_columns(Member, M_LATER), *M_LATER]
    e_base = copy.defaults(StatusEvent)
    events = [
        {**e_base, "household_id": pk, "to_status": status, "date": today, "reason": why_event}
        | {"created_by_id": by, "created_at": when, "updated_at": when}
        for pk in h_ids
    ]
    copies = [
        (copy.copy_sql(Household, h_columns), "".join(rows)),
        (copy.copy_sql(Household.history.model, [*h_columns[:-1], *HISTORY]), "".join(history)),
        copy.render(StatusEvent, events, None),
        (copy.copy_sql(Member, m_columns), "".join(m_rows)),
        (copy.copy_sql(Member.history.model, [*m_columns[:-1], *HISTORY]), "".join(m_history)),
    ]
    members = sum(len(p.members) for p in plans)
    counts = {**_zero(), "created": len(plans), "members_created": members}

    def write() -> dict:
        try:
            with transaction.atomic():
                for sql, data in copies:
                    copy_in(sql, data)
            return counts
        except IntegrityError:
            return _one_by_one(user, plans, layout, reason, numbering, status)  # as write_batch, fresh ids

    return write


def _write(user, plans, layout, reason, numbering, counts, status) -> None:
    now = timezone.now()
    # Batches are committed durably (no synchronous_commit off): a cadre told "imported" must never lose
    # households to a crash, even though re-importing would repair it.
    numbering.assign(plans)
    new_plans = [p for p in plans if p.target_id is None]
    old_plans = [p for p in plans if p.target_id is not None]

    when = now.isoformat()  # COPY reads text: format the shared timestamp once, not per row
    stamp = {"created_by_id": user.pk, "created_at": when, "updated_at": when}
    h_base = copy.defaults(Household)
    created = [
        {
            **h_base,
            **_present(p.fields),
            "village_id": p.village_id,
            "county_id": p.county_id,
            "number": p.number,
            "status": status,
            **stamp,
        }
        for p in new_plans
    ]
    for row in created:
        row.pop("village", None)  # the code; the row holds village_id
    new_ids = copy.insert(Household, created)
    if created:
        copy.insert(
            Household.history.model,
            copy.history_rows(Household, created, new_ids, user_id=user.pk, reason=reason, when=when),
            with_ids=False,
        )
        e_base = copy.defaults(StatusEvent)
        today = timezone.localdate().isoformat()
        copy.insert(
            StatusEvent,
            [
                {
                    **e_base,
                    "household_id": pk,
                    "to_status": status,
                    "date": today,
                    "reason": event_reason(reason, status),
                    **stamp,
                }
                for pk in new_ids
            ],
            with_ids=False,
        )
    # Local, not on the plan: a rolled-back batch is retried household by household with the same plans.
    ids = {p.key: p.target_id for p in old_plans}
    ids.update({p.key: pk for p, pk in zip(new_plans, new_ids, strict=True)})
    if old_plans:
        fields = sorted((layout.h_present - {"number", "village"}) | {"village", "county", "updated_at"})
        instances = Household.objects.in_bulk([p.target_id for p in old_plans])
        for plan in old_plans:
            household = instances[plan.target_id]
            for name, value in _household_values(plan).items():
                setattr(household, name, value)
            household.updated_at = now
        _update(user, Household, instances, fields, reason, when)

    new_members: list[tuple[HouseholdPlan, MemberPlan]] = []
    old_members: list[tuple[HouseholdPlan, MemberPlan]] = []
    for plan in plans:
        for member in plan.members:
            (old_members if member.target_id else new_members).append((plan, member))
    if new_members:
        m_base = copy.defaults(Member)
        rows = [{**m_base, **_present(m.fields), "household_id": ids[p.key], **stamp} for p, m in new_members]
        member_ids = copy.insert(Member, rows)
        copy.insert(
            Member.history.model,
            copy.history_rows(Member, rows, member_ids, user_id=user.pk, reason=reason, when=when),
            with_ids=False,
        )
    if old_members:
        fields = sorted((layout.m_present - {"household"}) | {"birth_date", "sex", "id_type", "updated_at"})
        member_instances = Member.objects.in_bulk([m.target_id for _p, m in old_members])
        for _plan, member in old_members:
            obj = member_instances[member.target_id]
            for name, value in _member_values(member).items():
                setattr(obj, name, value)
            obj.updated_at = now
        _update(user, Member, member_instances, fields, reason, when)
    counts["created"] += len(created)
    counts["updated"] += len(old_plans)
    counts["members_created"] += len(new_members)
    counts["members_updated"] += len(old_members)


def _update(user, model, instances: dict, fields: list[str], reason: str, when: str) -> None:
    """Write changed rows and their "~" historical records."""
    objs = list(instances.values())
    if connection.vendor != "postgresql":
        bulk_update_with_history(
            objs, model, fields, batch_size=UPDATE_BATCH, default_user=user, default_change_reason=reason
        )
        return
    rows = [copy.row_of(obj) for obj in objs]
    columns = [model._meta.get_field(name).attname for name in fields]
    copy.update(model, rows, columns)
    history = copy.history_rows(
        model, rows, [r["id"] for r in rows], user_id=user.pk, reason=reason, when=when, kind="~"
    )
    copy.insert(model.history.model, history, with_ids=False)


def reason_for(job_id: int) -> str:
    return _("Imported from file (import #%(id)s)") % {"id": job_id}


def event_reason(reason: str, status: str) -> str:
    """The first status event of an imported household says what it was imported as (§6.2)."""
    if status == c.Status.POOR:
        return _("%(reason)s, imported as identified") % {"reason": reason}
    return _("%(reason)s, registered as an applicant") % {"reason": reason}
