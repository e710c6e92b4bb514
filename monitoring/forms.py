"""Filters of the monitoring pages and the dismissal form (§7, §8.2)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AlertCategory, AlertState, QualityCode


class QualityFilter(forms.Form):
    region = forms.CharField(label=_("Region code"), max_length=12, required=False)
    code = forms.ChoiceField(label=_("Check"), choices=[("", _("All checks")), *QualityCode.choices], required=False)


class AlertFilter(forms.Form):
    region = forms.CharField(label=_("Region code"), max_length=12, required=False)
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All states")), *AlertState.choices], required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All categories")), *AlertCategory.choices], required=False
    )


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Reason for dismissal"), max_length=500, strip=True)
