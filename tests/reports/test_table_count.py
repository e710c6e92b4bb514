"""Issue 16: a table page counts its rows only up to a cap (a province's million rows are not counted per
request); below it the number is exact, above it the page says "more than"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import views

pytestmark = pytest.mark.django_db


def row_count_text(client, user, key="households"):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/reports/tables/{key}/")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('data-testid="row-count"')
    return html[start : html.index("</p>", start)], queries


def test_below_the_cap_the_count_is_exact(client, world):
    text, _ = row_count_text(client, world.users.county)
    assert 'data-rows="4"' in text  # the county's four households (village D is in another county)


def test_above_the_cap_the_page_says_more_than(client, world, monkeypatch):
    monkeypatch.setattr(views, "PAGE_COUNT_CAP", 2)
    text, queries = row_count_text(client, world.users.province)
    assert "超过 2 行" in text
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 3" in sql for sql in counts)
    # The count reads no member: the head and the member count are shown, never filtered on (a county's
    # count at 1,000,000 households: 37 ms with the join to the head, 3 ms without).
    assert all("households_member" not in sql for sql in counts if sql.startswith("SELECT COUNT(*)"))


def test_another_villages_clerk_counts_only_their_village(client, world):
    text, _ = row_count_text(client, world.users.clerk_b)
    assert 'data-rows="1"' in text
