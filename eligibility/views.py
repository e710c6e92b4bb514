"""Pages of the nightly recompute (§5.6) and the policy parameters (§5): run history with per-county
progress, the on-demand start, changes since the previous run (scoped), and parameter editing."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.typing import AuthenticatedHttpRequest
from households.selectors import household_list_for

from .models import PolicyParameter, RecomputeRun, RunState
from .policy import PARAM_FIELDS, default_parameters, parameters_for, policy_parameter_save
from .rules.reads import changed_checks
from .services import recompute_enqueue, recompute_running

RUNS_SHOWN = 30


def _watchers_only(user) -> None:
    """Run history is the province's operational view (§1: province staff, auditors, admins)."""
    if not access.may_view_runs(user):
        raise Http404


@login_required
def run_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _watchers_only(request.user)
    runs = RecomputeRun.objects.select_related("only_county", "requested_by")[:RUNS_SHOWN]
    return render(
        request,
        "eligibility/run_list.html",
        {"runs": runs, "can_start": access.may_start_run(request.user), "today": timezone.localdate()},
    )


@login_required
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _watchers_only(request.user)
    run = get_object_or_404(RecomputeRun.objects.select_related("only_county"), pk=pk)
    counties = run.counties.select_related("county").order_by("county__code")
    context = {"run": run, "counties": counties, "polling": run.state in (RunState.PENDING, RunState.RUNNING)}
    if request.headers.get("HX-Request"):
        return render(request, "eligibility/partials/run_progress.html", context)
    return render(request, "eligibility/run_detail.html", context)


@login_required
@require_POST
def run_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Province staff start a recompute of today; enqueued after commit (§5.6)."""
    if not access.may_start_run(request.user):
        raise Http404
    today = timezone.localdate()
    if recompute_running(as_of=today):
        messages.info(request, _("A recompute of today is already running."))
        return redirect("eligibility:runs")
    queued = recompute_enqueue(as_of=today, user=request.user)
    if queued and queued.error:
        messages.error(request, queued.error)
    else:
        messages.success(request, _("The recompute has been started; progress appears below."))
    return redirect("eligibility:runs")


@login_required
def changes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Households that gained or lost eligibility, or changed a criterion, between the two latest runs."""
    result = changed_checks(household_list_for(request.user))
    return render(request, "eligibility/changes.html", {"changes": result})


class PolicyParameterForm(forms.ModelForm):
    class Meta:
        model = PolicyParameter
        fields = PARAM_FIELDS


@login_required
def parameter_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Parameters by year (§5.1): the province's rows and, for years without one, the national defaults."""
    stored = {p.year: p for p in PolicyParameter.objects.all()}
    this_year = timezone.localdate().year
    years = sorted(set(range(2014, this_year + 1)) | set(stored), reverse=True)
    rows = [(y, parameters_for(y) if y in stored else default_parameters(y), stored.get(y)) for y in years]
    history = PolicyParameter.history.select_related("history_user").order_by("-history_date")[:50]
    return render(
        request,
        "eligibility/parameter_list.html",
        {
            "rows": rows,
            "history": history,
            "can_edit": access.may_edit_parameters(request.user),
        },
    )


@login_required
def parameter_edit(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    if not access.may_edit_parameters(request.user):
        raise Http404
    if not 2013 <= year <= 2100:
        raise Http404
    row = PolicyParameter.objects.filter(year=year).first()
    initial = None if row else {name: getattr(parameters_for(year), name) for name in PARAM_FIELDS}
    form = PolicyParameterForm(request.POST or None, instance=row, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy_parameter_save(user=request.user, year=year, values=form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The parameters of %(year)s have been saved.") % {"year": year})
            return redirect("eligibility:parameters")
    return render(request, "eligibility/parameter_edit.html", {"form": form, "year": year, "row": row})
