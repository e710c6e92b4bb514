"""Forms of assistance (§4)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from povertymgmt.dates import policy_date_validator
from povertymgmt.forms import styled

from .models import AssistanceRecord, SmallLoan
from .validators import validate_photo

DATE = forms.DateInput(attrs={"type": "date"})


class AssistanceRecordForm(forms.ModelForm):
    class Meta:
        model = AssistanceRecord
        fields = ["member", "category", "date", "content", "amount", "project"]
        widgets = {"date": DATE}

    def __init__(self, *args, household, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = household.members.all()
        self.fields["project"].queryset = projects
        self.instance.household = household
        styled(self)


class SmallLoanForm(forms.ModelForm):
    class Meta:
        model = SmallLoan
        fields = [
            "member",
            "bank",
            "amount",
            "benchmark_rate",
            "term_months",
            "issued_on",
            "due_on",
            "extended_to",
            "repaid_on",
        ]
        widgets = {"issued_on": DATE, "due_on": DATE, "extended_to": DATE, "repaid_on": DATE}

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = household.members.all()
        self.instance.household = household
        styled(self)


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Visited on"), widget=DATE, initial=timezone.localdate, validators=[policy_date_validator]
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    photo = forms.FileField(label=_("Photo"), required=False, validators=[validate_photo])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        styled(self)


class FollowupForm(forms.Form):
    days = forms.IntegerField(label=_("Days without a visit"), min_value=1, max_value=3650, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)
