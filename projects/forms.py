"""Forms of the project library (§10)."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from accounts import access
from households.models import Household
from povertymgmt.forms import styled
from villages.models import Level, Region

from .choices import ALLOWED_TRANSITIONS, FundSource, ProjectStatus
from .models import PerformanceTarget, Project


class ProjectForm(forms.ModelForm):
    beneficiary_numbers = forms.CharField(
        label=_("Beneficiary household numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One household number per line or separated by spaces."),
    )

    class Meta:
        model = Project
        fields = [
            "name",
            "county",
            "year",
            "category",
            "villages",
            "content",
            "implementing_unit",
            "planned_start",
            "planned_end",
            "beneficiary_people",
            "benefit_linkage",
            "benefit_linkage_note",
        ]
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}),
            "planned_end": forms.DateInput(attrs={"type": "date"}),
            "content": forms.Textarea(attrs={"rows": 3}),
            "villages": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        in_counties = Q(pk__in=[])
        for c in counties:
            in_counties |= access.region_q(c)
        villages = Region.objects.filter(in_counties, level=Level.VILLAGE)
        self.fields["villages"].queryset = villages
        self.fields["villages"].required = False
        for source, label in FundSource.choices:
            self.fields[f"budget_{source}"] = forms.DecimalField(
                label=_("Budget: %(source)s (yuan)") % {"source": label},
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
            )
        if self.instance.pk:
            for b in self.instance.budgets.all():
                self.initial[f"budget_{b.source}"] = b.amount
            self.initial["beneficiary_numbers"] = "\n".join(
                self.instance.beneficiary_households.values_list("number", flat=True)
            )
        styled(self)

    def budgets(self) -> dict[str, Decimal]:
        return {s: self.cleaned_data.get(f"budget_{s}") or Decimal("0") for s in FundSource.values}

    def clean(self):
        data = super().clean()
        county = data.get("county")
        numbers = (data.get("beneficiary_numbers") or "").replace(",", " ").split()
        households = list(Household.objects.filter(number__in=numbers, county=county)) if county else []
        missing = sorted(set(numbers) - {h.number for h in households})
        if missing:
            self.add_error(
                "beneficiary_numbers",
                forms.ValidationError(
                    _("No household of this county has the number %(n)s.") % {"n": missing[0]}, code="unknown"
                ),
            )
        self.beneficiaries = households
        return data


# Quoted: the stubs make these classes generic, Django's own do not subscript.
TargetFormSet: "type[BaseInlineFormSet[PerformanceTarget, Project, forms.ModelForm[PerformanceTarget]]]" = (
    inlineformset_factory(
        Project, PerformanceTarget, fields=["indicator", "unit", "planned", "achieved"], extra=2, can_delete=False
    )
)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=ProjectStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_TRANSITIONS.get(project.status, set())
        to_status = self.fields["to_status"]
        assert isinstance(to_status, forms.ChoiceField)  # declared above; fields is typed as plain Field
        to_status.choices = [(v, lbl) for v, lbl in ProjectStatus.choices if v in allowed]
        styled(self)


class ProjectFilterForm(forms.Form):
    county = forms.ChoiceField(label=_("County"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2013, max_value=2100)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import PROJECT_CATEGORIES

        blank = [("", "—")]
        self.fields["county"].choices = blank + [(c.code, c.name) for c in counties]
        self.fields["category"].choices = blank + list(PROJECT_CATEGORIES)
        self.fields["status"].choices = blank + list(ProjectStatus.choices)
        styled(self)
