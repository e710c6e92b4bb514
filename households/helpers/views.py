"""Pages of helpers, pairings and work teams (§1, §3, issue 14). Reads go through the scoped selectors (404
outside the scope); who may write is asked of accounts.access (403 for a role that may not, inside it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.typing import AuthenticatedHttpRequest
from povertymgmt.errors import apply_errors
from povertymgmt.pagination import page_of, with_rows
from villages.models import Level

from ..models import Helper, Pairing, WorkTeamMember
from ..selectors import household_get_for, household_list_for
from .forms import HelperForm, HouseholdsPairForm, PairingEndForm, PairingForm, WorkTeamMemberForm
from .selectors import (
    helper_get_for,
    helper_list_for,
    helpers_for_household,
    pairing_get_for,
    pairing_list_for,
    team_member_get_for,
    with_paired_count,
    work_team_of,
)
from .services import helper_save, pairing_create, pairing_end, pairings_create, team_member_save

PAGE_SIZE = 50


@login_required
def helper_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """§1: the helpers of the user's counties (or county), with the households of the scope each is paired
    with today; ?region= narrows to a region's counties, ?q= to names beginning with it."""
    user = request.user
    if access.helper_q(user) is None:
        raise Http404
    qs = helper_list_for(user)
    region = access.region_for(user, request.GET["region"]) if request.GET.get("region") else None
    if region is not None and region.level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        qs = qs.filter(access.county_in_region_q(region, "county"))
    term = request.GET.get("q", "").strip()
    if term:
        qs = qs.filter(name__startswith=term)
    # Page through helper ids, then count the pairings of the 50 shown: counted for every helper of the
    # scope before the sort, the province's list (186,000 helpers, 1,000,000 pairings) took 1.9 s. The
    # helpers are counted up to the cap, as the other long lists: the province's COUNT took 18 ms a page.
    ids = qs.order_by("name", "id").values_list("pk", flat=True)
    page = page_of(request, ids, per_page=PAGE_SIZE, capped=qs)
    with_rows(page, with_paired_count(Helper.objects.select_related("county"), user))
    scope = access.scope_of(user)
    context = {
        "page": page,
        "region": region,
        "q": term,
        "can_add": scope is not None and access.may_manage_helpers(user, scope) and scope.level == Level.COUNTY,
        "breadcrumb": access.visible_ancestors(user, region) if region else [],
    }
    return render(request, "households/helper_list.html", context)


def _holding_today(rows: list[Pairing] | list[WorkTeamMember]) -> set[int]:
    """The ids of the pairings or postings that hold today (started, not yet ended, §3)."""
    today = timezone.localdate()
    return {r.pk for r in rows if r.start <= today and (r.end is None or r.end >= today)}


@login_required
def helper_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One helper and their pairings with the households the user sees: current, then ended (§3)."""
    user = request.user
    helper = helper_get_for(user, pk)
    pairings = list(
        pairing_list_for(user).filter(helper=helper).select_related("household__village").order_by("-start", "-id")
    )
    holding = _holding_today(pairings)
    current = [p for p in pairings if p.pk in holding]
    context = {
        "helper": helper,
        "current": current,
        "others": [p for p in pairings if p not in current],
        "can_edit": access.may_manage_helpers(user, helper.county),
        "can_pair": access.may_pair_households(user),
        "breadcrumb": access.visible_ancestors(user, helper.county),
    }
    return render(request, "households/helper_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def helper_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """§1: the county office adds a helper to its county or corrects one."""
    user = request.user
    if pk is None:
        scope = access.scope_of(user)
        if scope is None or scope.level != Level.COUNTY or not access.may_manage_helpers(user, scope):
            raise Http404
        helper = Helper(county=scope)
    else:
        helper = helper_get_for(user, pk)
        if not access.may_manage_helpers(user, helper.county):
            raise PermissionDenied
    form = HelperForm(request.POST or None, instance=helper, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = helper_save(user=user, helper=form.save(commit=False))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Helper %(name)s saved.") % {"name": saved.name})
            return redirect("households:helper_detail", pk=saved.pk)
    context = {"form": form, "helper": helper, "breadcrumb": access.visible_ancestors(user, helper.county)}
    return render(request, "households/helper_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def helper_pair(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """§3: pair one helper with several households of the scope, by their numbers, from one date."""
    user = request.user
    helper = helper_get_for(user, pk)
    if not access.may_pair_households(user):
        raise PermissionDenied
    form = HouseholdsPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        numbers = form.cleaned_data["households"]
        found = {h.number: h for h in household_list_for(user).filter(number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            message = _("No household of your scope has the number %(numbers)s.") % {"numbers": "、".join(missing)}
            form.add_error("households", ValidationError(message, code="not_in_scope"))
        else:
            try:
                households = [found[n] for n in numbers]
                pairings_create(user=user, helper=helper, households=households, start=form.cleaned_data["start"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                text = _("%(name)s is paired with %(count)d households.") % {"name": helper.name, "count": len(numbers)}
                messages.success(request, text)
                return redirect("households:helper_detail", pk=helper.pk)
    context = {"form": form, "helper": helper, "breadcrumb": access.visible_ancestors(user, helper.county)}
    return render(request, "households/helper_pair.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_pairing(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """§3, DQ11: a household's helpers, current and past, and the form that pairs it with a helper of its
    county (安排帮扶责任人): where the data-quality list and the follow-up list send the clerk."""
    user = request.user
    household = household_get_for(user, number)
    can_pair = access.may_pair_households(user)
    if request.method == "POST" and not can_pair:
        raise PermissionDenied
    form = PairingForm(request.POST or None, helpers=helpers_for_household(user, household)) if can_pair else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            pairing_create(user=user, household=household, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            params = {"number": number, "name": form.cleaned_data["helper"].name}
            messages.success(request, _("Household %(number)s is paired with %(name)s.") % params)
            return redirect("households:pairing", number=household.number)
    pairings = list(household.pairings.select_related("helper").order_by("-start", "-id"))
    context = {
        "household": household,
        "pairings": pairings,
        "current_ids": _holding_today(pairings),
        "form": form,
        "breadcrumb": access.visible_ancestors(user, household.village),
        "breadcrumb_link_last": True,
    }
    return render(request, "households/pairing_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_end_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """§3: end a pairing on a date; it stays in the household's history."""
    user = request.user
    pairing = pairing_get_for(user, pk)
    if not access.may_pair_households(user):
        raise PermissionDenied
    form = PairingEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pairing_end(user=user, pairing=pairing, end=form.cleaned_data["end"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            params = {"name": pairing.helper.name, "number": pairing.household.number}
            messages.success(request, _("The pairing of %(name)s with household %(number)s ended.") % params)
            return redirect("households:pairing", number=pairing.household.number)
    context = {
        "pairing": pairing,
        "household": pairing.household,
        "form": form,
        "breadcrumb": access.visible_ancestors(user, pairing.household.village),
        "breadcrumb_link_last": True,
    }
    return render(request, "households/pairing_end.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def work_team(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """§1: a village's first secretaries and work team, current and past; the county office adds a posting."""
    user = request.user
    village = access.region_for(user, code)
    if village.level != Level.VILLAGE:
        raise Http404
    can_edit = access.may_manage_helpers(user, village)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = WorkTeamMemberForm(request.POST or None, instance=WorkTeamMember(village=village)) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            saved = team_member_save(user=user, member=form.save(commit=False))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is recorded in the village's work team.") % {"name": saved.name})
            return redirect("households:work_team", code=village.code)
    postings = list(work_team_of(village))
    context = {
        "village": village,
        "postings": postings,
        "current_ids": _holding_today(postings),
        "form": form,
        "can_edit": can_edit,
        "breadcrumb": access.visible_ancestors(user, village),
        "breadcrumb_link_last": True,
    }
    return render(request, "households/workteam_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_member_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """§1: correct a posting or end it with a date (its history keeps every earlier version)."""
    user = request.user
    member = team_member_get_for(user, pk)
    if not access.may_manage_helpers(user, member.village):
        raise PermissionDenied
    form = WorkTeamMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            team_member_save(user=user, member=form.save(commit=False))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The posting of %(name)s was saved.") % {"name": member.name})
            return redirect("households:work_team", code=member.village.code)
    history = member.history.select_related("history_user").order_by("-history_date", "-history_id")[:20]
    context = {
        "member": member,
        "village": member.village,
        "form": form,
        "history": history,
        "breadcrumb": access.visible_ancestors(user, member.village),
        "breadcrumb_link_last": True,
    }
    return render(request, "households/workteammember_form.html", context)
