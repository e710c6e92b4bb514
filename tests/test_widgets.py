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


def test_a_column_choice_field_offers_what_a_model_choice_field_offers(tree, django_assert_num_queries):
    """povertymgmt.forms.ColumnChoiceField: the same options and the same checks, one plain query."""
    from povertymgmt.forms import ColumnChoiceField
    from villages.models import Level, Region

    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith="211224").order_by("code")

    class Mine(forms.Form):
        village = ColumnChoiceField(villages, label_column="name", required=False, widget=Select)

    class Theirs(forms.Form):
        village = forms.ModelChoiceField(villages, required=False, widget=forms.Select)

    chosen = {"village": str(tree.village_b.pk)}
    form = Mine(chosen)
    assert form.is_valid() and form.cleaned_data["village"] == tree.village_b
    with django_assert_num_queries(1):
        mine = Parsed(str(form["village"]))
    theirs = Parsed(str(Theirs(chosen)["village"]))
    assert not any(hasattr(value, "instance") for value, _label in form.fields["village"].choices)  # no models
    assert mine.tags == theirs.tags and mine.texts == theirs.texts == ["---------", "东村", "西村", "南村"]
    form = Mine({"village": str(tree.village_d.pk)})  # another county's village is not a choice
    assert not form.is_valid() and "village" in form.errors
