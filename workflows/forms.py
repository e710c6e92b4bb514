"""Forms of the workflow pages (§6, §7); the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.models import AlertCategory

from .definitions import CaseType
from .models import AttachmentKind, ClosingReason

DATE = forms.DateInput(attrs={"type": "date"})


class AppraisalFields(forms.Form):
    appraisal_date = forms.DateField(label=_("Appraisal date"), required=False, widget=DATE)
    appraisal_attendance = forms.IntegerField(label=_("Attendance"), required=False, min_value=1)
    appraisal_result = forms.CharField(label=_("Appraisal result"), required=False, max_length=200)

    def appraisal(self) -> dict:
        c = self.cleaned_data
        return {
            "date": c.get("appraisal_date"),
            "attendance": c.get("appraisal_attendance"),
            "result": c.get("appraisal_result") or "",
        }


class CaseOpenForm(AppraisalFields):
    case_type = forms.ChoiceField(
        label=_("Case type"),
        choices=CaseType.choices,
    )
    household = forms.CharField(label=_("Household number"), required=False, max_length=20)
    region = forms.CharField(label=_("Region code"), required=False, max_length=12)
    # §3.1: asked only of a household closing (销户); the page shows it for that type (case_open.js).
    closing_reason = forms.ChoiceField(
        label=_("Closing reason"), required=False, choices=[("", "---------"), *ClosingReason.choices]
    )
    justification = forms.CharField(label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # §7: asked only of a monitoring case opened without a nightly alert (case_open.js shows them for it).
    category = forms.ChoiceField(
        label=_("Monitoring category"), required=False, choices=[("", "---------"), *AlertCategory.choices]
    )
    trigger_note = forms.CharField(
        label=_("Trigger or reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the village saw: an illness, an accident, a lost job, an income below the range…"),
    )

    field_order = ["case_type", "household", "region", "appraisal_date", "appraisal_attendance", "appraisal_result"]


class StepForm(AppraisalFields):
    transition = forms.CharField(max_length=30, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason or remark"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notice_start = forms.DateField(label=_("Notice posted on"), required=False, widget=DATE)
    category = forms.ChoiceField(
        label=_("Monitoring category"), required=False, choices=[("", "---------"), *AlertCategory.choices]
    )


class ObjectionForm(forms.Form):
    raised_on = forms.DateField(label=_("Raised on"), widget=DATE)
    raised_by = forms.CharField(label=_("Raised by"), max_length=100)
    content = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("File"))


class ConfirmAlertForm(forms.Form):
    reason = forms.CharField(label=_("Remark"), required=False, max_length=500)


class SampleDrawForm(forms.Form):
    county = forms.CharField(label=_("County code"), max_length=12)
    exited_count = forms.IntegerField(label=_("Exited households to sample"), min_value=0, max_value=10000)
    seed = forms.IntegerField(label=_("Random seed (empty: a new one)"), required=False, min_value=0)
    non_registered = forms.CharField(
        label=_("Non-registered households surveyed, one per line: name, people"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean_non_registered(self) -> list[tuple[str, int]]:
        rows = []
        for n, line in enumerate((self.cleaned_data.get("non_registered") or "").splitlines(), start=1):
            if not line.strip():
                continue
            label, _sep, people = line.replace("，", ",").rpartition(",")
            if not label.strip() or not people.strip().isdigit() or int(people) < 1:
                raise forms.ValidationError(
                    _("Line %(n)d: write the household and its number of people, e.g. 张三, 3"), params={"n": n}
                )
            rows.append((label.strip(), int(people)))
        return rows


TRISTATE = [("", _("Not verified")), ("yes", _("Yes")), ("no", _("No"))]


def tristate(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)
