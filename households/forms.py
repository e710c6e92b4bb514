"""Forms of the registry UI (§3): the household with its members, income and assessment, and filters."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import may_propose_closing, regions_for
from accounts.masking import mask_bank_account, mask_id_number, mask_phone
from accounts.models import User
from povertymgmt.dates import policy_date_validator
from povertymgmt.forms import ColumnChoiceField
from povertymgmt.widgets import Select
from villages.models import Level, Region
from villages.working_year import working_year

from . import choices as c
from .causes import CAUSE_FIELDS, UNDISCLOSED_CAUSES, cause_choices_for, hidden_cause_fields
from .idnumber import normalise, parse_id_number
from .income import INCOME_ITEMS, per_capita
from .models import Assessment, Household, Income, Member
from .services import (
    INCOME_REASON_MAX,
    duplicate_person_field_message,
    members_check_roles,
    members_registered_elsewhere,
)

# Sensitive fields (§9) of a stored record that a role without "view sensitive" sees masked in their input
# (MaskedValueField: kept unless a whole new value is typed) or not at all (kept as stored).
HOUSEHOLD_MASKED_INPUTS = {"phone": mask_phone, "bank_account": mask_bank_account}
MEMBER_MASKED_INPUTS = {"id_number": mask_id_number}
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

# School status and labour ability sit with the identity: a new member's are chosen, proposed from the age.
MEMBER_MAIN = ["name", "relationship", "id_type", "id_number", "birth_date", "sex", "school_status", "labour_ability"]
MEMBER_GROUPS = [
    (
        _("Education and work"),
        [
            "ethnicity",
            "political_status",
            "education",
            "no_school_reason",
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

# A new member's school status and labour ability start empty and must be chosen (issue 15): the form
# proposes them from the age (households.age_defaults, static/js/household_form.js), never assumes them.
PROPOSED = {
    "school_status": _("Choose the school status: it is proposed from the age once the ID number is typed."),
    "labour_ability": _("Choose the labour ability: it is proposed from the age once the ID number is typed."),
}

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
    village = ColumnChoiceField(
        Region.objects.none(), label_column="name", label=_("Village"), required=False, widget=Select
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *c.Status.choices], required=False, widget=Select
    )
    household_type = forms.ChoiceField(
        label=_("Household type"),
        choices=[("", _("All types")), *c.HouseholdType.choices],
        required=False,
        widget=Select,
    )
    main_cause = forms.ChoiceField(
        label=_("Main cause"), choices=[("", _("All causes")), *c.Cause.choices], required=False, widget=Select
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Household number, name or ID number")
        # §9: no filter on a cause the role may not see (illness, disability, other: it would reveal one).
        main_cause = self.fields["main_cause"]
        assert isinstance(main_cause, forms.ChoiceField)
        main_cause.choices = [("", _("All causes")), *cause_choices_for(user)]
        scope = user.scope
        # A select of thousands of villages helps nobody: above the county the breadcrumb leads instead.
        if scope is not None and scope.level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
            village = self.fields["village"]
            assert isinstance(village, ColumnChoiceField)  # declared above; fields is typed as plain Field
            village.queryset = village_choices_for(user)  # a filter: its pk is used
            village.empty_label = _("All villages")
        else:
            del self.fields["village"]
        _style(self)


# What a new household is registered as (§6.2, §7, docs/lifecycle-applicants.md): an applicant waiting for
# the identification chain, or a non-poor household close to the line recorded for monitoring.
REGISTERED_AS = [
    (c.Status.APPLICANT, _("Applicant for registration as a poor household")),
    (c.Status.NOT_POOR, _("Household close to the poverty line (monitoring object)")),
]


class HouseholdForm(forms.ModelForm):
    # Only on the create path; an existing household keeps its status (changed by the workflows only).
    registered_as = forms.ChoiceField(
        label=_("Register as"),
        choices=REGISTERED_AS,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

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
            self.initial["identification_year"] = working_year()  # the policy year, not the calendar's
        if self.instance.pk is None:
            self.initial.setdefault("registered_as", c.Status.APPLICANT)
        else:
            del self.fields["registered_as"]
        self.masked = bool(self.instance.pk) and not user.can_view_sensitive
        if self.masked:
            for name, masker in HOUSEHOLD_MASKED_INPUTS.items():
                mask_input(self, name, masker)
        self.hidden_causes = _hide_undisclosed_causes(self, user)
        _style(self)

    def fieldsets(self):
        return [(legend, [self[n] for n in names if n in self.fields]) for legend, names in HOUSEHOLD_FIELDSETS]

    def registration_status(self) -> str:
        """The status a new household is created with: an applicant unless registered for monitoring."""
        return self.cleaned_data.get("registered_as") or c.Status.APPLICANT


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
        else:
            _ask_proposed(self)
        self.masked = bool(self.instance.pk) and not user.can_view_sensitive
        if self.masked:
            for name in MEMBER_SENSITIVE:
                if name not in MEMBER_MASKED_INPUTS:
                    del self.fields[name]
            for name, masker in MEMBER_MASKED_INPUTS.items():
                mask_input(self, name, masker)
        _style(self)

    def clean_id_number(self):
        return normalise(self.cleaned_data.get("id_number", ""))

    def clean(self):
        data = super().clean()
        if "id_number" not in self.fields:
            return data
        id_type, number = data.get("id_type"), data.get("id_number")
        if self.masked:
            # The type, birth date and sex are not shown (§9): the stored ones stand, and a new resident ID
            # number brings its own birth date and sex (households.services); a kept number needs no check.
            id_type = self.instance.id_type
            if number == self.instance.id_number or id_type != c.IdType.RESIDENT_ID:
                return data
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


def _ask_proposed(form: "MemberForm") -> None:
    """A new member's PROPOSED fields: empty, required, marked for the browser's proposal."""
    for name, message in PROPOSED.items():
        field = form.fields[name]
        assert isinstance(field, forms.ChoiceField)  # the model field's choices
        offered = [(v, label) for v, label in cast(list[tuple[str, Any]], field.choices) if v != ""]
        field.choices = [("", _("Please choose")), *offered]
        field.required, field.initial = True, None
        field.error_messages["required"] = message
        field.widget.attrs["data-propose"] = name
        form.initial.pop(name, None)  # not the model's default


class BaseMemberFormSet(BaseModelFormSet):
    """The current members of one household. Their composition and the rule that a person is a current
    member of one household only (§3.2) are checked with every other validation, so all errors show on
    the first submit, each at its field: a repeated or already registered ID number at the member's ID
    number, a missing head or a second spouse above the members."""

    def __init__(self, *args, household: Household, user: User, **kwargs):
        self.household, self.user = household, user
        kwargs["form_kwargs"] = {**kwargs.get("form_kwargs", {}), "user": user}
        super().__init__(*args, **kwargs)

    def forms_in_use(self) -> list[MemberForm]:
        """The stored members and the added rows that were filled in (an untouched added row is ignored)."""
        return [f for f in self.forms if f.instance.pk or f.has_changed()]

    def clean(self) -> None:
        super().clean()
        rows = [f for f in self.forms_in_use() if getattr(f, "cleaned_data", None) is not None]
        numbers = {f: f.cleaned_data["id_number"] for f in rows if f.cleaned_data.get("id_number")}
        values = list(numbers.values())
        for form, number in numbers.items():
            if values.count(number) > 1:
                form.add_error(
                    "id_number", ValidationError(_("This ID number appears twice in this household."), code="repeated")
                )
        clashes = members_registered_elsewhere(household=self.household, numbers=values)
        for form, number in numbers.items():
            if number in clashes and "id_number" not in form.errors:
                message = duplicate_person_field_message(self.user, clashes[number])
                form.add_error("id_number", ValidationError(message, code="registered_elsewhere"))
        if all("relationship" not in f.errors for f in rows):
            members_check_roles(f.instance for f in rows)


MemberFormSet = modelformset_factory(Member, form=MemberForm, formset=BaseMemberFormSet, extra=0, can_delete=False)


class MaskedValueField(forms.CharField):
    """§9: an identifier of a stored record (ID number, phone, bank account) in the form of an editor who may
    not see it: the input shows the masked value. Left as shown (or emptied) it keeps the stored value; a
    whole new value replaces it, checked by the model field's own form field; a value that still holds the
    mask's stars is refused, so no half-typed number is ever saved."""

    def __init__(self, inner: forms.Field, *, stored: str, shown: str) -> None:
        super().__init__(
            label=inner.label,
            required=False,
            help_text=_("Shown masked for your role. Leave it to keep the stored value, or type the whole new one."),
        )
        self.inner, self.stored, self.shown = inner, stored, shown
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false", "data-masked": "1"})

    def clean(self, value):
        text = (value or "").strip()
        if text in ("", self.shown):
            return self.stored
        if "*" in text:
            raise ValidationError(
                _("Type the whole new value, or leave the masked one as it is."), code="partly_masked"
            )
        return self.inner.clean(text)

    def has_changed(self, initial, data) -> bool:
        return (data or "").strip() not in ("", self.shown)


def mask_input(form: forms.ModelForm, name: str, masker) -> None:
    """Show the stored value of `name` masked, keeping it unless a whole new value is typed (§9)."""
    stored = getattr(form.instance, name) or ""
    shown = masker(stored)
    form.fields[name] = MaskedValueField(form.fields[name], stored=stored, shown=shown)
    form.initial[name] = shown


def _hide_undisclosed_causes(form: HouseholdForm, user: User) -> list[str]:
    """§9: a stored cause the user may not see (illness, disability or "other", households.causes) is left
    out of the form (kept as stored). The other cause selects then offer none of the three either: the
    rule that causes differ would otherwise answer which one is hidden. Returns the names left out."""
    hidden = hidden_cause_fields(user, form.instance)
    for name in hidden:
        del form.fields[name]
    if hidden:
        for name in CAUSE_FIELDS:
            field = form.fields.get(name)
            if isinstance(field, forms.ChoiceField):
                offered = cast(list[tuple[str, Any]], field.choices)  # the model field's flat choices
                field.choices = [(v, label) for v, label in offered if v not in UNDISCLOSED_CAUSES]
    return hidden


class IncomeForm(forms.ModelForm):
    """The income record of one year (§3.1, issue 13), a column of the form's years table: the working year
    is `open`, an earlier one `closed` (a change needs a reason). A year without a record shows empty
    inputs and is saved only when some amount is given; a record is saved only when a value changed."""

    class Meta:
        model = Income
        fields = list(INCOME_ITEMS)

    def __init__(self, *args, year: int, closed: bool, members: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.year, self.closed, self.members = year, closed, members
        stored = self.instance
        # What is stored now (the form writes the posted values onto the instance while it validates).
        self.stored = {name: getattr(stored, name) for name in INCOME_ITEMS} if stored.pk else None
        self.totals = {
            "transfer": stored.transfer if stored.pk else None,
            "net": stored.net if stored.pk else None,
            "per_capita": per_capita(stored.net, members) if stored.pk else None,
            "rigid_expenditure": stored.rigid_expenditure if stored.pk else None,
        }
        if stored.pk is None:
            for name in INCOME_ITEMS:
                self.initial[name] = None  # empty inputs, not zeros: nothing recorded yet
        for name, field in self.fields.items():
            field.required = False
            field.widget.attrs.update(
                {
                    "inputmode": "decimal",
                    "min": "0",
                    "step": "0.01",
                    "class": "form-control form-control-sm",
                    "data-item": name,
                    "data-year": str(year),
                    "aria-label": f"{field.label} {year}",
                }
            )
            if closed:
                field.widget.attrs["data-closed"] = "1"
        _style(self)

    def changed_values(self) -> bool:
        """Whether saving would change what is stored (call after is_valid)."""
        values = self.cleaned_data
        if self.stored is None:
            return any(values.get(name) for name in INCOME_ITEMS)
        return any(values.get(name) != self.stored[name] for name in INCOME_ITEMS)

    def clean(self):
        data = super().clean()
        for name in self.fields:
            if data.get(name) is None and name not in self.errors:
                data[name] = self.instance._meta.get_field(name).default
        return data


class IncomeCorrectionForm(forms.Form):
    """The reason for correcting the income of a closed year (issue 13): asked for only when a closed
    year's values changed; it goes into the records' history and the audit log."""

    reason = forms.CharField(
        label=_("Reason for correcting a closed year"),
        max_length=INCOME_REASON_MAX,
        required=False,
        help_text=_("Required when the income of a year before the working year is changed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


# The years table of the household form: each typed item, and each derived total after its parts.
INCOME_TABLE = [*INCOME_ITEMS[:9], "transfer", *INCOME_ITEMS[9:], "rigid_expenditure"]


def income_table(income_forms: list[IncomeForm]) -> list[dict]:
    """The rows of the years table: a label and one cell per year (a bound field, or a derived total)."""
    rows = []
    for name in INCOME_TABLE:
        label = getattr(Income._meta.get_field(name), "verbose_name", name)
        if name in INCOME_ITEMS:
            rows.append({"item": name, "label": label, "fields": [f[name] for f in income_forms]})
        else:
            rows.append({"total": name, "label": label, "values": [(f.year, f.totals[name]) for f in income_forms]})
    return rows


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


class _MemberChoiceField(forms.ModelChoiceField):
    """A current member, shown by name and relationship to the head."""

    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.get_relationship_display()}）"


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

    def __init__(self, *args, member: Member | None = None, user: User | None = None, **kwargs):
        """For the head, a select of the remaining current members (the new head if the head leaves); for
        the last current member, the box that opens the household's closing (销户) for the village clerk
        (households.services.member_change_record checks both again)."""
        super().__init__(*args, **kwargs)
        if member is not None and member.is_current:
            others = member.household.members.filter(departure="").exclude(pk=member.pk).order_by("id")
            if member.relationship == c.Relationship.HEAD and others.exists():
                field = _MemberChoiceField(
                    queryset=others,
                    required=False,
                    label=_("New head of household"),
                    help_text=_(
                        "Required when the head leaves: the chosen member becomes 户主. The others keep their "
                        "relationship; correct it on the edit page if needed."
                    ),
                )
                self.fields["new_head"] = field
            elif not others.exists() and user is not None and may_propose_closing(user):
                self.fields["closing"] = forms.BooleanField(
                    required=False, label=_("Record the change and open the household's closing case (销户)")
                )
        _style(self)
