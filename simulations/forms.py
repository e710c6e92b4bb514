"""The scenario form (issue 17): the year's live parameters as initial values, each field the policy
parameter model's own (label, digits, validators); the service checks everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from eligibility.models import PolicyParameter

from .parameters import SIMULATED


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    year = forms.IntegerField(label=_("Policy year"))
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SIMULATED:
            field = PolicyParameter._meta.get_field(name).formfield()
            field.required = name != "same_year_exit_forbidden"
            self.fields[name] = field

    def parameters(self) -> dict:
        """The parameter values as the service takes them (strings and a boolean)."""
        data = self.cleaned_data
        return {n: data[n] if isinstance(data[n], bool) else str(data[n]) for n in SIMULATED if n in data}
