"""Writes of the workflows (§6, §7): opening a case, the one transition service, objections, evidence,
confirming a monitoring alert and the verification sample (§6.4)."""

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts import access
from accounts.models import User
from eligibility.policy import parameters_for
from eligibility.templatetags.eligibility import CRITERION_LABELS, REASON_LABELS
from households import choices as hc
from households.closing import closing_refusal
from households.models import Household
from households.selectors import household_list_for
from households.services import household_status_change
from monitoring.models import ACTIVE_STATES, AlertCategory, AlertState, MonitoringAlert
from monitoring.services import alert_register
from villages.flags import region_exit_record
from villages.models import Level, Region, VerificationSample
from villages.working_year import working_year

from . import definitions as d
from .models import Attachment, AttachmentKind, Case, ClosingReason, Objection, Step
from .monitoring_objects import monitored_case, monitoring_open_check
from .risk_removal import risk_removal_conditions, risk_removal_refusal
from .snapshots import check_summary, household_snapshot_nightly, household_snapshot_of_year, region_snapshot

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Content types accepted as evidence, with the first bytes such a file starts with.
ATTACHMENT_TYPES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF",),
}


def field_error(field: str, message: str, code: str) -> ValidationError:
    """An error on one field with a code that tests and API clients can rely on (messages are translated)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _today() -> dt.date:
    return timezone.localdate()


def _in_scope(user: User, *, household: Household | None, region: Region) -> bool:
    """§1: the case's household (or region) must be inside the user's scope."""
    if household is not None:
        return household_list_for(user).filter(pk=household.pk).exists()
    return not access.is_helper(user) and access.in_scope(user, region)


def _may_add_evidence_here(user: User, case: Case) -> bool:
    wf = d.WORKFLOWS[case.case_type]
    return wf.may_add_evidence(user, case.state) and _in_scope(user, household=case.household, region=case.region)


def may_add_evidence(user: User, case: Case) -> bool:
    """§6.1: to an open case in scope, by whoever takes its next step (accounts.access)."""
    return case.is_open and not hasattr(case, "dossier") and _may_add_evidence_here(user, case)


def _check_appraisal(appraisal: dict | None) -> dict:
    appraisal = appraisal or {}
    errors = {}
    date = appraisal.get("date")
    if not date:
        errors["appraisal_date"] = _("Give the date of the democratic appraisal.")
    elif date > _today():
        errors["appraisal_date"] = _("The appraisal date cannot be in the future.")
    if not appraisal.get("attendance") or int(appraisal["attendance"]) < 1:
        errors["appraisal_attendance"] = _("Give how many people attended the appraisal.")
    if not (appraisal.get("result") or "").strip():
        errors["appraisal_result"] = _("Give the result of the appraisal.")
    if errors:
        raise ValidationError(errors, code="appraisal")
    return appraisal


def notice_days(case: Case) -> int:
    """§6.1 step 4 / §7: the minimum notice length of the case's policy year."""
    params = parameters_for(case.year)
    return params.monitoring_notice_days if case.case_type in d.MONITORING_TYPES else params.notice_days


@transaction.atomic
def case_open(
    *,
    user: User,
    case_type: str,
    household: Household | None = None,
    region: Region | None = None,
    justification: str = "",
    appraisal: dict | None = None,
    alert: MonitoringAlert | None = None,
    category: str = "",
    closing_reason: str = "",
    trigger_note: str = "",
) -> Case:
    """Open a case (§6): the opener's role and scope are checked like a transition; a household exit
    is opened with its democratic appraisal (§6.1 step 1) and the nightly eligibility snapshot."""
    wf = d.WORKFLOWS[d.CaseType(case_type)]
    if not wf.may_open(user):
        if not (alert is not None and access.may_dismiss_alert(user)):
            raise PermissionDenied(_("Your role cannot open this kind of case."))
    if wf.on_household:
        if household is None:
            raise field_error("household", _("Choose the household."), "required")
        household = Household.objects.select_for_update().get(pk=household.pk)
        region = household.village
    elif region is None:
        raise field_error("region", _("Choose the region."), "required")
    if not _in_scope(user, household=household, region=region):
        raise PermissionDenied(_("This household or region is outside your scope."))
    justification = (justification or "").strip()
    case = Case(
        case_type=wf.case_type,
        household=household,
        region=region,
        state=wf.start,
        year=working_year(),  # the case's policy year: the working year at opening, never the calendar's
        opened_by=user,
        state_since=timezone.now(),
        justification=justification,
        alert=alert,
        category=category,
        trigger_note=(trigger_note or "").strip(),  # §7: what the clerk saw, for a monitoring case
    )
    if wf.case_type == d.CaseType.CLOSING:  # §3.1: the reason of the 销户, asked of this type only
        case.closing_reason = closing_reason or ""
    _check_open_preconditions(case)
    if wf.case_type == d.CaseType.MONITORING and case.alert_id is None and household is not None:
        # §7 registered without a nightly alert: its alert, confirmed, carries the nightly triggers from now on.
        case.alert = alert_register(household=household, category=case.category, on=_today(), year=case.year)
    if wf.case_type == d.CaseType.HOUSEHOLD_EXIT:
        appraisal = _check_appraisal(appraisal)
        case.appraisal_date = appraisal["date"]
        case.appraisal_attendance = int(appraisal["attendance"])
        case.appraisal_result = appraisal["result"].strip()[:200]
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        raise ValidationError(_("A case of this kind is already running for it."), code="duplicate") from exc
    detail = _appraisal_detail(case)
    if case.case_type == d.CaseType.HOUSEHOLD_EXIT:
        detail["check"] = check_summary(exit_check(case))
    Step.objects.create(
        case=case,
        transition="open",
        to_state=case.state,
        user=user,
        role=user.role,
        date=case.appraisal_date or _today(),
        reason=justification,
        detail=detail,
    )
    return case  # the case and its step are audited by accounts.audit (workflows/apps.py)


def _check_open_preconditions(case: Case) -> None:
    """What each case type needs of its household or region, and the eligibility snapshot (§6.1, §6.3)."""
    t, h = case.case_type, case.household
    if d.WORKFLOWS[d.CaseType(t)].on_household:
        if h is None:  # case_open has loaded it; this keeps the checks below from running without one
            raise field_error("household", _("Choose the household."), "required")
        if t == d.CaseType.HOUSEHOLD_EXIT:
            if h.status not in hc.POOR_STATUSES:
                raise ValidationError(
                    _("Only a household that has not exited can be proposed for exit."), code="status"
                )
            case.proposal_snapshot = household_snapshot_nightly(h, case.year)
        elif t == d.CaseType.RETURN and h.status not in (hc.Status.EXITED, hc.Status.EXITED_NO_POLICY):
            raise ValidationError(_("Only an exited household can return to poverty."), code="status")
        elif t == d.CaseType.IDENTIFICATION and h.status not in hc.UNIDENTIFIED_STATUSES:
            # §6.2: an applicant, or a household not registered as poor (refused before, or close to the line);
            # an exited household returns to poverty through the return chain instead.
            raise ValidationError(
                _("Only an applicant or a household not registered as poor can be identified."), code="status"
            )
        elif t == d.CaseType.CLOSING:
            _check_closing(case, _today())
        elif t == d.CaseType.MONITORING:
            monitoring_open_check(case)
        elif t == d.CaseType.RISK_REMOVAL:
            monitored = monitored_case(h)
            if monitored is None:
                raise ValidationError(_("Only a monitored household can have its risk removed."), code="status")
            case.alert_id, case.category = monitored.alert_id, monitored.category
            _check_risk_cleared(h, _today(), field=None)
    elif t == d.CaseType.VILLAGE_EXIT and case.region.level != Level.VILLAGE:
        raise field_error("region", _("Choose a village."), "level")
    elif t == d.CaseType.COUNTY_EXIT and case.region.level != Level.COUNTY:
        raise field_error("region", _("Choose a county."), "level")
    if t in (d.CaseType.VILLAGE_EXIT, d.CaseType.COUNTY_EXIT):
        _check_not_exited(case.region)
        case.proposal_snapshot = region_snapshot(case.region, case.year)
    if case.proposal_snapshot:
        case.eligible_at_proposal = bool(case.proposal_snapshot.get("eligible"))
        if not case.eligible_at_proposal and not case.justification:
            raise field_error(
                "justification",
                _("The nightly test does not find it eligible: write why it is proposed anyway."),
                "justification_required",
            )


def _check_not_exited(region: Region) -> None:
    """§6.3: a village or county whose exit was announced exits no second time."""
    exit_year = Region.objects.filter(pk=region.pk).values_list("exit_year", flat=True).first()
    if exit_year is not None:
        raise field_error(
            "region",
            _("The exit of %(region)s was already announced in %(year)s.") % {"region": region.name, "year": exit_year},
            "already_exited",
        )


def _check_closing(case: Case, on: dt.date) -> None:
    """§3.1 销户, at opening and at county approval: a reason and its justification, a household not yet
    closed with no other running case, and members that bear the reason out (households.closing)."""
    h = case.household
    if h is None:
        raise field_error("household", _("Choose the household."), "required")
    if case.closing_reason not in ClosingReason.values:
        raise field_error("closing_reason", _("Choose the reason for closing the household."), "required")
    if not case.justification:
        raise field_error("justification", _("Write why the household is closed."), "justification_required")
    status = Household.objects.filter(pk=h.pk).values_list("status", flat=True).get()  # as stored now
    if status == hc.Status.CLOSED:
        raise ValidationError(_("This household is already closed."), code="status")
    others = Case.objects.filter(household=h, closed_at__isnull=True).exclude(pk=case.pk)
    running = [str(other) for other in others.order_by("id")]
    if running:
        raise ValidationError(
            _("Another case of this household is running (%(cases)s): finish or withdraw it first.")
            % {"cases": pgettext("list", "; ").join(running)},
            code="other_case",
        )
    refusal = closing_refusal(h, case.closing_reason, on)
    if refusal:
        raise ValidationError(refusal, code="closing_grounds")


def exit_check(case: Case, on: dt.date | None = None) -> dict:
    """§6.1: the household's exit test (§5.2) of the case's policy year, live from its data as of the
    year's policy date (today within the year, 31 December once it is over): what county approval and
    announcement require to pass, what the case page shows at every step."""
    if case.household is None:
        raise ValueError(f"case {case.pk} has no household")
    return household_snapshot_of_year(case.household, case.year, on or _today())


def _check_refusal(snapshot: dict, user: User) -> ValidationError:
    """The Chinese refusal of a step on a failing check, naming each failing criterion and why (why the
    medical criterion fails is a health fact, §9: "not met" for a role that may not see health data)."""
    health = access.may_view_health(user)
    items = []
    for code, crit in snapshot["criteria"].items():
        if crit["passed"] is True:
            continue
        reason = crit["reason"] if health or code != "medical" or crit["passed"] is None else "failed"
        items.append(
            _("%(criterion)s (%(reason)s)")
            % {"criterion": CRITERION_LABELS.get(code, code), "reason": REASON_LABELS.get(reason, reason)}
        )
    if snapshot.get("same_year_blocked"):
        items.append(_("identified in the policy year itself, which the provincial rule forbids to exit"))
    message = _(
        "The household does not pass the exit check of %(year)s (as of %(date)s): %(failing)s. "
        "The exit cannot be approved or announced while the check fails."
    ) % {"year": snapshot["policy_year"], "date": snapshot["as_of"], "failing": pgettext("list", "; ").join(items)}
    return field_error("transition", message, "check_failed")


def _check_risk_cleared(household: Household, on: dt.date, *, field: str | None) -> dict:
    """§7 risk removal, at opening and at county approval (the data may change in between): refused
    with every failing condition (workflows.risk_removal); the conditions as they held, for the step."""
    conditions = risk_removal_conditions(household, on)
    refusal = risk_removal_refusal(conditions)
    if refusal:
        if field is None:
            raise ValidationError(refusal, code="risk_not_cleared")
        raise field_error(field, refusal, "risk_not_cleared")
    return {c.code: c.detail for c in conditions}


def _appraisal_detail(case: Case) -> dict:
    if case.appraisal_date is None:
        return {}
    return {
        "appraisal_date": case.appraisal_date.isoformat(),
        "attendance": case.appraisal_attendance,
        "result": case.appraisal_result,
    }


@transaction.atomic
def case_transition(
    *,
    user: User,
    case: Case,
    transition: str,
    reason: str = "",
    appraisal: dict | None = None,
    notice_start: dt.date | None = None,
    category: str = "",
) -> Case:
    """Take one step of a case (§6): role, scope level, scope and state are checked on the locked row,
    so of two concurrent approvals exactly one succeeds; the step is recorded with who, when and why."""
    wf = d.WORKFLOWS[case.case_type]
    t = wf.transition(transition)
    if t is None:
        raise field_error("transition", _("There is no such step."), "unknown_transition")
    if not t.allows(user):
        raise PermissionDenied(_("Your role cannot take this step."))
    case = Case.objects.select_for_update(of=("self",)).select_related("household", "region").get(pk=case.pk)
    if not _in_scope(user, household=case.household, region=case.region):
        raise PermissionDenied(_("This case is outside your scope."))
    if case.state not in t.sources:
        raise field_error(
            "transition",
            _("This step cannot be taken while the case is “%(state)s”.") % {"state": case.get_state_display()},
            "wrong_state",
        )
    reason = (reason or "").strip()
    if t.send_back and not reason:
        raise field_error("reason", _("Say why the case is sent back."), "required")
    if d.NEEDS_REASON in t.needs and not reason:
        raise field_error("reason", _("Give the reason for the refusal."), "required")
    today = _today()
    detail = _apply_needs(
        case, t, user=user, appraisal=appraisal, notice_start=notice_start, category=category, today=today
    )
    if case.case_type == d.CaseType.HOUSEHOLD_EXIT and "check" not in detail:
        detail["check"] = check_summary(exit_check(case, today))
    # The evidence this decision was taken on: what was uploaded since the previous step.
    last_at = case.steps.order_by("-at", "-id").values_list("at", flat=True).first()
    new_files = case.attachments.filter(uploaded_at__gt=last_at) if last_at else case.attachments.all()
    detail["attachments"] = list(new_files.order_by("id").values_list("id", flat=True))
    from_state = case.state
    case.state = t.target
    case.state_since = timezone.now()
    if t.send_back:
        case.send_back_reason = reason
    elif transition == "resubmit":
        case.send_back_reason = ""
    if d.REFUSE_IDENTIFICATION in t.effects:  # §6.2: the refusal's reason stays on the case
        case.refusal_reason = reason
    if t.target in wf.final:
        case.closed_at = timezone.now()
    case.save()
    Step.objects.create(
        case=case,
        transition=t.name,
        from_state=from_state,
        to_state=t.target,
        user=user,
        role=user.role,
        date=today,
        reason=reason,
        detail=detail,
    )
    _apply_effects(case, t, wf, user=user, today=today, reason=reason)
    return case  # the case and its step are audited by accounts.audit (workflows/apps.py)


def _apply_needs(case: Case, t: d.Transition, *, user: User, appraisal, notice_start, category, today) -> dict:
    detail: dict = {}
    if d.NEEDS_APPRAISAL in t.needs:
        appraisal = _check_appraisal(appraisal)
        case.appraisal_date = appraisal["date"]
        case.appraisal_attendance = int(appraisal["attendance"])
        case.appraisal_result = appraisal["result"].strip()[:200]
        detail.update(_appraisal_detail(case))
    if d.NEEDS_SIGNED_FORM in t.needs and not case.attachments.filter(kind=AttachmentKind.SIGNED_FORM).exists():
        raise field_error("attachment", _("Upload the signed confirmation form first."), "signed_form")
    if d.NEEDS_NOTICE_START in t.needs:
        last = case.steps.order_by("-at", "-id").values_list("date", flat=True).first()
        if notice_start is None:
            raise field_error("notice_start", _("Give the date the notice was posted."), "required")
        if notice_start > today or (last is not None and notice_start < last):
            raise field_error(
                "notice_start", _("The notice date must lie between the previous step and today."), "notice_date"
            )
        case.notice_start, case.notice_end = notice_start, None
        detail["notice_start"] = notice_start.isoformat()
    if d.NEEDS_NOTICE_CLOSED in t.needs:
        days = notice_days(case)
        if case.notice_start is None or (today - case.notice_start).days < days:
            raise field_error(
                "transition", _("The notice must run at least %(days)d days.") % {"days": days}, "notice_early"
            )
        if case.objections.filter(resolved_at__isnull=True).exists():
            raise field_error("transition", _("Resolve the open objections first."), "open_objection")
        case.notice_end = today
        detail.update(notice_end=today.isoformat(), notice_days=days)
    if d.NEEDS_CATEGORY in t.needs:
        category = category or case.category
        if category not in AlertCategory.values:
            raise field_error("category", _("Choose the monitoring category."), "required")
        case.category = category
        detail["category"] = category
    if d.NEEDS_PASSING_CHECK in t.needs:
        snapshot = exit_check(case, today)
        if not snapshot["eligible"]:
            raise _check_refusal(snapshot, user)
        detail["check"] = check_summary(snapshot)
    if d.NEEDS_CLOSING_GROUNDS in t.needs:
        _check_closing(case, today)
    if d.NEEDS_RISK_CLEARED in t.needs and case.household is not None:
        detail["conditions"] = _check_risk_cleared(case.household, today, field="transition")
    if d.NEEDS_SAMPLE in t.needs:
        sample = VerificationSample.objects.filter(county=case.region).order_by("-drawn_on", "-id").first()
        if sample is None:
            raise field_error("transition", _("Draw and verify the county's sample first."), "sample_required")
        case.sample = sample
        detail.update(sample=sample.pk, seed=sample.seed, snapshot=region_snapshot(case.region, case.year, today))
    return detail


# The household statuses a case may still change at announcement (someone may have changed it meanwhile).
STATUS_BEFORE: dict[str, tuple[str, ...]] = {
    d.CaseType.HOUSEHOLD_EXIT: hc.POOR_STATUSES,
    d.CaseType.RETURN: (hc.Status.EXITED, hc.Status.EXITED_NO_POLICY),
    d.CaseType.IDENTIFICATION: hc.UNIDENTIFIED_STATUSES,
    d.CaseType.CLOSING: tuple(v for v in hc.Status if v != hc.Status.CLOSED),
}


def _check_status_still_fits(household: Household, wf: d.Workflow) -> None:
    # Read from the database: the household may have been changed since the case was loaded.
    status = Household.objects.filter(pk=household.pk).values_list("status", flat=True).get()
    if status not in STATUS_BEFORE.get(wf.case_type, (status,)):
        raise field_error(
            "transition", _("The household's status changed meanwhile; send the case back."), "status_changed"
        )


def _apply_effects(case: Case, t: d.Transition, wf: d.Workflow, *, user: User, today: dt.date, reason: str) -> None:
    if d.SEAL_DOSSIER in t.effects:
        from .dossier import dossier_seal

        dossier_seal(case=case, user=user)
    if t.target == d.State.REMOVED and case.alert_id:
        # §7: the household stays in the records; its alert is closed so a new risk opens a new alert.
        MonitoringAlert.objects.filter(pk=case.alert_id, closed_at__isnull=True).update(
            state=AlertState.REMOVED,
            closed_at=timezone.now(),
            closed_by=user,
            close_reason=(reason or _("Risk removed"))[:500],
        )
    if d.RECORD_REGION_EXIT in t.effects:
        region_exit_record(region=case.region, year=case.year)
    if d.REFUSE_IDENTIFICATION in t.effects and case.household is not None:
        _refuse_identification(case, wf, user=user, today=today, reason=reason)
    if d.SET_STATUS in t.effects and case.household is not None:
        _check_status_still_fits(case.household, wf)
        household_status_change(
            user=user,
            household=case.household,
            to_status=wf.target_status,
            date=today,
            year=case.year,
            reason=_status_reason(case, reason),
        )
        if wf.target_status == hc.Status.CLOSED:
            # §3.1: nobody is left to monitor; the household's running alert closes with the closing.
            MonitoringAlert.objects.filter(household=case.household, state__in=ACTIVE_STATES).update(
                state=AlertState.DISMISSED,
                closed_at=timezone.now(),
                closed_by=user,
                close_reason=_status_reason(case, reason),
            )


def _refuse_identification(case: Case, wf: d.Workflow, *, user: User, today: dt.date, reason: str) -> None:
    """§6.2: a refused identification keeps its reason on the case, and the household becomes not_poor with
    the reason on its status event (it may apply again later)."""
    household = case.household
    assert household is not None  # the caller checked: identification is a household case
    _check_status_still_fits(household, wf)
    household_status_change(
        user=user, household=household, to_status=hc.Status.NOT_POOR, date=today, year=case.year, reason=reason
    )


def _status_reason(case: Case, remark: str) -> str:
    """The reason on the household's status event: a closing's reason and justification (§3.1), else the
    last step's remark or "… announced"."""
    if case.case_type == d.CaseType.CLOSING:
        text = _("%(reason)s: %(justification)s") % {
            "reason": case.get_closing_reason_display(),
            "justification": case.justification,
        }
        return text[:500]
    return remark or _("%(case)s announced") % {"case": case.get_case_type_display()}


def _may_run_notice(user: User, case: Case) -> bool:
    """Whoever runs a case's notice records and resolves its objections."""
    closing = d.WORKFLOWS[case.case_type].transition("close_notice")
    return (
        closing is not None and closing.allows(user) and _in_scope(user, household=case.household, region=case.region)
    )


@transaction.atomic
def objection_record(*, user: User, case: Case, raised_on: dt.date, raised_by: str, content: str) -> Objection:
    """§6.1 step 4: an objection raised during the notice; it blocks closing the notice until resolved."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not _may_run_notice(user, case):
        raise PermissionDenied(_("You cannot record objections on this case."))
    if case.state != d.State.NOTICE:
        raise ValidationError(_("Objections are recorded while the notice runs."), code="wrong_state")
    if not (content or "").strip() or not (raised_by or "").strip():
        raise field_error("content", _("Say who objects and what the objection is."), "required")
    if raised_on > _today() or (case.notice_start and raised_on < case.notice_start):
        raise field_error("raised_on", _("The date must lie within the notice."), "date")
    return Objection.objects.create(
        case=case, raised_on=raised_on, raised_by=raised_by.strip()[:100], content=content.strip(), recorded_by=user
    )


@transaction.atomic
def objection_resolve(*, user: User, objection: Objection, resolution: str) -> Objection:
    objection = Objection.objects.select_for_update().select_related("case").get(pk=objection.pk)
    case = objection.case
    if not _may_run_notice(user, case):
        raise PermissionDenied(_("You cannot resolve objections on this case."))
    if objection.resolved_at is not None:
        raise ValidationError(_("This objection is already resolved."), code="resolved")
    if not (resolution or "").strip():
        raise field_error("resolution", _("Say how the objection was resolved."), "required")
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution.strip(), user, timezone.now()
    objection.save()
    return objection


def _sniff(head: bytes) -> str | None:
    for content_type, magics in ATTACHMENT_TYPES.items():
        if any(head.startswith(m) for m in magics):
            return content_type
    return None


@transaction.atomic
def attachment_add(*, user: User, case: Case, kind: str, upload) -> Attachment:
    """Evidence for a case (§6.1): JPEG, PNG or PDF up to 5 MB, recognised by its content, not its name."""
    if not _may_add_evidence_here(user, case):
        raise PermissionDenied(_("Evidence is added by whoever takes this case's next step."))
    if not case.is_open or hasattr(case, "dossier"):
        raise field_error("file", _("The case is closed or its dossier is sealed."), "sealed")
    if kind not in AttachmentKind.values:
        raise field_error("kind", _("Choose the kind of evidence."), "invalid")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise field_error("file", _("A file may be at most 5 MB."), "too_large")
    upload.seek(0)
    head = upload.read(16)
    sniffed = _sniff(head)
    if sniffed is None:
        raise field_error("file", _("Upload a JPEG or PNG photo or a PDF scan."), "content_type")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Attachment.objects.create(
        case=case,
        kind=kind,
        file=upload,
        name=str(upload.name)[-200:],
        content_type=sniffed,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )


@transaction.atomic
def alert_confirm(*, user: User, alert: MonitoringAlert, reason: str) -> Case:
    """§7: confirming an open alert opens the monitoring case of its household (visit → … → monitored)."""
    if not access.may_dismiss_alert(user):
        raise PermissionDenied(_("Your role cannot confirm alerts."))
    alert = MonitoringAlert.objects.select_for_update().select_related("household").get(pk=alert.pk)
    if alert.state != AlertState.OPEN:
        raise ValidationError(_("Only an open alert can be confirmed."), code="not_open")
    MonitoringAlert.objects.filter(pk=alert.pk).update(state=AlertState.CONFIRMED, updated_at=timezone.now())
    return case_open(
        user=user,
        case_type=d.CaseType.MONITORING,
        household=alert.household,
        alert=alert,
        category=alert.category,
        justification=(reason or "").strip(),
    )
