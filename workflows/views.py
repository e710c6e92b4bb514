"""Pages of the workflows (§6, §7): inbox, case list, opening a case, the case timeline with its
actions, evidence, objections and the exit dossier (print view and PDF). Scoped by the selectors (§1)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.access import region_for
from accounts.models import AuditAction
from accounts.services import audit_record
from accounts.typing import AuthenticatedHttpRequest
from households.selectors import household_get_for
from monitoring.models import AlertState, MonitoringAlert
from monitoring.selectors import alert_get_for, alert_list_for, alert_page_rows
from povertymgmt.files import serve_file
from povertymgmt.pagination import page_of, with_rows

from . import definitions as d
from . import services
from .dossier import dossier_context, dossier_html, dossier_pdf, masked_check
from .forms import AttachmentForm, CaseOpenForm, ConfirmAlertForm, ObjectionForm, ResolveForm, StepForm
from .models import Case
from .risk_removal import risk_removal_conditions
from .selectors import (
    case_get_for,
    case_list_for,
    case_rows,
    inbox_counts,
    inbox_for,
    proposable_households,
    proposable_regions,
)
from .services import notice_days

PAGE_SIZE = 50
INBOX_ROWS = 200


def _errors(request: HttpRequest, exc: Exception) -> None:
    """Show a refusal of a service as messages (the texts are already translated)."""
    if isinstance(exc, ValidationError):
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.error(request, str(exc) or _("You cannot do this."))


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """待我处理 (§1): what waits for the user's role in the scope, oldest first, with counts."""
    user = request.user
    rows = case_rows(inbox_for(user))[:INBOX_ROWS]
    counts = inbox_counts(user)
    alerts: list[MonitoringAlert] | QuerySet[MonitoringAlert] = []
    if access.may_dismiss_alert(user):
        alerts = alert_page_rows(alert_list_for(user, state=AlertState.OPEN)).order_by("opened_on", "id")[:INBOX_ROWS]
    return render(
        request,
        "workflows/inbox.html",
        {
            "rows": rows,
            "alerts": alerts,
            "alert_count": counts.pop("alerts", 0),
            "counts": [(d.CaseType(k).label, n) for k, n in sorted(counts.items())],
            "step_form": StepForm(),
            "proposable": proposable_households(user),
            "proposable_regions": proposable_regions(user),
        },
    )


@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs = case_list_for(request.user)
    case_type, state = request.GET.get("type", ""), request.GET.get("state", "")
    if case_type in d.CaseType.values:
        qs = qs.filter(case_type=case_type)
    if state in d.State.values:
        qs = qs.filter(state=state)
    if request.GET.get("household"):
        qs = qs.filter(household__number=request.GET["household"])
    # Page through ids only, then read the page's rows with their household, region and opener: joined
    # before the sort, a county's 22,000 cases of years were all joined to be sorted (166 → 12 ms).
    page = page_of(request, qs.order_by("-state_since", "-id").values_list("pk", flat=True), per_page=PAGE_SIZE)
    with_rows(page, case_rows(Case.objects.all()))
    return render(
        request,
        "workflows/case_list.html",
        {"page": page, "types": d.CaseType.choices, "states": d.State.choices, "type": case_type, "state": state},
    )


@login_required
def case_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Propose an exit, apply for identification or return, propose risk removal, a village or a county exit."""
    form = CaseOpenForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wf = d.WORKFLOWS[data["case_type"]]
        try:
            household = region = None
            if wf.on_household:
                household = household_get_for(request.user, data["household"].strip())
            else:
                region = region_for(request.user, data["region"].strip())
            case = services.case_open(
                user=request.user,
                case_type=data["case_type"],
                household=household,
                region=region,
                justification=data["justification"],
                appraisal=form.appraisal(),
                closing_reason=data.get("closing_reason") or "",
                # §7: the category and the trigger are asked of a monitoring case only
                category=(data.get("category") or "") if wf.case_type == d.CaseType.MONITORING else "",
                trigger_note=(data.get("trigger_note") or "") if wf.case_type == d.CaseType.MONITORING else "",
            )
        except Http404:
            form.add_error("household" if wf.on_household else "region", _("Not found in your scope."))
        except ValidationError as exc:
            _add_form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The case was opened."))
            return redirect("workflows:case_detail", case.pk)
    return render(request, "workflows/case_open.html", {"form": form})


def _add_form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc)


@login_required
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The timeline of one case with the steps the user may take now."""
    case = case_get_for(request.user, pk)
    wf = d.WORKFLOWS[case.case_type]
    actions = wf.actions_for(request.user, case.state)
    closing = wf.transition("close_notice")
    runs_notice = closing is not None and closing.allows(request.user)
    is_exit = case.case_type == d.CaseType.HOUSEHOLD_EXIT
    conditions = _risk_removal_conditions(case)
    return render(
        request,
        "workflows/case_detail.html",
        {
            "case": case,
            "wf": wf,
            "actions": actions,
            "steps": case.steps.select_related("user"),
            "objections": case.objections.select_related("recorded_by", "resolved_by"),
            "attachments": case.attachments.select_related("uploaded_by"),
            "runs_notice": runs_notice and case.state == d.State.NOTICE,
            "notice_days": notice_days(case),
            "can_upload": services.may_add_evidence(request.user, case),
            "has_dossier": is_exit,
            # §6.1: the check county approval and announcement need, shown at every step of the chain.
            "check": masked_check(services.exit_check(case), request.user) if is_exit else None,
            # §7: the four risk-removal conditions, live, while the removal case runs.
            "conditions": conditions,
            "conditions_fail": conditions is not None and not all(c.ok for c in conditions),
            "step_form": StepForm(),
            "objection_form": ObjectionForm(),
            "attachment_form": AttachmentForm(),
        },
    )


def _risk_removal_conditions(case: Case) -> list | None:
    if case.case_type != d.CaseType.RISK_REMOVAL or not case.is_open or case.household is None:
        return None
    return risk_removal_conditions(case.household, timezone.localdate())


@login_required
@require_POST
def case_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_get_for(request.user, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the values entered."))
        return redirect("workflows:case_detail", pk)
    c = form.cleaned_data
    try:
        services.case_transition(
            user=request.user,
            case=case,
            transition=c["transition"],
            reason=c["reason"],
            appraisal=form.appraisal() if c.get("appraisal_date") else None,
            notice_start=c.get("notice_start"),
            category=c.get("category") or "",
        )
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Step recorded."))
        if request.POST.get("next") == "inbox":
            return redirect("workflows:inbox")
    return redirect("workflows:case_detail", pk)


@login_required
@require_POST
def objection_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_get_for(request.user, pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.objection_record(user=request.user, case=case, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Check the values entered."))
    return redirect("workflows:case_detail", pk)


@login_required
@require_POST
def objection_resolve(request: AuthenticatedHttpRequest, pk: int, objection_pk: int) -> HttpResponse:
    case = case_get_for(request.user, pk)
    objection = get_object_or_404(case.objections, pk=objection_pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.objection_resolve(
                user=request.user, objection=objection, resolution=form.cleaned_data["resolution"]
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Say how the objection was resolved."))
    return redirect("workflows:case_detail", pk)


@login_required
@require_POST
def attachment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_get_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                user=request.user, case=case, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The file was added."))
    else:
        messages.error(request, _("Choose a file and its kind."))
    return redirect("workflows:case_detail", pk)


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> HttpResponse | FileResponse:
    """A case's evidence (§6.1, §9): only through the case in the user's scope, each download audited."""
    case = case_get_for(request.user, pk)
    attachment = get_object_or_404(case.attachments, pk=attachment_pk)
    audit_record(
        user=request.user,
        action=AuditAction.DOWNLOAD,
        object_type="attachment",
        object_id=attachment.pk,
        entry_region=case.region_id,  # the case's village or region: its county's auditors read it (§1)
        case=case.pk,
    )
    return serve_file(
        attachment.file, filename=attachment.name, content_type=attachment.content_type, as_attachment=False
    )


def _dossier_case(request: AuthenticatedHttpRequest, pk: int) -> Case:
    case = case_get_for(request.user, pk)
    if case.case_type != d.CaseType.HOUSEHOLD_EXIT:
        raise Http404
    if request.user.can_view_sensitive:
        audit_record(
            user=request.user,
            action="view_sensitive",
            object_type="dossier",
            object_id=case.pk,
            entry_region=case.region_id,
        )
    return case


@login_required
def dossier(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """§6.1: the exit dossier, both snapshots side by side, with the seal verified on every view."""
    case = _dossier_case(request, pk)
    wf = d.WORKFLOWS[case.case_type]
    actions = wf.actions_for(request.user, case.state)
    ctx = dossier_context(case, request.user)
    check = masked_check(services.exit_check(case), request.user) if actions else None
    return render(
        request, "workflows/dossier.html", {**ctx, "actions": actions, "step_form": StepForm(), "check": check}
    )


@login_required
def dossier_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(dossier_html(_dossier_case(request, pk), request.user))


@login_required
def dossier_pdf_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _dossier_case(request, pk)
    response = HttpResponse(dossier_pdf(case, request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dossier-{case.pk}.pdf"'
    return response


@login_required
@require_POST
def alert_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """§7: confirm an open alert, which opens the household's monitoring case."""
    alert = alert_get_for(request.user, pk)
    form = ConfirmAlertForm(request.POST)
    form.is_valid()
    try:
        case = services.alert_confirm(user=request.user, alert=alert, reason=form.cleaned_data.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
        return redirect("workflows:inbox")
    return redirect("workflows:case_detail", case.pk)


@login_required
def inbox_badge(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The top bar's inbox link with its count, loaded after the page so every page stays cheap."""
    from .templatetags.workflows import inbox_count

    return HttpResponse(inbox_count({"request": request}))
