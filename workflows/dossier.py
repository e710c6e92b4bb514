"""The exit dossier (§6.1): built from the case and the household, sealed at county approval as JSON
with a SHA-256 of its canonical encoding, verified on every view and by `verify_dossiers`, shown
masked per §9, printed as HTML and PDF."""

import base64
import datetime as dt
import hashlib
import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.masking import MASKED, mask_bank_account, mask_id_number, mask_phone
from accounts.models import User
from eligibility.policy import parameters_for
from households.causes import cause_label, may_see_cause
from households.idnumber import age_on
from households.income import per_capita
from households.models import Income
from villages.working_year import policy_date

from .models import Case, Dossier
from .snapshots import household_snapshot_of_year, snapshot_differences

MEMBER_FIELDS = [
    "name",
    "id_number",
    "sex",
    "birth_date",
    "relationship",
    "education",
    "school_status",
    "has_chronic_disease",
    "has_serious_illness",
    "is_disabled",
    "labour_ability",
    "has_resident_medical",
    "has_employee_medical",
    "has_critical_illness",
]
HOUSEHOLD_FIELDS = [
    "number",
    "status",
    "identification_year",
    "main_cause",
    "phone",
    "bank_name",
    "bank_account",
    "housing_grade",
    "renovation",
    "relocation",
    "has_safe_water",
    "housing_area",
]
INCOME_FIELDS = [
    "wages",
    "business",
    "property",
    "family_planning",
    "dibao",
    "tekun",
    "pension",
    "eco_compensation",
    "other_transfer",
    "business_costs",
    "transfer",
    "net",
]
SENSITIVE_MEMBER = ("has_chronic_disease", "has_serious_illness", "is_disabled")
# What the exit test's medical criterion looked at that counts ill people: a health fact (§9).
SENSITIVE_CRITERION_VALUES = {"medical": ("sick_without_critical",)}


def file_kind(content_type: str) -> str:
    """An evidence file's kind in words, as the dossier shows it (issue 15, item 9): the sealed JSON keeps
    the MIME type (application/pdf, image/jpeg, image/png: workflows.services.ATTACHMENT_TYPES)."""
    if content_type == "application/pdf":
        return _("PDF file")
    if content_type.startswith("image/"):
        return _("Image")
    return _("File")


def canonical(content: dict) -> dict:
    """JSON-native values only (Decimals and dates as strings), so what is stored reads back as hashed."""
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False))


def content_hash(content: dict) -> str:
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _who(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _local(moment) -> str | None:
    """Times in the dossier in local time to the minute, as people read them on paper."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else None


def dossier_content(case: Case) -> dict:
    """Everything §6.1 asks the dossier to hold, as of now (five queries plus the live exit test). The
    decision is for the case's policy year, as of that year's policy date (today within the year, 31
    December once it is over): the dossier says both, and the test at approval is of that year."""
    h = case.household
    if h is None:
        # Village and county cases have no household and so no exit dossier (§6.1 is per household).
        raise ValueError(f"case {case.pk} is not a household case and has no dossier")
    today = timezone.localdate()
    as_of = policy_date(case.year, today)
    approval = household_snapshot_of_year(h, case.year, today)
    proposal = case.proposal_snapshot or {}
    members = list(h.members.filter(departure="").order_by("id").values(*MEMBER_FIELDS))
    income = Income.objects.filter(household=h, year=case.year).values(*INCOME_FIELDS).first()
    line = parameters_for(case.year).poverty_line
    calc = None
    if income is not None:
        n = len(members)
        calc = {
            **income,
            "year": case.year,
            "members": n,
            "per_capita_net": per_capita(income["net"], n),
            "poverty_line": line,
        }
    village = h.village
    return canonical(
        {
            "case": {
                "id": case.pk,
                "type": case.case_type,
                "year": case.year,
                "decision": {"policy_year": case.year, "as_of": as_of},
                "opened_at": _local(case.opened_at),
                "opened_by": _who(case.opened_by),
                "justification": case.justification,
                "eligible_at_proposal": case.eligible_at_proposal,
                "appraisal": {
                    "date": case.appraisal_date,
                    "attendance": case.appraisal_attendance,
                    "result": case.appraisal_result,
                },
                "notice": {
                    "start": case.notice_start,
                    "end": case.notice_end,
                    "days_required": parameters_for(case.year).notice_days,
                },
            },
            "household": {
                **{f: getattr(h, f) for f in HOUSEHOLD_FIELDS},
                "village": village.name,
                "village_code": village.code,
                "township": village.parent.name if village.parent is not None else "",
                "county": h.county.name,
            },
            "members": members,
            "income": calc,
            "eligibility": {
                "proposal": proposal,
                "approval": approval,
                "differences": snapshot_differences(proposal, approval),
            },
            "attachments": [
                {
                    "id": a.pk,
                    "kind": a.kind,
                    "name": a.name,
                    "content_type": a.content_type,
                    "size": a.size,
                    "sha256": a.sha256,
                    "uploaded_by": _who(a.uploaded_by),
                    "uploaded_at": _local(a.uploaded_at),
                }
                for a in case.attachments.select_related("uploaded_by")
            ],
            "objections": [
                {
                    "raised_on": o.raised_on,
                    "raised_by": o.raised_by,
                    "content": o.content,
                    "resolved_at": _local(o.resolved_at),
                    "resolution": o.resolution,
                    "resolved_by": _who(o.resolved_by),
                }
                for o in case.objections.select_related("resolved_by")
            ],
            "steps": [
                {
                    "transition": s.transition,
                    "from": s.from_state,
                    "to": s.to_state,
                    "by": _who(s.user),
                    "role": s.role,
                    "at": _local(s.at),
                    "date": s.date,
                    "reason": s.reason,
                }
                for s in case.steps.select_related("user")
            ],
        }
    )


@transaction.atomic
def dossier_seal(*, case: Case, user: User) -> Dossier:
    """§6.1: freeze the dossier at county approval; later household edits leave it unchanged."""
    content = dossier_content(case)
    if not content["eligibility"]["approval"].get("eligible"):
        # case_transition refuses the approval first (NEEDS_PASSING_CHECK); never seal a failing check.
        raise ValidationError(_("A dossier is sealed only on a passing exit check."), code="check_failed")
    content["sealed"] = {"by": _who(user), "at": _local(timezone.now())}
    return Dossier.objects.create(case=case, content=content, sha256=content_hash(content), sealed_by=user)


def dossier_verify(dossier: Dossier) -> bool:
    """True when the stored content still hashes to the sealed SHA-256 (tampering shows as False)."""
    return content_hash(dossier.content) == dossier.sha256


def _age_day(content: dict) -> dt.date:
    """The day ages are counted to: the sealing day of a sealed dossier, else today."""
    sealed_at = (content.get("sealed") or {}).get("at") or ""
    try:
        return dt.date.fromisoformat(sealed_at[:10])
    except ValueError:
        return timezone.localdate()


def _mask_criteria(snapshot: dict) -> None:
    """A failed medical criterion says why (someone ill without insurance): all its values and the
    reason are hidden; passed or not, the count of ill members is."""
    for code, keys in SENSITIVE_CRITERION_VALUES.items():
        crit = (snapshot.get("criteria") or {}).get(code)
        if not crit:
            continue
        values = crit.get("values") or {}
        if crit.get("passed") is False:
            crit["values"] = dict.fromkeys(values, MASKED)
            crit["reason"] = "failed"
        else:
            crit["values"] = {k: MASKED if k in keys else v for k, v in values.items()}


def masked_check(snapshot: dict, user: User) -> dict:
    """§9: an exit-test snapshot as `user` may see it (the medical criterion's detail is a health fact)."""
    if access.may_view_health(user):
        return snapshot
    out = json.loads(json.dumps(snapshot))
    _mask_criteria(out)
    return out


def masked(content: dict, user: User) -> dict:
    """§9: identifiers and health details hidden from roles without view-sensitive; the birth date (which
    with the masked ID number rebuilds it) becomes the age in years."""
    if access.may_view_sensitive(user):
        return content
    out = json.loads(json.dumps(content))
    hh = out.get("household", {})
    hh["phone"] = mask_phone(hh.get("phone") or "")
    hh["bank_account"] = mask_bank_account(hh.get("bank_account") or "")
    if not may_see_cause(user, hh.get("main_cause")):
        # Illness, disability and other: one cause, "Other (incl. undisclosed)" (households.causes).
        hh["main_cause"] = cause_label(hh.get("main_cause"), user)
    day = _age_day(content)
    for m in out.get("members", []):
        m["id_number"] = mask_id_number(m.get("id_number") or "")
        if not access.may_view_birth_date(user):
            born = m.pop("birth_date", None)
            m["age"] = age_on(dt.date.fromisoformat(born), day) if born else None
        if not access.may_view_health(user):
            for f in SENSITIVE_MEMBER:
                m[f] = MASKED
    if not access.may_view_health(user):
        for snapshot in (out.get("eligibility") or {}).values():
            if isinstance(snapshot, dict):
                _mask_criteria(snapshot)
    return out


def evidence_images(case: Case, *, embed: bool) -> dict[int, dict]:
    """Photos and scans of the case by id: a scoped URL for pages, the bytes inlined for the PDF. A file
    whose SHA-256 no longer matches the one recorded at upload is flagged, never shown as evidence."""
    images = {}
    for a in case.attachments.filter(content_type__startswith="image/"):
        entry = {"url": reverse("workflows:attachment", args=[case.pk, a.pk]), "intact": True}
        if embed:
            with a.file.open("rb") as fh:
                data = fh.read()
            entry["intact"] = hashlib.sha256(data).hexdigest() == a.sha256
            entry["url"] = f"data:{a.content_type};base64,{base64.b64encode(data).decode()}"
        images[a.pk] = entry
    return images


def dossier_context(case: Case, user: User, *, embed: bool = False) -> dict:
    """The dossier to show: the sealed content (and whether it verifies) or, before sealing, a live draft."""
    dossier = Dossier.objects.filter(case=case).first()
    if dossier is not None:
        content, sealed, valid = dossier.content, True, dossier_verify(dossier)
    else:
        content, sealed, valid = dossier_content(case), False, None
    shown = masked(content, user)
    criteria = []
    elig = shown.get("eligibility", {})
    before, after = elig.get("proposal", {}).get("criteria", {}), elig.get("approval", {}).get("criteria", {})
    for code in dict.fromkeys([*before, *after]):
        criteria.append(
            {
                "code": code,
                "before": before.get(code),
                "after": after.get(code),
                "differs": code in elig.get("differences", []),
            }
        )
    approval = elig.get("approval") or {}
    # Dossiers sealed before the decision was recorded on its own: the year and date of the approval test.
    decision = (shown.get("case") or {}).get("decision") or {
        "policy_year": approval.get("policy_year") or (shown.get("case") or {}).get("year"),
        "as_of": approval.get("as_of"),
    }
    return {
        "case": case,
        "dossier": dossier,
        "content": shown,
        "decision": decision,
        "sealed": sealed,
        "valid": valid,
        "criteria": criteria,
        "images": evidence_images(case, embed=embed),
        "birth_dates_shown": access.may_view_birth_date(user),
    }


def dossier_html(case: Case, user: User, *, for_pdf: bool = False) -> str:
    ctx = dossier_context(case, user, embed=for_pdf)
    ctx["for_pdf"] = for_pdf
    return render_to_string("workflows/dossier_print.html", ctx)


def dossier_pdf(case: Case, user: User, **options) -> bytes:
    """The printable dossier as PDF (WeasyPrint; Chinese text needs a CJK font such as WenQuanYi)."""
    from weasyprint import HTML

    return HTML(string=dossier_html(case, user, for_pdf=True)).write_pdf(**options)
