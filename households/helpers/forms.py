"""Forms of the helper, pairing and work-team pages (§1, issue 14)."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import User
from povertymgmt.forms import styled

from ..models import Helper, WorkTeamMember

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# §9: the helper's identifiers, left out of the form of a role that may not see them (they stay as stored).
SENSITIVE_FIELDS = ("id_number", "phone")


class HelperForm(forms.ModelForm):
    class Meta:
        model = Helper
        fields = ["name", "sex", "id_number", "unit", "unit_level", "post", "phone", "user"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.can_view_sensitive:
            for name in SENSITIVE_FIELDS:
                del self.fields[name]
        accounts = access.helper_accounts(self.instance.county).filter(helper_profile__isnull=True)
        if self.instance.user_id is not None:
            accounts = accounts | access.helper_accounts(self.instance.county).filter(pk=self.instance.user_id)
        account_field = self.fields["user"]
        assert isinstance(account_field, forms.ModelChoiceField)
        account_field.queryset = accounts.order_by("username")
        account_field.help_text = _("The account the helper signs in with, to see the paired households.")
        if "id_number" in self.fields:
            self.fields["id_number"].help_text = _("A registered poor person cannot be a helper (DQ11).")
        styled(self)


class PairingForm(forms.Form):
    """A household's new helper, from a date (§3)."""

    helper = forms.ModelChoiceField(label=_("Helper"), queryset=Helper.objects.none())
    start = forms.DateField(label=_("Pairing start"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers.order_by("name", "id")
        styled(self)


class PairingEndForm(forms.Form):
    end = forms.DateField(label=_("Pairing end"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class HouseholdsPairForm(forms.Form):
    """One helper, several households of the scope by their numbers (§3: 1 helper : N households)."""

    households = forms.CharField(
        label=_("Household numbers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more household numbers, separated by spaces, commas or new lines."),
    )
    start = forms.DateField(label=_("Pairing start"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)

    def clean_households(self) -> list[str]:
        numbers = list(dict.fromkeys(n for n in re.split(r"[\s,，、;；]+", self.cleaned_data["households"]) if n))
        if not numbers:
            raise forms.ValidationError(_("Give at least one household number."), code="required")
        return numbers


class WorkTeamMemberForm(forms.ModelForm):
    class Meta:
        model = WorkTeamMember
        fields = ["name", "unit", "position", "start", "end"]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].help_text = _("Leave empty while the person is still posted to the village.")
        styled(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:  # next to the field, rather than the constraint's general error
            self.add_error("end", forms.ValidationError(_("A posting cannot end before it started."), "before_start"))
        return data
