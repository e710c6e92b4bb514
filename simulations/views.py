"""Pages of the policy simulation (issue 17): the scenarios, a new scenario, its progress and its
comparison with the live rules, the exports, deletion. Thin: check access, bind, call one service or
selector, respond. Lists are scoped (§1) and carry no personal identifier (§9)."""

import os
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.models import AuditAction
from accounts.services import audit_record
from accounts.typing import AuthenticatedHttpRequest
from eligibility.policy import parameters_for
from households.selectors import households_in_region
from povertymgmt.forms import styled
from povertymgmt.pagination import page_of
from villages.models import Level
from villages.working_year import policy_date, working_year

from . import exporters, selectors, services
from .forms import ScenarioForm
from .parameters import SIMULATED, as_json

CHANGES = {"gain": True, "lose": False}


def _viewer(request: AuthenticatedHttpRequest) -> None:
    if not access.may_view_simulations(request.user):
        raise Http404


@login_required
def scenario_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _viewer(request)
    page = page_of(request, selectors.scenario_list_for(request.user))
    return render(
        request,
        "simulations/scenario_list.html",
        {"page": page, "may_run": access.may_run_simulations(request.user)},
    )


@login_required
def scenario_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.may_run_simulations(request.user):
        raise Http404
    if request.method == "POST":
        form = ScenarioForm(request.POST)
        styled(form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                scenario = services.scenario_create(
                    user=request.user,
                    name=data["name"],
                    year=data["year"],
                    as_of=data["as_of"],
                    parameters=form.parameters(),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return redirect("simulations:detail", pk=scenario.pk)
    else:
        year = _year(request.GET.get("year"))
        live = as_json(parameters_for(year))
        initial = {"name": _("Scenario of %(year)s") % {"year": year}, "year": year, "as_of": policy_date(year), **live}
        form = ScenarioForm(initial=initial)
        styled(form)
    return render(request, "simulations/scenario_form.html", {"form": form, "parameters": SIMULATED})


def _add_errors(form: ScenarioForm, exc: ValidationError) -> None:
    """The service's errors next to their fields (a parameter's under its own field)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _year(raw: str | None) -> int:
    """The year asked for in the address, if it is a number; else the working year."""
    return int(raw) if raw and raw.isdigit() and len(raw) == 4 else working_year()


@login_required
def scenario_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = selectors.scenario_get_for(request.user, pk)
    if request.headers.get("HX-Request"):
        response = render(request, "simulations/partials/progress.html", {"scenario": scenario})
        if scenario.is_finished:
            response["HX-Refresh"] = "true"  # the comparison replaces the progress bar
        return response
    context: dict = {
        "scenario": scenario,
        "may_delete": access.may_delete_simulation(request.user, scenario.created_by_id),
        "overrides": [(name, scenario.overrides[name]) for name in SIMULATED if name in scenario.overrides],
    }
    if scenario.state == "done":
        county_rows = selectors.by_county(request.user, scenario)
        summary = selectors.scenario_summary_for(request.user, scenario)
        context.update(
            summary_cards=_summary_cards(summary),
            counties=county_rows,
            criteria=selectors.by_criterion(request.user, scenario),
            chart={"counties": selectors.chart_data(county_rows), "labels": _chart_labels()},
            county_changes=[row for row in county_rows if row["result"].changed],
            villages=page_of(request, selectors.changed_regions(request.user, scenario, Level.VILLAGE), per_page=20),
        )
    return render(request, "simulations/scenario_detail.html", context)


@login_required
def scenario_households(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The households that gain or lose eligibility, by county and direction (?county=, ?change=)."""
    scenario = selectors.scenario_get_for(request.user, pk)
    if scenario.state != "done":
        return redirect("simulations:detail", pk=pk)
    households = selectors.household_results_for(request.user, scenario)
    county_code = request.GET.get("county", "")
    county = None
    if county_code:
        county = access.region_for(request.user, county_code)  # 404 outside the scope
        households = households_in_region(households, county)
    change = request.GET.get("change", "")
    if change in CHANGES:
        households = households.filter(eligible_after=CHANGES[change])
    context = {
        "scenario": scenario,
        "page": page_of(request, selectors.household_rows(households)),
        "county": county,
        "change": change,
        "counties": selectors.scope_counties(request.user),
    }
    return render(request, "simulations/scenario_households.html", context)


def _summary_cards(summary: dict) -> list[tuple[str, str, int]]:
    labels = [
        ("eligible_households_before", _("Eligible households, live parameters")),
        ("eligible_households_after", _("Eligible households, scenario")),
        ("households_changed", _("Households changed")),
        ("people_affected", _("People affected")),
        ("households_gaining", _("Households gaining eligibility")),
        ("households_losing", _("Households losing eligibility")),
        ("villages_changed", _("Villages changed")),
        ("counties_changed", _("Counties changed")),
        ("below_range_before", _("Exited households below the monitoring range, live parameters")),
        ("below_range_after", _("Exited households below the monitoring range, scenario")),
    ]
    return [(label, key, summary[key]) for key, label in labels]


def _chart_labels() -> dict:
    return {
        "before": _("Eligible households, live parameters"),
        "after": _("Eligible households, scenario"),
        "incidence_before": _("Projected incidence, live parameters (%)"),
        "incidence_after": _("Projected incidence, scenario (%)"),
        "nodata": _("No data"),
    }


@login_required
def scenario_export(request: AuthenticatedHttpRequest, pk: int, what: str) -> HttpResponseBase:
    """The changed households or regions of the scope as CSV or XLSX; every export is audited (§9, §12)."""
    scenario = selectors.scenario_get_for(request.user, pk)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx") or what not in ("households", "regions") or scenario.state != "done":
        raise Http404
    if what == "households":
        head, rows, count = _household_table(request, scenario)
    else:
        head, rows, count = _region_table(request, scenario)
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="simulation",
        object_id=scenario.pk,
        object_repr=scenario.name,
        table=what,
        format=fmt,
        rows=count,
    )
    filename = f"simulation-{scenario.pk}-{what}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in exporters.csv_chunks(head, rows)),
            content_type="text/csv; charset=utf-8",
        )
    else:
        path = exporters.xlsx_file(head, rows, what)
        fh = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
        os.unlink(path)  # the open handle keeps the data until the response is sent
        response = FileResponse(fh, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


def _criteria(codes: list[str]) -> str:
    from .templatetags.simulations import criterion_label

    return "、".join(str(criterion_label(code)) for code in codes)


def _household_table(request: AuthenticatedHttpRequest, scenario) -> tuple[list[str], Iterator[list], int]:
    qs = selectors.household_rows(selectors.household_results_for(request.user, scenario))
    head = [
        _("Household number"),
        _("Head of household"),
        _("County"),
        _("Village"),
        _("Current members"),
        _("Per-capita net income"),
        _("Eligible before"),
        _("Eligible after"),
        _("Criteria that changed"),
    ]
    rows = (
        [
            r.household.number,
            getattr(r, "head_name", "") or "",
            r.county.name,
            r.village.name,
            r.member_count,
            r.per_capita_net,
            _yes_no(r.eligible_before),
            _yes_no(r.eligible_after),
            _criteria(r.criteria_changed),
        ]
        for r in qs.iterator(chunk_size=2000)
    )
    return [str(h) for h in head], rows, qs.count()


def _region_table(request: AuthenticatedHttpRequest, scenario) -> tuple[list[str], Iterator[list], int]:
    qs = (
        selectors.region_results_for(request.user, scenario)
        .filter(changed=True, level__in=(Level.VILLAGE, Level.COUNTY))
        .select_related("region")
        .order_by("region__code")
    )
    head = [
        _("Region code"),
        _("Region"),
        _("Level"),
        _("Projected incidence before (%)"),
        _("Projected incidence after (%)"),
        _("Eligible to exit before"),
        _("Eligible to exit after"),
    ]
    rows = (
        [
            r.region.code,
            r.region.name,
            r.get_level_display(),
            r.incidence_before,
            r.incidence_after,
            _yes_no(r.exit_eligible_before),
            _yes_no(r.exit_eligible_after),
        ]
        for r in qs.iterator(chunk_size=2000)
    )
    return [str(h) for h in head], rows, qs.count()


@login_required
@require_POST
def scenario_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = selectors.scenario_get_for(request.user, pk)
    services.scenario_delete(user=request.user, scenario=scenario)  # another's: 403 with the reason
    messages.success(request, _("The scenario was deleted."))
    return redirect("simulations:list")
