"""Pages of the monitoring app: the data-quality list (§8.2, §12) and the monitoring alerts (§7)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import may_dismiss_alert, may_pair_households, region_for, scope_of, visible_ancestors
from accounts.typing import AuthenticatedHttpRequest
from povertymgmt.pagination import page_of
from villages.models import Region

from .forms import AlertFilter, DismissForm, QualityFilter
from .models import QualityCode
from .selectors import (
    alert_get_for,
    alert_list_for,
    alert_page_rows,
    finding_counts_for,
    finding_list_for,
    finding_page_rows,
    shows_list,
)
from .services import alert_dismiss

PAGE_SIZE = 50
# An alert is a tall card (its triggers and values, the confirm and dismiss forms): 20 a page, as the
# household list, is one screen on a phone and half the HTML of 50 on a slow line (≈ 1 ms a card to render).
ALERT_PAGE_SIZE = 20


def _region(request: AuthenticatedHttpRequest, code: str) -> Region:
    """The region asked for (404 outside the scope), else the user's scope."""
    if code:
        return region_for(request.user, code)
    scope = scope_of(request.user)
    if scope is None:
        raise Http404
    return scope


def _valid_values(form, *names: str) -> dict[str, str]:
    """The filter values that are valid; an invalid one (an unknown code) filters nothing."""
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return {name: cleaned.get(name) or "" for name in names}


@login_required
def quality_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Cadres: their findings one by one, linked to the household; officials: counts per child region
    and per check, each child a link one level down (§8.2, §12)."""
    form = QualityFilter(request.GET or None)
    data = _valid_values(form, "region", "code")
    region = _region(request, data["region"])
    context = {
        "form": form,
        "region": region,
        "codes": QualityCode.choices,
        "breadcrumb": visible_ancestors(request.user, region),
        "can_pair": may_pair_households(request.user),  # DQ11 "no helper" links to the pairing page
    }
    context["show_list"] = shows_list(request.user, region)
    if context["show_list"]:
        qs = finding_page_rows(finding_list_for(request.user, region=region, code=data["code"]))
        context["page"] = page_of(request, qs, per_page=PAGE_SIZE)
    else:
        context["rows"], totals = finding_counts_for(request.user, region, code=data["code"])
        context["totals"] = [totals[c] for c in QualityCode.values]
        context["grand_total"] = sum(totals.values())
    return render(request, "monitoring/quality_list.html", context)


@login_required
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The monitoring alerts of the scope with their triggers and values; dismissal for the village (§7)."""
    form = AlertFilter(request.GET or None)
    data = _valid_values(form, "region", "state", "category")
    region = _region(request, data["region"])
    alerts = alert_list_for(request.user, region=region, state=data["state"], category=data["category"])
    # Counted up to the cap: a province's 400,000 alerts of the years took 270 ms to count on every page.
    context = {
        "form": form,
        "region": region,
        "page": page_of(request, alert_page_rows(alerts), per_page=ALERT_PAGE_SIZE, capped=alerts),
        "breadcrumb": visible_ancestors(request.user, region),
        "can_dismiss": may_dismiss_alert(request.user),
        "dismiss_form": DismissForm(),
    }
    return render(request, "monitoring/alert_list.html", context)


@login_required
@require_POST
def alert_dismiss_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = alert_get_for(request.user, pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for dismissing this alert."))
    else:
        try:
            alert_dismiss(user=request.user, alert=alert, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The alert of household %(number)s was dismissed.") % {"number": alert.household.number}
            )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "monitoring:alerts")
