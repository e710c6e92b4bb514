"""Forms of the fund ledger (§11). They only bind input: every rule is checked by funds.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import Member
from povertymgmt.dates import policy_date_validator, policy_year_validator
from povertymgmt.forms import styled
from projects.choices import AssistanceCategory, FundSource
from projects.models import Project
from villages.models import Region

from .choices import Payee
from .models import Allocation, Arrangement

DATE = forms.DateInput(attrs={"type": "date"})


def _amount() -> forms.DecimalField:
    return forms.DecimalField(max_digits=14, decimal_places=2, label=_("Amount (yuan)"))


class AllocationForm(forms.Form):
    source = forms.ChoiceField(label=_("Fund source"), choices=FundSource.choices)
    county = forms.ModelChoiceField(label=_("County"), queryset=Region.objects.none())  # set by __init__
    document_number = forms.CharField(label=_("Document number"), max_length=100)
    amount = _amount()
    date = forms.DateField(label=_("Date"), widget=DATE, validators=[policy_date_validator])
    year = forms.IntegerField(label=_("Fund year"), required=False, validators=[policy_year_validator])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        if counties.count() == 1:
            self.fields["county"].initial = counties.first()
        styled(self)


class ArrangementForm(forms.Form):
    allocation = forms.ModelChoiceField(label=_("Allocation"), queryset=Allocation.objects.none())  # set by __init__
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())  # set by __init__
    amount = _amount()
    date = forms.DateField(label=_("Date"), widget=DATE, validators=[policy_date_validator])
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, allocations, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].queryset = allocations
        self.fields["allocation"].label_from_instance = lambda a: (
            f"{a.document_number} · {a.get_source_display()} · {a.county.name} · {a.amount}"
        )
        self.fields["project"].queryset = projects
        styled(self)


class DisbursementForm(forms.Form):
    arrangement = forms.ModelChoiceField(label=_("Arrangement"), queryset=Arrangement.objects.none())  # set by __init__
    payee = forms.ChoiceField(label=_("Paid to"), choices=Payee.choices, initial=Payee.UNIT)
    payee_unit = forms.CharField(label=_("Receiving unit"), required=False, max_length=200)
    household_number = forms.CharField(label=_("Household number"), required=False, max_length=20)
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *AssistanceCategory.choices], required=False)
    amount = _amount()
    date = forms.DateField(label=_("Date"), widget=DATE, validators=[policy_date_validator])
    voucher = forms.CharField(label=_("Voucher number"), required=False, max_length=100)
    record_assistance = forms.BooleanField(
        label=_("Also record the assistance on the household's page"), required=False, initial=True
    )
    override = forms.BooleanField(label=_("Override: pay a closed household or a deceased member"), required=False)
    override_reason = forms.CharField(label=_("Override reason"), required=False, max_length=300)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, arrangements, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrangement"].queryset = arrangements
        self.fields["arrangement"].label_from_instance = lambda a: f"{a.project.name} · {a.date:%Y-%m-%d} · {a.amount}"
        if members is not None:
            self.fields["member"].queryset = members
        styled(self)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the reversal"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class ReportFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Fund year"), required=False, min_value=2013, max_value=2100)
    county = forms.ChoiceField(label=_("County"), required=False)
    source = forms.ChoiceField(label=_("Fund source"), choices=[("", "—"), *FundSource.choices], required=False)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", "—")] + [(c.code, c.name) for c in counties]
        styled(self)
