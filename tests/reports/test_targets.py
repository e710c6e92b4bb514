"""§2 annual targets: province staff set them on the dashboard; nobody else can; bad input changes nothing."""

import pytest

from accounts.models import AuditLog
from villages.models import AnnualTarget

pytestmark = pytest.mark.django_db


def url(region, year=2019):
    return f"/reports/{region.code}/targets/{year}/"


def test_province_staff_set_and_change_a_target(client, tree, users):
    client.force_login(users.province)
    assert client.get(url(tree.province)).status_code == 200
    r = client.post(url(tree.province), {"people": 135600, "villages": 147, "counties": 5})
    assert r.status_code == 302
    client.post(url(tree.province), {"people": 150000, "villages": 500, "counties": 6})
    t = AnnualTarget.objects.get(region=tree.province, year=2019)
    assert (t.people, t.villages, t.counties) == (150000, 500, 6)
    log = AuditLog.objects.filter(object_type="annual_target").order_by("at", "id").last()
    assert (log.user, log.action, log.object_id, log.region) == (users.province, "change", str(t.pk), tree.province)
    assert log.detail == {"changes": {"people": [135600, 150000], "villages": [147, 500], "counties": [5, 6]}}


def test_a_negative_target_is_refused_and_nothing_changes(client, tree, users):
    client.force_login(users.province)
    r = client.post(url(tree.county), {"people": -1, "villages": 1, "counties": 0})
    assert r.status_code == 200 and "people" in r.context["form"].errors
    assert not AnnualTarget.objects.exists()


def test_other_roles_get_404(client, tree, users):
    for user in (users.county, users.city, users.clerk_a, users.auditor):
        client.force_login(user)
        assert client.get(url(tree.county)).status_code == 404
        assert client.post(url(tree.county), {"people": 1, "villages": 1, "counties": 1}).status_code == 404
    client.force_login(users.province)
    assert client.get(url(tree.village_a)).status_code == 404
    assert not AnnualTarget.objects.exists()
