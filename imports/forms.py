"""Upload forms of the imports app (§13): refuse what cannot be read before any job starts."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import User

from .models import RosterField
from .rosters import HEALTH_REFUSED
from .xlsx.reader import Workbook, XlsxError
from .xlsx.staging import check_workbook

# The documented upload limit (docs/import.md): 20 MB holds about 50,000 fully filled-in households with
# three members each; a larger county splits its file or the operator sets IMPORT_MAX_UPLOAD_BYTES.
MAX_UPLOAD_BYTES = int(getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def _check_size(upload) -> None:
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)d MB: split it into several files.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Filled-in template (.xlsx)"))
    # Offered to province staff only (accounts.access.may_import_as_identified); refused to anyone else.
    as_identified = forms.BooleanField(
        label=_("Import as already identified (migration of an existing registry)"), required=False
    )

    def __init__(self, *args, user: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_as_identified(self) -> bool:
        value = bool(self.cleaned_data.get("as_identified"))
        if value and (self.user is None or not access.may_import_as_identified(self.user)):
            raise forms.ValidationError(
                _("Only province staff import households as already identified."), code="as_identified"
            )
        return value

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_size(upload)
        if upload.name.lower().endswith(".xls"):
            raise forms.ValidationError(
                _("Old .xls files cannot be read: open the file in Excel or WPS and save it as .xlsx."), code="xls"
            )
        try:
            book = Workbook(upload)
            try:
                check_workbook(book)
            finally:
                book.close()
        except XlsxError as exc:
            raise forms.ValidationError(str(exc), code="not_xlsx") from None
        upload.seek(0)
        return upload


class RosterUploadForm(forms.Form):
    """A roster upload; a field that is a health fact is neither offered nor accepted for a role that may
    not view health data (§9: access.may_use_roster_field)."""

    field = forms.ChoiceField(label=_("What the roster says"), choices=RosterField.choices)
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    file = forms.FileField(label=_("Roster (.xlsx or .csv): columns 证件号码 and 状态"))

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Only the offer is narrowed: a refused field posted anyway gets the message of clean_field.
        self.fields["field"].widget.choices = [
            (value, label) for value, label in RosterField.choices if access.may_use_roster_field(user, value)
        ]

    def clean_field(self):
        field = self.cleaned_data["field"]
        if not access.may_use_roster_field(self.user, field):
            raise forms.ValidationError(HEALTH_REFUSED, code="health")
        return field

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_size(upload)
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload the roster as an .xlsx or .csv file."), code="format")
        return upload


class CommitForm(forms.Form):
    valid_only = forms.BooleanField(required=False)
