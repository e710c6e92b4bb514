"""Pages of the nightly recompute (§5.6), the policy parameters (§5) and the working year: run history
with per-county progress, the on-demand start (a date, then a confirmation), changes since the previous
run (scoped), parameter editing, and the working year with its history and the year switch (年度切换, issue 13)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.typing import AuthenticatedHttpRequest
from households.selectors import household_list_for
from povertymgmt.forms import styled
from villages.working_year import current_policy_date, working_year

from .models import PolicyParameter, RecomputeRun, RunState
from .policy import PARAM_FIELDS, default_parameters, parameters_for, policy_parameter_save
from .rules.reads import changed_checks
from .run_preview import RunDateForm, run_preview, run_year
from .services import recompute_enqueue, recompute_running, working_year_open
from .year_switch import working_year_history, year_switch_preview

RUNS_SHOWN = 30


def _watchers_only(user) -> None:
    """Run history is the province's operational view (§1: province staff, auditors, admins)."""
    if not access.may_view_runs(user):
        raise Http404


@login_required
def run_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _watchers_only(request.user)
    runs = RecomputeRun.objects.select_related("only_county", "requested_by")[:RUNS_SHOWN]
    year, day = current_policy_date()
    can_start = access.may_start_run(request.user)
    form = RunDateForm(initial={"as_of": day}) if can_start else None
    return render(
        request,
        "eligibility/run_list.html",
        {"runs": runs, "can_start": can_start, "form": form, "year": year, "day": day},
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
@require_http_methods(["GET", "POST"])
def run_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A recompute on demand (§5.6), in two steps: GET ?as_of= shows what the run of that date will
    replace (run_preview: the policy year it evaluates, the run and figures it supersedes, which pages
    change); the POST of that page, with the date, starts it (enqueued after commit). Province staff
    only; anyone else gets 404 (§1)."""
    if not access.may_start_run(request.user):
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    form = RunDateForm(data)
    if not form.is_valid():
        return render(request, "eligibility/run_confirm.html", {"form": form, "preview": None})
    day = form.cleaned_data["as_of"]
    if request.method == "GET":
        preview = run_preview(request.user, day)
        return render(request, "eligibility/run_confirm.html", {"form": form, "preview": preview})
    if recompute_running(as_of=day):
        messages.info(request, _("A recompute of this date is already running."))
        return redirect("eligibility:runs")
    year = run_year(day)
    queued = recompute_enqueue(as_of=day, user=request.user, year=year)
    if queued and queued.error:
        messages.error(request, queued.error)
    else:
        messages.success(
            request,
            _("The recompute of %(day)s (policy year %(year)s) has been started; progress appears below.")
            % {"day": day.isoformat(), "year": year},
        )
    return redirect("eligibility:runs")


@login_required
def changes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Households that gained or lost eligibility, or changed a criterion, between the two latest runs up
    to the working year's policy date."""
    _year, day = current_policy_date()
    result = changed_checks(household_list_for(request.user), until=day)
    return render(request, "eligibility/changes.html", {"changes": result})


class PolicyParameterForm(forms.ModelForm):
    class Meta:
        model = PolicyParameter
        fields = PARAM_FIELDS


@login_required
def parameter_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Parameters by year (§5.1): the province's rows and, for years without one, the national defaults."""
    stored = {p.year: p for p in PolicyParameter.objects.all()}
    current = working_year()
    this_year = max(timezone.localdate().year, current)
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
            "working_year": current,
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


@login_required
def working_year_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The working year, the date it is evaluated on, and who opened which year when (§5.2, §5.6)."""
    if not access.may_view_working_year(request.user):
        raise Http404
    year, day = current_policy_date()
    return render(
        request,
        "eligibility/working_year.html",
        {
            "year": year,
            "day": day,
            "history": working_year_history(),
            "can_open": access.may_open_working_year(request.user),
        },
    )


class WorkingYearOpenForm(forms.Form):
    """The confirmation of the year switch: the year typed again, and "I understand"."""

    year = forms.IntegerField(label=_lazy("Type the year to open"), min_value=2013, max_value=2100)
    understood = forms.BooleanField(
        label=_lazy("I understand that from now on every page and the nightly run evaluate this year."),
    )
    note = forms.CharField(label=_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args, next_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.next_year = next_year

    def clean_year(self) -> int:
        value = self.cleaned_data["year"]
        if value != self.next_year:
            raise ValidationError(
                _("Type %(year)s to confirm the year you open."), code="confirm", params={"year": self.next_year}
            )
        return value


@login_required
@require_http_methods(["GET", "POST"])
def working_year_open_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The year switch (年度切换): what opening the next year will do, and the confirmation (POST).
    Province staff of the province only; anyone else gets 404 (§1)."""
    if not access.may_open_working_year(request.user):
        raise Http404
    preview = year_switch_preview(request.user)
    form = styled(WorkingYearOpenForm(request.POST or None, next_year=preview.next))
    if request.method == "POST" and form.is_valid():
        try:
            working_year_open(user=request.user, year=form.cleaned_data["year"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("The working year %(year)s is open; its recompute has been started.") % {"year": preview.next},
            )
            return redirect("eligibility:working_year")
    return render(request, "eligibility/working_year_open.html", {"preview": preview, "form": form})
