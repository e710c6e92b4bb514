"""reports.templatetags.report_tags.table_cells renders a table row's cells as the template loop did."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

LOOP = Template("{% for v in row %}<td>{% if v is None %}{% else %}{{ v }}{% endif %}</td>{% endfor %}")
FILTER = Template("{% load report_tags %}{{ row|table_cells }}")
ROW = [
    None,
    "",
    "2112241002000001",
    "<b>王&大山</b>",
    "'=1+1",
    Decimal("12345.60"),
    Decimal("-0.50"),
    1234567,
    0,
    3.5,
    True,
    False,
    dt.date(2019, 6, 30),
    timezone.make_aware(dt.datetime(2019, 6, 30, 23, 30), dt.UTC),
    translation.gettext_lazy("Passed"),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_cells_are_those_of_the_template_loop(language):
    with translation.override(language), timezone.override("Asia/Shanghai"):
        expected = LOOP.render(Context({"row": ROW}))
        assert FILTER.render(Context({"row": ROW})) == expected
    assert "&lt;b&gt;王&amp;大山&lt;/b&gt;" in expected and expected.startswith("<td></td><td></td>")
