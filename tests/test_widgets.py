"""povertymgmt.widgets.Select renders what Django's Select renders (issue 16: only faster)."""

from html.parser import HTMLParser

import pytest
from django import forms

from povertymgmt.widgets import Select


class Parsed(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data.strip())


def both(value, choices, attrs=None, required=False):
    class Mine(forms.Form):
        field = forms.ChoiceField(choices=choices, required=required, widget=Select(attrs={"class": "form-select"}))

    class Theirs(forms.Form):
        field = forms.ChoiceField(
            choices=choices, required=required, widget=forms.Select(attrs={"class": "form-select"})
        )

    data = {"field": value} if value is not None else None
    return Parsed(str(Mine(data)["field"])), Parsed(str(Theirs(data)["field"]))


@pytest.mark.parametrize("value", [None, "", "b", "<x>", "missing"])
@pytest.mark.parametrize("required", [False, True])
def test_the_same_select_as_djangos(value, required):
    choices = [("", "全部"), ("a", "甲"), ("b", "乙 & 丙"), ("<x>", "<script>"), (3, "三")]
    mine, theirs = both(value, choices, required=required)
    assert mine.tags == theirs.tags
    assert mine.texts == theirs.texts
    shown = "" if value is None else value  # an unbound form shows the empty choice
    assert [a for t, a in mine.tags if t == "option" and "selected" in a] == (
        [{"value": shown, "selected": None}] if shown in ("", "b", "<x>") else []
    )


def test_option_groups_are_left_to_django():
    mine, theirs = both("a", [("甲组", [("a", "甲"), ("b", "乙")]), ("c", "丙")])
    assert mine.tags == theirs.tags and ("optgroup", {"label": "甲组"}) in mine.tags
