"""Forms of the region pages (§2): the yearly figures a county office records."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from villages.flags import LEVEL_FLAGS
from villages.models import Level, PovertyCountyKind, RegionYear

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


YES_NO = [("true", _("Yes")), ("false", _("No"))]
# The form's value for "not a poverty county" (the model's empty string): a required choice cannot be "".
NOT_POVERTY_COUNTY = "none"


def _yes_no(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "true",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("Choose yes or no."), "invalid_choice": _("Choose yes or no.")},
    )


class RegionFlagsForm(forms.Form):
    """A region's flags of one year (§2, issue 14): the village's or the county's, by its level."""

    is_poverty_village = _yes_no(_("Registered poverty village"))
    is_deep_poverty = _yes_no(_("Deep poverty"))
    is_border_village = _yes_no(_("Border village"))
    poverty_county = forms.ChoiceField(
        label=_("Poverty county"),
        choices=[(value or NOT_POVERTY_COUNTY, label) for value, label in PovertyCountyKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": _("Choose the kind of poverty county."),
            "invalid_choice": _("Choose the kind of poverty county."),
        },
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Kept in the change history, e.g. the document that changed the classification."),
    )

    def __init__(self, *args, level: str, flags=None, **kwargs):
        super().__init__(*args, **kwargs)
        keep = set(LEVEL_FLAGS.get(Level(level), ())) | {"reason"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if flags is not None:
            for name in keep - {"reason"}:
                value = getattr(flags, name)
                if name == "poverty_county":
                    self.initial[name] = value or NOT_POVERTY_COUNTY
                else:
                    self.initial[name] = "true" if value else "false"

    def clean_poverty_county(self) -> str:
        value = self.cleaned_data["poverty_county"]
        return "" if value == NOT_POVERTY_COUNTY else value

    def flags(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "reason"}
