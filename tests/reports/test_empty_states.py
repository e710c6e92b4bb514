"""Empty states (issue 15): a chart or a table without figures says "暂无数据" instead of an empty box or
an empty table; with figures, the chart's box is there for the script to draw in."""

import pytest

from tests.conftest import login

pytestmark = pytest.mark.django_db

CHARTS = ("chart-incidence", "chart-causes", "chart-trend", "chart-assistance")


def test_a_dashboard_without_figures_says_no_data_instead_of_empty_charts(users, client):
    html = login(client, users.province).get("/reports/").content.decode()
    for chart in CHARTS:
        assert f'id="{chart}"' not in html
        assert f'data-testid="{chart}-empty">暂无数据<' in html
    assert 'data-testid="chart-map-empty"' in html
    assert 'data-testid="no-data">暂无数据<' in html  # the child regions' table


def test_a_dashboard_with_figures_keeps_the_chart_boxes(world, client):
    html = login(client, world.users.province).get("/reports/").content.decode()
    for chart in ("chart-incidence", "chart-causes", "chart-trend", "chart-map"):
        assert f'id="{chart}"' in html and f'data-testid="{chart}-empty"' not in html
    assert 'data-testid="chart-assistance-empty"' in html  # the world records no assistance


@pytest.mark.parametrize("key", ["incidence", "projects", "fund_ledger", "alerts", "quality", "households"])
def test_a_standard_table_without_rows_says_no_data(users, client, key):
    html = login(client, users.province).get(f"/reports/tables/{key}/").content.decode()
    assert 'data-testid="no-data">暂无数据<' in html


def test_the_fund_reports_without_rows_say_no_data(users, client):
    html = login(client, users.county).get("/funds/reports/").content.decode()
    assert html.count('data-testid="no-data">暂无数据<') == 5  # progress, idle twice, payments, anomalies
