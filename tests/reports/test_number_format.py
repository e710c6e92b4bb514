"""One number format on the report pages (issue 15, item 9): counts and amounts grouped by thousands,
percentages with two decimals, years never grouped; the exports keep the raw numbers. Rural populations
of four digits make the counts of the dashboard, the incidence table and the region pages reach the
thousands, and their incidences have four decimals in the snapshot."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from eligibility.rules.run import recompute_sync
from reports.tables.base import NUMBER, TEXT, YEAR, Column, display_value
from villages.models import RegionIndicator, RegionYear, WorkingYear

pytestmark = pytest.mark.django_db

DAY3 = dt.date(2019, 10, 16)  # after the world's two snapshots: the reports' default date
POPULATIONS = {"village_a": 4072, "village_b": 4852, "village_c": 1234, "village_d": 2345}
GROUPED = ["4,072", "4,852", "1,234", "2,345", "10,158", "12,503"]  # villages, 昌图县, 铁岭市 and 辽宁省


def visible_text(content: bytes) -> str:
    """What a reader sees: no scripts (the charts' JSON keeps raw numbers), no tags, no attributes."""
    text = re.sub(r"<script.*?</script>", " ", content.decode(), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def too_many_decimals(text: str) -> list[str]:
    return re.findall(r"\d+[.,]?\d*\.\d{3,}", text)


def ungrouped(text: str, numbers: list[str]) -> list[str]:
    return [n for n in numbers if re.search(rf"(?<![\d,.]){n.replace(',', '')}(?![\d,])", text)]


@pytest.fixture
def thousands(world):
    WorkingYear.objects.create(year=2019)  # the region pages show the working year's indicators
    for name, people in POPULATIONS.items():
        RegionYear.objects.filter(region=getattr(world.tree, name), year=2019).update(rural_population=people)
    recompute_sync(as_of=DAY3)
    village = RegionIndicator.objects.get(region=world.tree.village_a, as_of=DAY3)
    assert village.incidence is not None and village.incidence != village.incidence.quantize(Decimal("0.01"))
    return world


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (4072, "4,072"),
        (4852, "4,852"),
        (12, "12"),
        (Decimal("5.2632"), "5.26"),
        (Decimal("0.0246"), "0.02"),
        (Decimal("0.125"), "0.13"),  # half up, as floatformat
        (Decimal("1234567.5"), "1,234,567.50"),
        (Decimal("-300.00"), "-300.00"),
        (None, None),
    ],
)
def test_a_number_cell_is_grouped_with_at_most_two_decimals(value, shown):
    assert display_value(value, Column("n", "n", "n", NUMBER)) == shown


def test_years_and_other_kinds_are_shown_as_they_are():
    assert display_value(2019, Column("y", "y", "y", NUMBER, fmt=YEAR)) == 2019
    assert display_value("211224100001", Column("c", "c", "c", TEXT)) == "211224100001"


@pytest.mark.parametrize(
    "path",
    [
        "/reports/",
        "/reports/211224000000/",
        "/reports/tables/incidence/?level=village",
        "/reports/tables/incidence/?level=county",
        "/reports/tables/incidence/?level=city",
        "/regions/211200000000/",
        "/regions/211224100001/",
    ],
)
def test_report_and_region_pages_group_thousands_and_round_percentages(client, thousands, path):
    client.force_login(thousands.users.province)
    r = client.get(path)
    assert r.status_code == 200
    text = visible_text(r.content)
    assert too_many_decimals(text) == []
    assert ungrouped(text, GROUPED) == []
    assert any(n in text for n in GROUPED), "the page shows none of the thousands"


def test_the_incidence_table_shows_two_decimals_while_the_export_keeps_four(client, thousands):
    client.force_login(thousands.users.province)
    village = RegionIndicator.objects.get(region=thousands.tree.village_a, as_of=DAY3)
    text = visible_text(client.get("/reports/tables/incidence/?level=village").content)
    assert f"{village.incidence.quantize(Decimal('0.01'))}" in text and "4,072" in text
    export = client.post("/reports/tables/incidence/export/?level=village", {"format": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert str(village.incidence) in body and "4072" in body
