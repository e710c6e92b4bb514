"""Forms of the registry UI (§3): the household with its members, income and assessment, and filters."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import modelformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import regions_for
from accounts.models import User
from povertymgmt.dates import policy_date_validator
from villages.models import Level, Region

from . import choices as c
from .idnumber import normalise, parse_id_number
from .models import Assessment, Household, Income, Member

# Sensitive fields (§9) that a role without "view sensitive" neither sees nor retypes on an existing record.
HOUSEHOLD_SENSITIVE = ("phone", "bank_account")
MEMBER_SENSITIVE = (
    "id_type",
    "id_number",
    "birth_date",
    "sex",
    "has_chronic_disease",
    "has_serious_illness",
    "is_disabled",
    "disability_category",
    "disability_grade",
    "disability_certificate",
)

HOUSEHOLD_FIELDSETS = [
    (
        _("Identity"),
        [
            "village",
            "phone",
            "bank_name",
            "bank_account",
            "identification_year",
            "identification_standard",
            "household_type",
        ],
    ),
    (
        _("Causes of poverty and flags"),
        ["main_cause", "other_cause_1", "other_cause_2", "is_military_family", "is_only_child", "is_two_daughters"],
    ),
    (
        _("Land"),
        [
            "arable_land",
            "irrigated_land",
            "forest_land",
            "returned_farmland_forest",
            "fruit_forest",
            "grassland",
            "water_surface",
        ],
    ),
    (
        _("Housing and living conditions"),
        [
            "housing_area",
            "housing_grade",
            "renovation",
            "relocation",
            "has_safe_water",
            "has_sanitary_toilet",
            "main_fuel",
            "has_household_electricity",
            "has_production_electricity",
            "has_radio_tv",
            "road_distance_km",
            "road_type",
        ],
    ),
    (_("Production"), ["in_cooperative", "led_by_enterprise", "led_by_entrepreneur"]),
]

MEMBER_MAIN = ["name", "relationship", "id_type", "id_number", "birth_date", "sex"]
MEMBER_GROUPS = [
    (
        _("Education and work"),
        [
            "ethnicity",
            "political_status",
            "education",
            "school_status",
            "no_school_reason",
            "labour_ability",
            "work_status",
            "months_worked",
            "has_public_welfare_post",
            "left_behind",
        ],
    ),
    (
        _("Health condition"),
        [
            "has_chronic_disease",
            "has_serious_illness",
            "is_disabled",
            "disability_category",
            "disability_grade",
            "disability_certificate",
        ],
    ),
    (
        _("Insurance and support"),
        [
            "has_resident_medical",
            "has_employee_medical",
            "has_critical_illness",
            "has_resident_pension",
            "has_employee_pension",
            "receives_dibao",
            "receives_tekun",
            "has_family_doctor",
            "is_active_serviceman",
        ],
    ),
]
MEMBER_FIELDS = MEMBER_MAIN + [f for _legend, names in MEMBER_GROUPS for f in names]

# Reasons a new member joins (§3.2): recorded as a member change event.
JOIN_REASONS = [
    ("", _("(not recorded)")),
    (c.MemberEventKind.BIRTH, c.MemberEventKind.BIRTH.label),
    (c.MemberEventKind.MARRIAGE_IN, c.MemberEventKind.MARRIAGE_IN.label),
    (c.MemberEventKind.MOVED_IN, c.MemberEventKind.MOVED_IN.label),
    (c.MemberEventKind.OTHER, c.MemberEventKind.OTHER.label),
]


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes, so templates render fields with a plain {{ field }}."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def village_choices_for(user: User):
    return regions_for(user).filter(level=Level.VILLAGE).order_by("code")


class HouseholdListFilter(forms.Form):
    """The household list's search and filters (§13); every choice stays inside the user's scope."""

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    region = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    village = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All statuses")), *c.Status.choices], required=False)
    household_type = forms.ChoiceField(
        label=_("Household type"), choices=[("", _("All types")), *c.HouseholdType.choices], required=False
    )
    main_cause = forms.ChoiceField(
        label=_("Main cause"), choices=[("", _("All causes")), *c.Cause.choices], required=False
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Household number, name or ID number")
        scope = user.scope
        # A select of thousands of villages helps nobody: above the county the breadcrumb leads instead.
        if scope is not None and scope.level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
            village = self.fields["village"]
            assert isinstance(village, forms.ModelChoiceField)  # declared above; fields is typed as plain Field
            village.queryset = village_choices_for(user)
            village.empty_label = _("All villages")
        else:
            del self.fields["village"]
        _style(self)


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = [f for _legend, names in HOUSEHOLD_FIELDSETS for f in names]
        widgets = {
            "has_household_electricity": forms.NullBooleanSelect,
            "has_production_electricity": forms.NullBooleanSelect,
            "has_radio_tv": forms.NullBooleanSelect,
            "has_safe_water": forms.NullBooleanSelect,
            "has_sanitary_toilet": forms.NullBooleanSelect,
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        village = self.fields["village"]
        assert isinstance(village, forms.ModelChoiceField)  # the ForeignKey's form field
        village.queryset = village_choices_for(user)
        villages = village.queryset
        if self.instance.pk is None and not self.is_bound and len(villages[:2]) == 1:
            self.initial["village"] = villages[0].pk
        if self.instance.pk is None and not self.initial.get("identification_year"):
            self.initial["identification_year"] = timezone.localdate().year
        self.masked = bool(self.instance.pk) and not user.can_view_sensitive
        if self.masked:
            for name in HOUSEHOLD_SENSITIVE:
                del self.fields[name]
        _style(self)

    def fieldsets(self):
        return [(legend, [self[n] for n in names if n in self.fields]) for legend, names in HOUSEHOLD_FIELDSETS]


class MemberForm(forms.ModelForm):
    join_reason = forms.ChoiceField(label=_("Reason for joining"), choices=JOIN_REASONS, required=False)

    class Meta:
        model = Member
        fields = MEMBER_FIELDS
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Birth date and sex are derived from a resident ID number (§3.2); typed only for other certificates.
        self.fields["birth_date"].required = False
        self.fields["sex"].required = False
        self.fields["birth_date"].help_text = _("Only for other certificates.")
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        if self.instance.pk is not None:
            del self.fields["join_reason"]
        self.masked = bool(self.instance.pk) and not user.can_view_sensitive
        if self.masked:
            for name in MEMBER_SENSITIVE:
                del self.fields[name]
        _style(self)

    def clean_id_number(self):
        return normalise(self.cleaned_data.get("id_number", ""))

    def clean(self):
        data = super().clean()
        if "id_number" not in self.fields:
            return data
        id_type, number = data.get("id_type"), data.get("id_number")
        if id_type == c.IdType.RESIDENT_ID and number:
            try:
                info = parse_id_number(number)
            except ValidationError as e:
                self.add_error("id_number", e)
            else:
                data["birth_date"], data["sex"] = info.birth_date, info.sex
        elif id_type == c.IdType.OTHER:
            for name in ("birth_date", "sex"):
                if not data.get(name):
                    self.add_error(name, ValidationError(_("Required for other certificates."), code="required"))
        return data

    def groups(self):
        return [(legend, [self[n] for n in names if n in self.fields]) for legend, names in MEMBER_GROUPS]

    def main_fields(self):
        return [self[n] for n in MEMBER_MAIN if n in self.fields]


MemberFormSet = modelformset_factory(Member, form=MemberForm, extra=0, can_delete=False)


class IncomeForm(forms.ModelForm):
    """The current year's income record (§3.1); left untouched it is not saved."""

    class Meta:
        model = Income
        fields = [
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
            "medical_expense",
            "education_expense",
            "disaster_loss",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.widget.attrs.update({"inputmode": "decimal", "min": "0", "step": "0.01"})
        _style(self)

    def clean(self):
        data = super().clean()
        for name in self.fields:
            if data.get(name) is None and name not in self.errors:
                data[name] = self.instance._meta.get_field(name).default
        return data


class AssessmentForm(forms.ModelForm):
    """An optional new two no-worries assessment (§3.1): recorded when a date is given."""

    class Meta:
        model = Assessment
        fields = ["assessed_on", "food_secure", "clothing_secure", "note"]
        widgets = {"assessed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].required = False
        _style(self)

    def clean_assessed_on(self):
        value = self.cleaned_data.get("assessed_on")
        if value and value > timezone.localdate():
            raise ValidationError(_("The assessment date cannot be in the future."), code="future")
        return value

    @property
    def wanted(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("assessed_on"))


class MemberChangeForm(forms.Form):
    """A departure or other natural change of a member (§3.2, §6.2)."""

    kind = forms.ChoiceField(
        label=_("Change"),
        choices=[
            (k.value, k.label)
            for k in (
                c.MemberEventKind.DEATH,
                c.MemberEventKind.MARRIAGE_OUT,
                c.MemberEventKind.MOVED_AWAY,
                c.MemberEventKind.OTHER,
            )
        ],
    )
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), validators=[policy_date_validator]
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
