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


class _ColumnChoiceIterator(forms.models.ModelChoiceIterator):
    """Options read as (pk, label) rows of one ordinary query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", self.field.label_column)


class ColumnChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are labelled by one column (`label_column`, what the model's
    str() gives): they are read as (pk, label) rows of one query, not a model instance each through a
    server-side cursor — a county's 250 villages cost 4.4 ms of a 15 ms household list that way
    (issue 16). A submitted value is checked against the queryset as by ModelChoiceField."""

    iterator = _ColumnChoiceIterator

    def __init__(self, queryset, *, label_column: str, **kwargs):
        self.label_column = label_column
        super().__init__(queryset, **kwargs)
