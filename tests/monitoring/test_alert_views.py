"""The monitoring alert page (§7): list with triggers, filters, dismissal, scope and query counts."""

import datetime as dt

from django.urls import reverse

from households import choices as c
from monitoring.models import AlertState, MonitoringAlert
from monitoring.services import monitoring_run_county
from tests import factories as f

from .conftest import clean_household

URL = reverse("monitoring:alerts")
AS_OF = dt.date(2019, 6, 30)


def alerted(village, n=1, **amounts):
    amounts = amounts or {"wages": 1000}
    homes = [clean_household(village, status=c.Status.EXITED) for _ in range(n)]
    for h in homes:
        f.income(h, 2019, **amounts)
    monitoring_run_county(as_of=AS_OF, county_id=homes[0].county_id)
    return homes


def test_a_clerk_sees_the_alerts_of_the_village_with_triggers(client, tree, users):
    (mine,) = alerted(tree.village_a)
    alerted(tree.village_b)
    client.force_login(users.clerk_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert [a.household_id for a in response.context["page"]] == [mine.pk]
    html = response.content.decode()
    assert 'data-trigger="low_income"' in html
    assert f'href="/households/{mine.number}/"' in html
    assert 'data-testid="dismiss-form"' in html


def test_the_list_filters_by_state_and_category(client, tree, users):
    low, hardship = alerted(tree.village_a), alerted(tree.village_a, wages=1000, medical_expense=2000)
    client.force_login(users.clerk_a)
    sudden = client.get(URL, {"category": "sudden_hardship"}).context["page"]
    assert [a.household_id for a in sudden] == [hardship[0].pk]
    MonitoringAlert.objects.filter(household=low[0]).update(state=AlertState.DISMISSED, close_reason="x")
    assert [a.household_id for a in client.get(URL, {"state": "open"}).context["page"]] == [hardship[0].pk]
    assert client.get(URL, {"state": "dismissed"}).context["page"].paginator.count == 1


def test_a_clerk_dismisses_an_alert_with_a_reason(client, tree, users):
    alerted(tree.village_a)
    alert = MonitoringAlert.objects.get()
    client.force_login(users.clerk_a)
    url = reverse("monitoring:alert_dismiss", args=[alert.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN
    response = client.post(url, {"reason": "已核实，务工收入未录入", "next": URL + "?state=open"})
    assert response.status_code == 302 and response.url == URL + "?state=open"
    alert.refresh_from_db()
    assert (alert.state, alert.closed_by) == (AlertState.DISMISSED, users.clerk_a)


def test_a_county_official_may_not_dismiss(client, tree, users):
    alerted(tree.village_a)
    alert = MonitoringAlert.objects.get()
    client.force_login(users.county)
    assert 'data-testid="dismiss-form"' not in client.get(URL).content.decode()
    assert client.post(reverse("monitoring:alert_dismiss", args=[alert.pk]), {"reason": "x"}).status_code == 403
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN


def test_a_clerk_of_another_village_gets_404(client, tree, users):
    alerted(tree.village_a)
    alert = MonitoringAlert.objects.get()
    client.force_login(users.clerk_b)
    assert client.get(URL).context["page"].paginator.count == 0
    assert client.get(URL, {"region": tree.village_a.code}).status_code == 404
    assert client.post(reverse("monitoring:alert_dismiss", args=[alert.pk]), {"reason": "x"}).status_code == 404
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN


def test_the_alert_list_runs_a_fixed_number_of_queries(client, tree, users, django_assert_max_num_queries):
    alerted(tree.village_a, 2)
    client.force_login(users.township)
    with django_assert_max_num_queries(8):
        small = client.get(URL)
    alerted(tree.village_a, 8, wages=1000, medical_expense=5000)
    with django_assert_max_num_queries(8):
        big = client.get(URL)
    assert big.context["page"].paginator.count == 10 > small.context["page"].paginator.count


def test_the_alert_list_counts_up_to_a_cap(client, tree, users, monkeypatch):
    """A province's years of alerts are not counted on every page: past the cap it says "more than"."""
    from povertymgmt import pagination

    alerted(tree.village_a, 4)
    client.force_login(users.county)
    response = client.get(URL)
    assert response.context["page"].paginator.count == 4 and not response.context["page"].count_capped
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    response = client.get(URL)
    assert response.context["page"].count_capped and response.context["page"].paginator.count == 3
    assert "超过 2 条预警" in response.content.decode()
