"""Form helpers shared by every app's pages."""

from django import forms


def styled(form: forms.BaseForm) -> forms.BaseForm:
    """Bootstrap classes on every widget, so templates can render `{{ field }}` as is."""
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
            w.attrs.setdefault("class", "form-check-input" if isinstance(w, forms.CheckboxInput) else "")
        elif isinstance(w, forms.Select):
            w.attrs.setdefault("class", "form-select form-select-sm")
        else:
            w.attrs.setdefault("class", "form-control form-control-sm")
    return form
