"""Writes to the registry (§3): the only place households and members are created or changed."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import may_propose_closing, may_view_sensitive
from accounts.audit import acting_as
from accounts.masking import mask_id_number
from accounts.models import User
from povertymgmt.dates import POLICY_FIRST_YEAR, check_policy_dates
from povertymgmt.errors import invalid
from villages.models import Level, Region
from villages.working_year import working_year

from . import choices as c
from .closing import REASON_FOR_EVENT
from .idnumber import normalise, parse_id_number
from .income import INCOME_ITEMS
from .models import Assessment, Household, Income, Member, MemberEvent, StatusEvent
from .selectors import household_list_for
from .tallies import tally_refresh


def household_number_next(village: Region) -> str:
    """Village code + a 4-digit sequence; call inside the transaction that inserts the household."""
    Region.objects.select_for_update().filter(pk=village.pk).first()  # serialise numbering per village
    last = Household.objects.filter(number__startswith=village.code, number__regex=r"^\d{16}$").aggregate(
        m=Max("number")
    )["m"]
    seq = int(last[12:]) + 1 if last else 1
    return f"{village.code}{seq:04d}"


def member_derive_identity(member: Member) -> None:
    """Birth date and sex come from a resident ID number, never typed twice (§3.2, §8.1)."""
    member.id_number = normalise(member.id_number)
    if member.id_type == c.IdType.RESIDENT_ID:
        info = parse_id_number(member.id_number)
        member.birth_date, member.sex = info.birth_date, info.sex


def members_check_roles(members: Iterable[Member]) -> None:
    """Exactly one head and at most one spouse among current members (§3.2, DQ03)."""
    current = [m for m in members if m.departure == ""]
    heads = sum(1 for m in current if m.relationship == c.Relationship.HEAD)
    if heads != 1:
        raise ValidationError(
            _("A household needs exactly one current head of household (it has %(n)d).") % {"n": heads}
        )
    if sum(1 for m in current if m.relationship == c.Relationship.SPOUSE) > 1:
        raise ValidationError(_("A household cannot have two spouses of the head."))


def members_check_composition(members: Iterable[Member]) -> None:
    """The roles (members_check_roles) and no ID number twice among current members (§3.2)."""
    members = list(members)
    members_check_roles(members)
    numbers = [m.id_number for m in members if m.departure == ""]
    repeated = {n for n in numbers if numbers.count(n) > 1}
    if repeated:
        raise ValidationError(_("The ID number %(id)s appears twice in this household.") % {"id": sorted(repeated)[0]})


def members_registered_elsewhere(*, household: Household, numbers: Iterable[str]) -> dict[str, Member]:
    """The current members of other households holding these ID numbers, by number (one query)."""
    others = Member.objects.filter(id_number__in=set(numbers), departure="")
    if household.pk:  # a new household has no stored members of its own to leave out
        others = others.exclude(household_id=household.pk)
    return {m.id_number: m for m in others.select_related("household")}


def members_check_unique_persons(*, user: User, household: Household, members: Iterable[Member]) -> None:
    """One person cannot be a current member of two households (§3.2); the database holds the rule too."""
    numbers = [m.id_number for m in members if m.departure == ""]
    clashes = members_registered_elsewhere(household=household, numbers=numbers)
    if clashes:
        raise ValidationError(_duplicate_person_message(user, clashes[min(clashes)]))


def _duplicate_person_message(user: User, clash: Member) -> str:
    # Name the other household only to a user who may see it (§1: no hints outside the scope), and the
    # number whole only to a user who may see ID numbers (§9).
    shown = clash.id_number if may_view_sensitive(user) else mask_id_number(clash.id_number)
    if household_list_for(user).filter(pk=clash.household_id).exists():
        return _("The person with ID number %(id)s is already a current member of household %(number)s.") % {
            "id": shown,
            "number": clash.household.number,
        }
    return _("The person with ID number %(id)s is already a current member of another household.") % {"id": shown}


def duplicate_person_field_message(user: User, clash: Member) -> str:
    """The same refusal at the member's ID number field (the form): the number is in the field, so it is
    not repeated; the other household is named only when the user may see it (§1)."""
    if household_list_for(user).filter(pk=clash.household_id).exists():
        return _("This person is already a current member of household %(number)s.") % {
            "number": clash.household.number
        }
    return _("This ID number is already registered as a current member of another household.")


def _unchanged_member_ids(members: list[Member]) -> set[int]:
    """Members whose stored values equal the given ones (one query)."""
    existing = {m.pk: m for m in members if m.pk is not None}
    if not existing:
        return set()
    fields = [f.attname for f in Member._meta.concrete_fields if f.attname not in ("updated_at",)]
    stored = Member.objects.filter(pk__in=existing).values(*fields)
    return {row["id"] for row in stored if all(getattr(existing[row["id"]], f) == row[f] for f in fields)}


@transaction.atomic
def household_save(
    *,
    user: User,
    household: Household,
    members: list[Member],
    income: Income | None = None,
    assessment: Assessment | None = None,
) -> Household:
    """Create or update a household with its members in one transaction (§3)."""
    if household.village.level != Level.VILLAGE:
        raise ValidationError(_("A household belongs to a village."))
    if household.pk is not None and household.status == c.Status.CLOSED:  # kept, never changed (§3.1)
        raise ValidationError(_closed_message(household), code="closed")
    for member in members:
        member_derive_identity(member)
    members_check_composition(members)
    members_check_unique_persons(user=user, household=household, members=members)
    creating = household.pk is None
    township = household.village.parent
    assert township is not None and township.parent is not None  # a village has its ancestry (§2)
    household.county = township.parent  # village → township → county
    if not household.number:
        household.number = household_number_next(household.village)
    if creating:
        household.created_by = user
    try:
        with transaction.atomic():
            household.save()
            unchanged = _unchanged_member_ids(members)
            for member in members:
                if member.pk in unchanged:
                    continue  # no save, so no empty history row
                member.household = household
                if member.pk is None:
                    member.created_by = user
                member.save()
    except IntegrityError as exc:
        # A concurrent request registered the same person between our check and our insert.
        if "member_one_live_household_per_person" in str(exc) or "id_number" in str(exc):
            members_check_unique_persons(user=user, household=household, members=members)
            raise ValidationError(_("One of these persons was just registered in another household.")) from exc
        if "number" in str(exc):
            raise ValidationError(
                _("Household number %(number)s is already used.") % {"number": household.number}
            ) from exc
        raise
    if creating:
        StatusEvent.objects.create(
            household=household,
            to_status=household.status,
            date=timezone.localdate(),
            reason=registration_reason(household.status),
            created_by=user,
        )
    if income is not None:
        values = {name: getattr(income, name) for name in INCOME_ITEMS}
        income_save(user=user, household=household, year=income.year, values=values)
    if assessment is not None:
        assessment.household = household
        assessment.created_by = user
        assessment.save()
    return household


def registration_reason(status: str) -> str:
    """The reason of a new household's first status event (§3.1, §6.2, docs/lifecycle-applicants.md): the
    form, the API and a clerk's import register applicants (or, on the form, a household close to the line
    recorded for monitoring); only province staff's migration import registers households as identified."""
    if status == c.Status.APPLICANT:
        return _("Registered as an applicant")
    if status == c.Status.NOT_POOR:
        return _("Registered as a household close to the poverty line (monitoring object)")
    return _("Registered")


def income_years(household: Household, *, last: int | None = None) -> range:
    """The years whose income record a household may have (issue 13): from its identification year (never
    before 2013) to the working year `last` (default: the province's, villages.working_year)."""
    first = max(household.identification_year or POLICY_FIRST_YEAR, POLICY_FIRST_YEAR)
    return range(first, (working_year() if last is None else last) + 1)


def income_check_year(household: Household, year: int, *, last: int | None = None) -> None:
    """Refuse a year outside income_years (a ValidationError on the field "year")."""
    years = income_years(household, last=last)
    if year in years:
        return
    if not years:
        raise invalid(
            "year",
            _("Household %(number)s was identified after the working year %(last)s: no income year is open yet.")
            % {"number": household.number, "last": years.stop - 1},
            "year_out_of_range",
        )
    raise invalid(
        "year",
        _(
            "The income year must be from %(first)s (the identification year) to %(last)s (the working year); "
            "%(year)s is outside."
        )
        % {"first": years.start, "last": years.stop - 1, "year": year},
        "year_out_of_range",
    )


# The reason of a correction goes into the record's history (django-simple-history keeps 100 characters).
INCOME_REASON_MAX = 100


def income_check_reason(year: int, reason: str, *, last: int) -> None:
    """A change of a closed year's income (before the working year `last`) needs its reason (issue 13)."""
    if year < last and not (reason or "").strip():
        raise invalid(
            "reason",
            _("%(year)s is a closed year: give the reason for correcting its income.") % {"year": year},
            "reason_required",
        )
    if len((reason or "").strip()) > INCOME_REASON_MAX:
        raise invalid(
            "reason",
            _("Say the reason in at most %(n)d characters.") % {"n": INCOME_REASON_MAX},
            "reason_too_long",
        )


@transaction.atomic
def income_save(*, user: User, household: Household, year: int, values: dict, reason: str = "") -> Income:
    """Create or correct the income record of one year (§3.1, issue 13), with its history.

    `values` holds the typed items (INCOME_ITEMS; an item left out is 0). The year must lie between the
    identification year and the working year. A record of a closed year (before the working year) is
    changed only with a reason, which goes into the record's history and the audit log. Nothing is
    written when the values equal the stored ones."""
    household = Household.objects.select_for_update().get(pk=household.pk)  # one writer of its incomes
    last = working_year()
    income_check_year(household, year, last=last)
    income = Income.objects.filter(household=household, year=year).first()
    creating = income is None
    if income is None:
        income = Income(household=household, year=year, created_by=user)
    amounts = {name: values.get(name) for name in INCOME_ITEMS}
    amounts = {name: Decimal(0) if value is None else Decimal(value) for name, value in amounts.items()}
    changed = [name for name, value in amounts.items() if getattr(income, name) != value]
    if not creating and not changed:
        return income
    reason = (reason or "").strip()
    income_check_reason(year, reason, last=last)
    for name, value in amounts.items():
        setattr(income, name, value)
    income.full_clean(exclude=["household", "created_by"], validate_unique=False, validate_constraints=False)
    # The reason goes into the record's history (django-simple-history) and into the one audit entry the
    # save writes (accounts.audit: old → new of each item, the reason, the household's village).
    income._change_reason = reason or None  # type: ignore[attr-defined]
    income._history_user = user  # type: ignore[attr-defined]  # and its user
    with acting_as(user):  # the entry names `user` also outside a request (a task, a command)
        income.save()
    return income


@transaction.atomic
def member_change_record(
    *,
    user: User,
    member: Member,
    kind: str,
    date: dt.date,
    note: str = "",
    new_head: Member | None = None,
    closing: bool = False,
) -> MemberEvent:
    """Record a natural member change (§3.2, §6.2): departures keep the member with the reason.

    A household is never left without a head (issue 14, docs/lifecycle-closing.md):
    - the head's departure names `new_head` among the remaining current members; their relationship
      becomes 户主 (with a dated "other" change on them). The others keep theirs, said relative to the
      old head: the clerk corrects them on the edit page (DQ04 points at an impossible one);
    - the last current member leaves only by death or moving away, with `closing=True`: the village clerk
      then opens the household's closing case (销户, households.closing), which nothing here can do.
    A closed household changes no more."""
    household = Household.objects.select_for_update().get(pk=member.household_id)  # one change at a time
    member = Member.objects.select_for_update().get(pk=member.pk)
    if household.status == c.Status.CLOSED:
        raise ValidationError(_closed_message(household), code="closed")
    if date > timezone.localdate():
        raise ValidationError(_("The date of a change cannot be in the future."))
    check_policy_dates(date=date)
    departure = c.DEPARTING_EVENTS.get(c.MemberEventKind(kind))
    if departure is None and (new_head is not None or closing):
        raise ValidationError(_("A new head or the closing goes only with a member's departure."), code="not_leaving")
    if departure is not None:
        if member.departure:
            raise ValidationError(_("This member has already left the household."))
        others = list(household.members.filter(departure="").exclude(pk=member.pk).order_by("id"))
        if not others:
            _check_last_member_leaves(user, kind, closing)
        elif closing:
            raise ValidationError(_("Other members still belong to the household: it is not closed."), code="not_last")
        if member.relationship == c.Relationship.HEAD and others:
            new_head = _check_new_head(new_head, others)
        elif new_head is not None:
            raise ValidationError(_("A new head is named only when the head leaves."), code="not_head")
        member.departure, member.departed_on = departure, date
        member.save(update_fields=["departure", "departed_on", "updated_at"])
        if new_head is not None:
            new_head.relationship = c.Relationship.HEAD
            new_head.save(update_fields=["relationship", "updated_at"])
            MemberEvent.objects.create(
                member=new_head,
                kind=c.MemberEventKind.OTHER,
                date=date,
                note=_("Became the head of household after %(name)s") % {"name": member.name},
                created_by=user,
            )
    return MemberEvent.objects.create(member=member, kind=kind, date=date, note=note, created_by=user)


def _closed_message(household: Household) -> str:
    return _("Household %(number)s is closed (销户): its record is kept and no longer changes.") % {
        "number": household.number
    }


def _check_new_head(new_head: Member | None, others: list[Member]) -> Member:
    if new_head is None:
        raise ValidationError(_("Choose a new head of household before the head leaves."), code="new_head")
    chosen = next((m for m in others if m.pk == new_head.pk), None)
    if chosen is None:
        raise ValidationError(
            _("The new head must be one of the household's remaining current members."), code="new_head"
        )
    return chosen


def _check_last_member_leaves(user: User, kind: str, closing: bool) -> None:
    """The last current member leaves only into the household's closing (销户, §3.1)."""
    if kind not in REASON_FOR_EVENT:
        raise ValidationError(
            _("The last member of a household leaves it only by death or by moving away, and the household is closed."),
            code="last_member",
        )
    if not closing:
        raise ValidationError(
            _(
                "This is the household's last member: tick “open the closing case” to record the change and "
                "close the household (销户)."
            ),
            code="last_member",
        )
    if not may_propose_closing(user):
        raise ValidationError(
            _("Only the village clerk records the last member's departure and opens the household's closing."),
            code="last_member",
        )


EXITED = (c.Status.EXITED, c.Status.EXITED_NO_POLICY)


@transaction.atomic
def household_status_change(
    *, user: User, household: Household, to_status: str, date: dt.date, reason: str, year: int | None = None
) -> StatusEvent:
    """A dated status change with who and why (§3.1). The workflows (§6.1, §6.2) call this at announcement
    with the case's policy year (default: the working year, never the calendar year). Every exit sets
    exit_year and every return return_year, a re-exit too; the event and the household's history keep
    the earlier ones, and the event records the people of the household then (§12 exits of the year)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the status change."))
    year = working_year() if year is None else year
    check_policy_dates(year=year)
    event = StatusEvent.objects.create(
        household=household,
        from_status=household.status,
        to_status=to_status,
        date=date,
        reason=reason,
        year=year,
        people=household.members.filter(departure="").count(),
        created_by=user,
    )
    household.status = to_status
    fields = ["status", "updated_at"]
    if to_status == c.Status.POOR and event.from_status in c.UNIDENTIFIED_STATUSES:
        # §6.2: the identification's announcement makes the household poor in the case's policy year.
        household.identification_year, fields = year, [*fields, "identification_year"]
    if to_status in EXITED and event.from_status not in EXITED:  # an exit, not 享受政策 → 不享受政策
        household.exit_year, fields = year, [*fields, "exit_year"]
    if to_status == c.Status.RETURNED:
        household.return_year, household.return_reason = year, reason
        fields += ["return_year", "return_reason"]
    household.save(update_fields=fields)
    if to_status == c.Status.CLOSED:
        household.members.filter(departure="").update(departure=c.Departure.OTHER, departed_on=date)
        tally_refresh([household.village_id])  # the update above sends no signal (households.tallies)
        # A closed household needs no helper: its running pairings end on the closing date (saved one by
        # one, a household has a few, so the audit log records each end).
        for pairing in household.pairings.filter(end__isnull=True, start__lte=date):
            pairing.end = date
            pairing.save(update_fields=["end", "updated_at"])
    return event
