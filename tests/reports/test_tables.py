"""§12 standard tables: the page, the CSV and the XLSX show the same figures; masking (§9); formula
injection; scoping (§1); the export audit (§9); the report period (?as_of=)."""

import pytest

from accounts.models import AuditLog
from households import choices as c
from households.models import Household
from reports.tables import REGISTRY

from .conftest import DAY1, EVIL_NAME
from .helpers import csv_rows, page_rows, response_bytes, xlsx_rows

pytestmark = pytest.mark.django_db


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def export(client, key, fmt, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(f"/reports/tables/{key}/export/?{query}", {"format": fmt})


def _norm(rows):
    """Numbers as numbers (XLSX stores floats), everything else as the text the page shows."""
    from decimal import Decimal

    def one(v):
        if v is None or v == "":
            return ""
        if isinstance(v, int | float | Decimal) and not isinstance(v, bool):
            return float(v)
        return str(v)

    return [[one(v) for v in r] for r in rows]


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_every_table_shows_the_same_rows_on_the_page_in_csv_and_in_xlsx(client, world, key):
    # A health ledger exists only for roles that may see health data (§9): the auditor reads the province.
    user = world.users.auditor if REGISTRY[key].health else world.users.province
    page = get(client, user, f"/reports/tables/{key}/")
    assert page.status_code == 200
    shown = page_rows(page)
    as_csv = csv_rows(export(client, key, "csv"))
    as_xlsx = xlsx_rows(response_bytes(export(client, key, "xlsx")))
    assert as_csv[0] == as_xlsx[0] == page.context["headers"]
    assert as_csv[1:] == shown
    assert _norm(as_xlsx[1:]) == _norm(page.context["page"].object_list)


def test_the_roster_counts_add_up_from_villages_to_the_province(client, world):
    by_region = {}
    for code in (
        "211224100001",
        "211224100002",
        "211224101001",
        "211221100001",
        "211224100000",
        "211224000000",
        "211200000000",
        "210000000000",
    ):
        by_region[code] = page_rows(get(client, world.users.province, "/reports/tables/households/", region=code))
    assert len(by_region["211224100001"]) + len(by_region["211224100002"]) == len(by_region["211224100000"])
    assert len(by_region["211224100000"]) + len(by_region["211224101001"]) == len(by_region["211224000000"])
    assert len(by_region["211224000000"]) + len(by_region["211221100001"]) == len(by_region["211200000000"])
    assert by_region["211200000000"] == by_region["210000000000"]
    assert len(by_region["210000000000"]) == Household.objects.count()


def test_incidence_table_figures_add_up_and_equal_the_export(client, world):
    villages = page_rows(get(client, world.users.province, "/reports/tables/incidence/", level="village"))
    counties = page_rows(get(client, world.users.province, "/reports/tables/incidence/", level="county"))
    exported = csv_rows(export(client, "incidence", "csv", level="county"))[1:]
    assert exported == counties
    remaining = {r[0]: int(r[6]) for r in villages}
    county_remaining = {r[0]: int(r[6]) for r in counties}
    assert county_remaining["211224000000"] == sum(v for k, v in remaining.items() if k.startswith("211224"))
    assert county_remaining["211221000000"] == sum(v for k, v in remaining.items() if k.startswith("211221"))
    city = page_rows(get(client, world.users.province, "/reports/tables/incidence/", level="city"))
    assert int(city[0][6]) == sum(county_remaining.values())


def test_personal_data_is_masked_for_province_staff_in_csv_and_xlsx(client, world):
    client.force_login(world.users.province)
    head_id = world.a.members.get(relationship=c.Relationship.HEAD).id_number
    for rows in (
        csv_rows(export(client, "households", "csv", region=world.tree.village_a.code)),
        xlsx_rows(response_bytes(export(client, "households", "xlsx", region=world.tree.village_a.code))),
    ):
        flat = [str(v) for row in rows for v in row]
        assert head_id not in flat and "13812345678" not in flat
        assert head_id[:4] + "*" * 10 + head_id[-4:] in flat
        assert "138****5678" in flat
    members = csv_rows(export(client, "members", "csv"))
    disabled = members[0].index(str(REGISTRY["members"].columns[14].header))
    assert {row[disabled] for row in members[1:]} == {"***"}


def test_personal_data_is_unmasked_for_the_village_clerk(client, world):
    client.force_login(world.users.clerk_a)
    head_id = world.a.members.get(relationship=c.Relationship.HEAD).id_number
    for rows in (
        csv_rows(export(client, "households", "csv")),
        xlsx_rows(response_bytes(export(client, "households", "xlsx"))),
    ):
        flat = [str(v) for row in rows for v in row]
        assert head_id in flat and "13812345678" in flat


def test_a_formula_in_a_name_arrives_as_text(client, world):
    client.force_login(world.users.clerk_a)
    as_csv = csv_rows(export(client, "households", "csv"))
    names = [row[4] for row in as_csv[1:]]
    assert "'" + EVIL_NAME in names
    data = response_bytes(export(client, "households", "xlsx"))
    import io

    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [cell for row in ws.iter_rows(min_row=2) for cell in row if cell.value and "HYPERLINK" in str(cell.value)]
    assert cells and all(cell.data_type == "s" and str(cell.value).startswith("'") for cell in cells)


def test_a_clerk_of_another_village_gets_404(client, world):
    client.force_login(world.users.clerk_b)
    assert client.get("/reports/tables/households/", {"region": world.tree.village_a.code}).status_code == 404
    assert export(client, "households", "csv", region=world.tree.village_a.code).status_code == 404
    rows = csv_rows(export(client, "households", "csv"))
    assert [r[0] for r in rows[1:]] == [world.b.number]


def test_an_unknown_table_or_format_is_404(client, world):
    client.force_login(world.users.province)
    assert client.get("/reports/tables/nope/").status_code == 404
    assert export(client, "households", "pdf").status_code == 404


def test_every_export_is_in_the_audit_log(client, world):
    client.force_login(world.users.province)
    export(client, "households", "csv", status="poor")
    export(client, "dangerous_houses", "xlsx")
    logs = list(AuditLog.objects.filter(action="export").order_by("at", "id"))
    assert [(log.object_id, log.detail["rows"], log.detail["format"]) for log in logs] == [
        ("households", 3, "csv"),
        ("dangerous_houses", 2, "xlsx"),
    ]
    assert logs[0].detail["filter"] == {"status": "poor"} and logs[0].user == world.users.province


def test_the_roster_as_of_a_past_night_shows_that_nights_status(client, world):
    Household.objects.filter(pk=world.b.pk).update(status=c.Status.EXITED, exit_year=2019)
    client.force_login(world.users.province)
    live = page_rows(client.get("/reports/tables/households/", {"region": world.tree.village_b.code}))
    then = page_rows(
        client.get("/reports/tables/households/", {"region": world.tree.village_b.code, "as_of": DAY1.isoformat()})
    )
    status = 9
    assert live[0][status] != then[0][status] == str(c.Status.POOR.label)


def test_a_date_without_a_nightly_run_is_refused_with_a_message(client, world):
    client.force_login(world.users.province)
    r = client.get("/reports/tables/households/", {"as_of": "2001-01-01"})
    assert r.status_code == 200 and r.context["ctx"].as_of != DAY1
    assert any(m.level_tag == "warning" for m in r.context["messages"])


def test_the_table_page_issues_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.users.province)
    for key in ("households", "members", "eligibility", "incidence"):
        with django_assert_max_num_queries(11):
            assert client.get(f"/reports/tables/{key}/").status_code == 200


def test_ledgers_hold_the_right_people(client, world):
    client.force_login(world.users.clerk_a)
    houses = page_rows(client.get("/reports/tables/dangerous_houses/"))
    assert [r[0] for r in houses] == [world.a.number]
    school = page_rows(client.get("/reports/tables/out_of_school/"))
    assert len(school) == 1 and school[0][0] == world.a.number
    left = page_rows(client.get("/reports/tables/left_behind/"))
    assert [r[0] for r in left] == [world.a2.number]
    client.force_login(world.users.county)
    disabled = page_rows(client.get("/reports/tables/disabled/"))
    assert [r[0] for r in disabled] == [world.b.number]
    eligibility = page_rows(client.get("/reports/tables/eligibility/", {"eligible": "false"}))
    assert {r[0] for r in eligibility} == {world.a.number, world.b.number, world.c.number}


@pytest.mark.parametrize("key", ["households", "members", "eligibility", "incidence"])
def test_postgresql_copy_writes_the_same_csv_as_the_python_writer(world, key):
    import io

    from django.db import connection

    from reports import exporters
    from reports.selectors import table_context
    from reports.tables import headers, rows_queryset, table_get

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    for user in (world.users.province, world.users.county):
        table = table_get(key)
        ctx, *_rest = table_context(user, table, {})
        qs, head = rows_queryset(table, ctx), headers(table, ctx)
        out = io.BytesIO()
        exporters.csv_write_copy(qs, head, out)
        assert out.getvalue().decode("utf-8") == "".join(exporters.csv_chunks(qs, head))


def test_every_formula_start_arrives_as_text_in_the_csv_and_the_xlsx(client, world):
    from households.models import Member
    from povertymgmt.spreadsheet import FORMULA_STARTS
    from tests import factories as f

    head = world.a.members.get(relationship=c.Relationship.HEAD)
    names = [f"{start}1+1" for start in FORMULA_STARTS]
    assert {"=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"} <= set(FORMULA_STARTS)
    for name in names:
        Member.objects.create(
            household=world.a,
            relationship=c.Relationship.OTHER,
            name=name,
            id_number=f.id_number(),
            birth_date=head.birth_date,
            sex=head.sex,
        )
    client.force_login(world.users.clerk_a)
    body = response_bytes(export(client, "members", "csv")).decode("utf-8")
    for name in names:
        assert body.count("'" + name) == body.count(name) == 1, repr(name)
    written = {row[4] for row in xlsx_rows(response_bytes(export(client, "members", "xlsx")))[1:]}
    # A CR is written as a character reference: XML would read a raw one back as a line feed.
    assert {"'" + name for name in names} <= written
