"""The village cadre's registry pages (§1, §3, §9, §13): list, detail, create/edit, member change."""

import json
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import (
    may_propose_closing,
    may_register_households,
    pairing_active_q,
    region_for,
    visible_ancestors,
)
from accounts.models import User
from accounts.services import audit_record
from accounts.typing import AuthenticatedHttpRequest
from povertymgmt.errors import apply_errors
from povertymgmt.pagination import page_of, with_rows
from villages.working_year import working_year

from . import choices as c
from .age_defaults import proposal_rules
from .causes import cause_filter_value
from .closing import REASON_FOR_EVENT
from .forms import (
    AssessmentForm,
    HouseholdForm,
    HouseholdListFilter,
    IncomeCorrectionForm,
    IncomeForm,
    MemberChangeForm,
    MemberFormSet,
    income_table,
)
from .history import change_history
from .hooks import show_after_save
from .income import per_capita
from .models import Household, Income, Member, MemberEvent, Pairing
from .selectors import (
    household_get_for,
    household_search,
    households_for_aggregates,
    households_in_region,
    list_count_from_tallies,
    with_head_and_size,
)
from .services import household_save, income_save, income_years, member_change_record

PAGE_SIZE = 20
CENT = Decimal("0.01")
# monitoring.models.AlertCategory.MARGINAL (边缘易致贫户): monitoring is a higher app, so the value is
# written here and tests/households/test_applicants.py holds the two equal.
MARGINAL_CATEGORY = "marginal"
# What households/partials/household_table.html shows of a household.
LIST_COLUMNS = ("number", "status", "household_type", "main_cause", "village__name")


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
    if data.get("main_cause"):
        data["main_cause"] = cause_filter_value(data["main_cause"], request.user)  # §9: no health filter
    for name in ("status", "household_type", "main_cause"):
        if data.get(name):
            qs = qs.filter(**{name: data[name]})
    qs = household_search(qs, data.get("q", ""), request.user)
    # Page through ids only (index-only), then annotate just the 20 rows shown: the head and size
    # subqueries would otherwise run for every row an OFFSET skips (380 ms → ms on page 500, PostgreSQL).
    page = page_of(
        request,
        qs.order_by("id").values_list("pk", flat=True),
        per_page=PAGE_SIZE,
        count=list_count_from_tallies(request.user, region, data),
    )
    # The 60 columns of a household row cost more to load than the page shows.
    with_rows(page, with_head_and_size(Household.objects.select_related("village").only(*LIST_COLUMNS)))
    context = {
        "form": form,
        "page": page,
        "households": page.object_list,
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
    assessments = list(_recent_assessments(household))
    today = timezone.localdate()
    pairing = (
        Pairing.objects.filter(pairing_active_q(today), household=household)
        .select_related("helper")
        .order_by("-start")
        .first()
    )
    unmasked = request.user.can_view_sensitive
    status_events = list(household.status_events.select_related("created_by").order_by("-date", "-id")[:50])
    context = {
        "household": household,
        "refusal": _refusal(household, status_events),
        "current_members": current,
        "departed_members": [m for m in members if not m.is_current],
        "incomes": incomes,
        "assessment": assessments[0] if assessments else None,
        "assessments": assessments,
        "pairing": pairing,
        "status_events": status_events,
        "member_events": MemberEvent.objects.filter(member__household=household)
        .select_related("member", "created_by")
        .only("date", "kind", "note", "member__name", "created_by__username")  # not the members' whole rows
        .order_by("-date", "-id")[:50],
        "unmasked": unmasked,
        "can_edit": request.user.can_edit_households and household.status != c.Status.CLOSED,  # §3.1
        "may_close": may_propose_closing(request.user) and household.status != c.Status.CLOSED,
        "breadcrumb": visible_ancestors(request.user, household.village),
        "breadcrumb_link_last": True,
    }
    response = render(request, "households/household_detail.html", context)
    _audit_unmasked_view(request.user, household)
    return response


def _recent_assessments(household: Household, *, with_author: bool = False):
    """The latest 20 assessments; the history names their authors, the page does not."""
    assessments = household.assessments.select_related("created_by") if with_author else household.assessments.all()
    return assessments.order_by("-assessed_on", "-id")[:20]


def _audit_unmasked_view(user: User, household: Household) -> None:
    """§9: a household read unmasked (its page, its history) is in the audit log, read by the auditors of
    its county and above (§1)."""
    if user.can_view_sensitive:
        audit_record(
            user=user,
            action="view_sensitive",
            object_type="household",
            object_id=household.number,
            entry_region=household.village_id,
        )


@login_required
def household_history(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The household's change history (§3.1, §9), opened from its page: read only when asked, as the
    page is opened far more often than its history (a page of its own without JavaScript)."""
    household = household_get_for(request.user, number)
    context = {
        "household": household,
        "history": change_history(
            household, user=request.user, assessments=_recent_assessments(household, with_author=True)
        ),
        "breadcrumb": visible_ancestors(request.user, household.village),
        "breadcrumb_link_last": True,
    }
    partial = request.headers.get("HX-Request") == "true"
    response = render(
        request, "households/partials/history_rows.html" if partial else "households/household_history.html", context
    )
    patch_vary_headers(response, ["HX-Request"])  # the fragment and the page share the address
    _audit_unmasked_view(request.user, household)
    return response


def _refusal(household: Household, events: list) -> object | None:
    """§6.2: the status event of a refused identification, while the household is still not poor: a
    change to not_poor from an applicant (or a not-poor household that applied again) keeps the reason."""
    latest = events[0] if events else None
    if household.status != c.Status.NOT_POOR or latest is None:
        return None
    return latest if latest.from_status in c.UNIDENTIFIED_STATUSES else None


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
    """Create or edit a household with its members, its income records by year and a new assessment (§3)."""
    user = request.user
    household = _editor_household(request, number)
    if household.status == c.Status.CLOSED and household.pk is not None:
        return _closed_refusal(request, household)
    creating = household.pk is None
    members_qs = household.members.filter(departure="").order_by("id") if household.pk else Member.objects.none()
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, instance=household, user=user)
    # A new household starts with the head's row; further rows are added in the browser.
    initial = [{"relationship": c.Relationship.HEAD}] if not household.pk else None
    formset = MemberFormSet(
        data, queryset=members_qs, prefix="members", household=household, user=user, initial=initial
    )
    if initial and data is None:
        formset.extra = 1
    income_forms = _income_forms(household, data)
    correction_form = IncomeCorrectionForm(data, prefix="income")
    assessment_form = AssessmentForm(data, prefix="assessment")
    if data is not None:
        valid = all(
            [
                form.is_valid(),
                formset.is_valid(),
                *[f.is_valid() for f in income_forms],
                correction_form.is_valid(),
                assessment_form.is_valid(),
            ]
        )
        if valid and not _correction_explained(income_forms, correction_form):
            valid = False
        if valid:
            try:
                saved = _save(user, form, formset, income_forms, correction_form, assessment_form)
            except ValidationError as e:
                apply_errors(correction_form if _about_reason(e) else form, e)
            else:
                messages.success(request, _("Household %(number)s saved.") % {"number": saved.number})
                show_after_save(request, user=user, household=saved)  # §8.2: its checks, at once
                if creating and saved.status == c.Status.NOT_POOR:
                    return redirect(_monitoring_case_url(saved))
                return redirect("households:detail", number=saved.number)
    context = {
        "household": household,
        "form": form,
        "formset": formset,
        "income_forms": income_forms,
        "income_rows": income_table(income_forms),
        "correction_form": correction_form,
        "income_errors": any(f.errors for f in income_forms) or bool(correction_form.errors),
        "marked_errors": _marked_errors(form, formset, income_forms, correction_form, assessment_form),
        "proposals": json.dumps(proposal_rules()),
        "today": timezone.localdate().isoformat(),
        "reason_shown": bool(correction_form.errors or correction_form["reason"].value() or _corrected(income_forms)),
        "working_year": working_year(),
        "assessment_form": assessment_form,
        "breadcrumb": visible_ancestors(user, household.village) if household.pk else [],
        "breadcrumb_link_last": True,
    }
    response = render(request, "households/household_form.html", context)
    if household.pk and user.can_view_sensitive:
        # The form shows identifiers unmasked, so it is an unmasked view too (§9).
        audit_record(
            user=user,
            action="view_sensitive",
            object_type="household",
            object_id=household.number,
            entry_region=household.village_id,
        )
    return response


def _monitoring_case_url(household: Household) -> str:
    """§7: a household registered as close to the line goes on to the opening of its monitoring case, with
    the category 边缘易致贫户 chosen (workflows.views.case_open reads its initial values from the query)."""
    query = urlencode({"case_type": "monitoring", "household": household.number, "category": MARGINAL_CATEGORY})
    return f"{reverse('workflows:case_open')}?{query}"


def _marked_errors(form, formset, income_forms, correction_form, assessment_form) -> bool:
    """Whether some error is shown below, at a field or above the members: "correct the fields marked
    below" then points at something (an error of the whole household shows at the top by itself)."""
    return bool(
        any(name != NON_FIELD_ERRORS for name in form.errors)
        or formset.total_error_count()
        or any(f.errors for f in income_forms)
        or correction_form.errors
        or assessment_form.errors
    )


def _income_forms(household: Household, data) -> list[IncomeForm]:
    """One form per year from the identification year to the working year, newest first (issue 13); a new
    household starts with the working year only."""
    last = working_year()
    years = reversed(income_years(household, last=last)) if household.pk else [last]
    stored = {i.year: i for i in household.incomes.all()} if household.pk else {}
    members = household.members.filter(departure="").count() if household.pk else 0
    return [
        IncomeForm(
            data,
            instance=stored.get(year) or Income(year=year),
            prefix=f"income-{year}",
            year=year,
            closed=year < last,
            members=members,
        )
        for year in years
    ]


def _correction_explained(income_forms: list[IncomeForm], correction_form: IncomeCorrectionForm) -> bool:
    """A changed closed year needs the reason (issue 13); put the error next to the reason field."""
    corrected = _corrected(income_forms)
    if corrected and not correction_form.cleaned_data.get("reason", "").strip():
        years = "、".join(str(y) for y in sorted(corrected))
        message = _("Give the reason for correcting the income of %(years)s (closed years).") % {"years": years}
        correction_form.add_error("reason", ValidationError(message, code="reason_required"))
        return False
    return True


def _corrected(income_forms: list[IncomeForm]) -> list[int]:
    """The closed years whose posted values differ from the stored ones."""
    return [f.year for f in income_forms if f.closed and f.is_bound and f.is_valid() and f.changed_values()]


def _about_reason(exc: ValidationError) -> bool:
    return hasattr(exc, "error_dict") and "reason" in exc.error_dict


def _save(user: User, form, formset, income_forms, correction_form, assessment_form) -> Household:
    """One transaction: the household service, the income records that changed, then the join events of
    new members (§3.2)."""
    forms_in_use = formset.forms_in_use()
    members = [f.instance for f in forms_in_use]
    joins = [(f.instance, f.cleaned_data.get("join_reason")) for f in forms_in_use if not f.instance.pk]
    assessment = assessment_form.instance if assessment_form.cleaned_data.get("assessed_on") else None
    correction = correction_form.cleaned_data.get("reason", "")
    if form.instance.pk is None:  # §6.2: registered as an applicant (or for monitoring), never as poor
        form.instance.status = form.registration_status()
    with transaction.atomic():
        household = household_save(user=user, household=form.instance, members=members, assessment=assessment)
        for income_form in income_forms:
            if income_form.changed_values():
                income_save(
                    user=user,
                    household=household,
                    year=income_form.year,
                    values=income_form.cleaned_data,
                    reason=correction if income_form.closed else "",
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
    if household.status == c.Status.CLOSED:
        return _closed_refusal(request, household)
    form = MemberChangeForm(
        request.POST or None, initial={"date": timezone.localdate()}, member=member, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            member_change_record(user=request.user, member=member, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("The change of %(name)s was recorded.") % {"name": member.name})
            show_after_save(request, user=request.user, household=household)  # §8.2: its checks, at once
            if form.cleaned_data.get("closing"):
                return redirect(_closing_case_url(household, form.cleaned_data["kind"]))
            return redirect("households:detail", number=household.number)
    context = {
        "household": household,
        "member": member,
        "form": form,
        "last_member": "closing" in form.fields,
        "breadcrumb": visible_ancestors(request.user, household.village),
        "breadcrumb_link_last": True,
    }
    return render(request, "households/member_change.html", context)


def _closing_case_url(household: Household, kind: str) -> str:
    """§3.1: after the last member's death or move, the opening of the household's closing case (销户) with
    its reason chosen (workflows.views.case_open reads its initial values from the query)."""
    reason = REASON_FOR_EVENT[c.MemberEventKind(kind)]
    query = urlencode({"case_type": "closing", "household": household.number, "closing_reason": reason})
    return f"{reverse('workflows:case_open')}?{query}"


def _closed_refusal(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    """§3.1: a closed household (销户) is kept and read, never edited."""
    messages.error(
        request,
        _("Household %(number)s is closed (销户): its record is kept and can no longer be edited.")
        % {"number": household.number},
    )
    return redirect("households:detail", number=household.number)
