"""The village cadre's registry pages (§1, §3, §9, §13): list, detail, create/edit, member change."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import may_register_households, pairing_active_q, region_for, visible_ancestors
from accounts.masking import MASKED
from accounts.models import User
from accounts.services import audit_record
from accounts.typing import AuthenticatedHttpRequest
from povertymgmt.pagination import page_of

from . import choices as c
from .forms import (
    MEMBER_SENSITIVE,
    AssessmentForm,
    HouseholdForm,
    HouseholdListFilter,
    IncomeForm,
    MemberChangeForm,
    MemberFormSet,
)
from .income import per_capita
from .models import Household, Income, Member, MemberEvent, Pairing
from .selectors import (
    household_get_for,
    household_search,
    households_for_aggregates,
    households_in_region,
    with_head_and_size,
)
from .services import household_save, member_change_record

PAGE_SIZE = 20
CENT = Decimal("0.01")


@login_required
def household_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search and filters within the scope, ordered by id, 20 a page (§1, §13)."""
    form = HouseholdListFilter(request.GET or None, user=request.user)
    qs = households_for_aggregates(request.user)
    region = None
    form.is_valid()  # an invalid filter (say, a village outside the scope) is dropped, the others still apply
    data = getattr(form, "cleaned_data", {})
    if data.get("region"):
        region = region_for(request.user, data["region"])
        qs = households_in_region(qs, region)
    if data.get("village"):
        qs = qs.filter(village_id=data["village"].pk)
    for name in ("status", "household_type", "main_cause"):
        if data.get(name):
            qs = qs.filter(**{name: data[name]})
    qs = household_search(qs, data.get("q", ""), request.user)
    # Page through ids only (index-only), then annotate just the 20 rows shown: the head and size
    # subqueries would otherwise run for every row an OFFSET skips (380 ms → ms on page 500, PostgreSQL).
    page = page_of(request, qs.order_by("id").values_list("pk", flat=True), per_page=PAGE_SIZE)
    households = with_head_and_size(
        Household.objects.filter(pk__in=list(page.object_list)).select_related("village").order_by("id")
    )
    context = {
        "form": form,
        "page": page,
        "households": households,
        "region": region,
        "breadcrumb": visible_ancestors(request.user, region) if region else [],
        "breadcrumb_link_last": True,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, "households/partials/household_table.html", context)
    return render(request, "households/household_list.html", context)


@login_required
def household_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Everything about one household (§3); personal data masked unless the role may see it (§9)."""
    household = household_get_for(request.user, number)
    members = list(household.members.order_by("id"))
    current = [m for m in members if m.is_current]
    incomes = list(household.incomes.order_by("-year"))
    for income in incomes:
        income.per_capita = per_capita(income.net, len(current))
    assessments = list(household.assessments.order_by("-assessed_on", "-id")[:20])
    today = timezone.localdate()
    pairing = (
        Pairing.objects.filter(pairing_active_q(today), household=household)
        .select_related("helper")
        .order_by("-start")
        .first()
    )
    unmasked = request.user.can_view_sensitive
    context = {
        "household": household,
        "current_members": current,
        "departed_members": [m for m in members if not m.is_current],
        "incomes": incomes,
        "assessment": assessments[0] if assessments else None,
        "assessments": assessments,
        "pairing": pairing,
        "status_events": household.status_events.select_related("created_by").order_by("-date", "-id")[:50],
        "member_events": MemberEvent.objects.filter(member__household=household)
        .select_related("member", "created_by")
        .order_by("-date", "-id")[:50],
        "history": change_history(household, unmasked=unmasked),
        "unmasked": unmasked,
        "can_edit": request.user.can_edit_households,
        "breadcrumb": visible_ancestors(request.user, household.village),
        "breadcrumb_link_last": True,
    }
    response = render(request, "households/household_detail.html", context)
    if unmasked:
        audit_record(user=request.user, action="view_sensitive", object_type="household", object_id=number)
    return response


def _editor_household(request: AuthenticatedHttpRequest, number: str | None) -> Household:
    """Only editing roles reach the forms, and only for households they can see; others get 404 (§1)."""
    if not request.user.can_edit_households:
        raise Http404
    if number is None and not may_register_households(request.user):
        raise Http404
    return household_get_for(request.user, number) if number else Household()


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: AuthenticatedHttpRequest, number: str | None = None) -> HttpResponse:
    """Create or edit a household with its members, this year's income and a new assessment (§3)."""
    user = request.user
    household = _editor_household(request, number)
    year = timezone.localdate().year
    income = (household.incomes.filter(year=year).first() if household.pk else None) or Income(year=year)
    members_qs = household.members.filter(departure="").order_by("id") if household.pk else Member.objects.none()
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, instance=household, user=user)
    # A new household starts with the head's row; further rows are added in the browser.
    initial = [{"relationship": c.Relationship.HEAD}] if not household.pk else None
    formset = MemberFormSet(data, queryset=members_qs, prefix="members", form_kwargs={"user": user}, initial=initial)
    if initial and data is None:
        formset.extra = 1
    income_form = IncomeForm(data, instance=income, prefix="income")
    assessment_form = AssessmentForm(data, prefix="assessment")
    if data is not None:
        valid = all([form.is_valid(), formset.is_valid(), income_form.is_valid(), assessment_form.is_valid()])
        if valid:
            try:
                saved = _save(user, form, formset, income_form, assessment_form)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, _("Household %(number)s saved.") % {"number": saved.number})
                return redirect("households:detail", number=saved.number)
    context = {
        "household": household,
        "form": form,
        "formset": formset,
        "income_form": income_form,
        "income_year": year,
        "assessment_form": assessment_form,
        "breadcrumb": visible_ancestors(user, household.village) if household.pk else [],
        "breadcrumb_link_last": True,
    }
    response = render(request, "households/household_form.html", context)
    if household.pk and user.can_view_sensitive:
        # The form shows identifiers unmasked, so it is an unmasked view too (§9).
        audit_record(user=user, action="view_sensitive", object_type="household", object_id=household.number)
    return response


def _save(user: User, form, formset, income_form, assessment_form) -> Household:
    """One transaction: the household service, then the join events of new members (§3.2)."""
    forms_in_use = [f for f in formset.forms if f.instance.pk or f.has_changed()]
    members = [f.instance for f in forms_in_use]
    joins = [(f.instance, f.cleaned_data.get("join_reason")) for f in forms_in_use if not f.instance.pk]
    # A new record only when some amount was given; an existing one is kept up to date.
    amounts = income_form.cleaned_data
    wanted = income_form.instance.pk or any(amounts.get(name) for name in income_form.fields)
    income = income_form.instance if wanted and income_form.has_changed() else None
    assessment = assessment_form.instance if assessment_form.cleaned_data.get("assessed_on") else None
    with transaction.atomic():
        household = household_save(
            user=user, household=form.instance, members=members, income=income, assessment=assessment
        )
        today = timezone.localdate()
        for member, reason in joins:
            if reason:
                on = member.birth_date if reason == c.MemberEventKind.BIRTH else today
                member_change_record(user=user, member=member, kind=reason, date=min(on, today))
    return household


@login_required
@require_http_methods(["GET", "POST"])
def member_change(request: AuthenticatedHttpRequest, number: str, member_id: int) -> HttpResponse:
    """Record a death, marriage out, move away or other change of a member (§3.2)."""
    household = _editor_household(request, number)
    member = get_object_or_404(household.members, pk=member_id)
    form = MemberChangeForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            member_change_record(user=request.user, member=member, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("The change of %(name)s was recorded.") % {"name": member.name})
            return redirect("households:detail", number=household.number)
    context = {
        "household": household,
        "member": member,
        "form": form,
        "breadcrumb": visible_ancestors(request.user, household.village),
        "breadcrumb_link_last": True,
    }
    return render(request, "households/member_change.html", context)


# --- Change history (django-simple-history), bounded and masked (§9). ---
HISTORY_LIMIT = 50
HISTORY_SKIP = {"id", "created_at", "created_by", "county", "household"}
SENSITIVE_HISTORY = {"phone", "bank_account", *MEMBER_SENSITIVE}


def _display(model, name: str, value, unmasked: bool) -> str:
    if name in SENSITIVE_HISTORY and not unmasked and value not in (None, ""):
        return MASKED
    if value is None or value == "":
        return "—"
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _entries(records, model, unmasked: bool, label=None) -> list[dict]:
    """Diff each historical record against the previous one of the same object within the window."""
    by_object: dict[int, list] = {}
    for record in records:  # newest first
        by_object.setdefault(record.id, []).append(record)
    entries = []
    for versions in by_object.values():
        for newer, older in zip(versions, [*versions[1:], None], strict=True):
            changes = []
            if older is not None:
                delta = newer.diff_against(older, excluded_fields=HISTORY_SKIP)
                changes = [
                    {
                        "field": model._meta.get_field(ch.field).verbose_name,
                        "old": _display(model, ch.field, ch.old, unmasked),
                        "new": _display(model, ch.field, ch.new, unmasked),
                    }
                    for ch in delta.changes
                    if ch.field in {f.name for f in model._meta.fields}
                ]
            entries.append(
                {
                    "when": newer.history_date,
                    "who": newer.history_user,
                    "kind": newer.history_type,
                    "object": label(newer) if label else "",
                    "changes": changes,
                }
            )
    return entries


def change_history(household: Household, *, unmasked: bool) -> list[dict]:
    """The last changes to the household and its members: field, old → new, who, when (two queries)."""
    own = list(household.history.select_related("history_user").order_by("-history_date", "-history_id")[:51])
    member_records = list(
        Member.history.filter(household_id=household.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: HISTORY_LIMIT * 4]
    )
    entries = _entries(own, Household, unmasked) + _entries(member_records, Member, unmasked, label=lambda r: r.name)
    # A changed record whose predecessor fell outside the window has nothing to compare: hide it.
    entries = [e for e in entries if e["kind"] != "~" or e["changes"]]
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:HISTORY_LIMIT]
