"""A select rendered in Python. Django renders every option of a select through a template of its own:
a county's household list (≈ 250 villages in its village filter) spent 30 ms of its 58 ms there at
1,000,000 households (issue 16). Same markup as Django's Select (tests/test_widgets.py compares them)."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        choices = [choice for choice in self.choices]  # list() would ask a ModelChoiceIterator's len(): a COUNT
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups: Django's own
        chosen = self.format_value(value)
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        rows = []
        selected_one = False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = not selected_one and text in chosen
            selected_one = selected_one or (selected and not self.allow_multiple_selected)
            mark = " selected" if selected else ""
            rows.append(f'<option value="{escape(text)}"{mark}>{conditional_escape(str(label))}</option>')
        return mark_safe(f"<select{flatatt(final)}>\n  " + "\n  ".join(rows) + "\n</select>")  # noqa: S308 - escaped above
