"""Forms of the region pages (§2): the yearly figures a county office records."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from villages.models import RegionYear

INDICATORS = [
    "has_hard_road",
    "has_safe_water",
    "has_electricity",
    "has_broadband",
    "has_standard_clinic",
    "has_cultural_venue",
]


class RegionYearForm(forms.ModelForm):
    """Rural population, the six village indicators and collective income of one year (§2, §5.4)."""

    class Meta:
        model = RegionYear
        fields = ["rural_population", *INDICATORS, "collective_income"]
        widgets = {name: forms.NullBooleanSelect(attrs={"class": "form-select"}) for name in INDICATORS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rural_population"].validators.append(MinValueValidator(0))
        self.fields["collective_income"].widget.attrs.update({"min": "0", "step": "0.01", "inputmode": "decimal"})
        self.fields["collective_income"].help_text = _("Yuan, two decimals; the village exit test needs it.")
        for name in ("rural_population", "collective_income"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
