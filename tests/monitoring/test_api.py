"""GET /api/v1/quality-findings/ and /api/v1/monitoring-alerts/: scoped (§1) and masked (§9)."""

import datetime as dt

from accounts.models import AuditLog
from households import choices as c
from households.models import Member
from monitoring.services import monitoring_run_county, quality_run_county
from tests import factories as f

from .conftest import AS_OF, clean_household

FINDINGS = "/api/v1/quality-findings/"
ALERTS = "/api/v1/monitoring-alerts/"


def with_findings(tree):
    homes = [clean_household(tree.village_a), clean_household(tree.village_b)]
    Member.objects.filter(household__in=homes, relationship=c.Relationship.HEAD).update(labour_ability="lost")
    quality_run_county(as_of=AS_OF, county_id=tree.county.pk)
    return homes


def test_findings_are_scoped_and_filtered_by_region_and_code(client, tree, users):
    a, b = with_findings(tree)
    client.force_login(users.township)
    data = client.get(FINDINGS, {"region": tree.village_a.code, "code": "DQ07"}).json()
    assert [row["household"] for row in data["results"]] == [a.number]
    assert data["results"][0]["code"] == "DQ07"
    assert client.get(FINDINGS, {"code": "DQ05"}).json()["count"] == 0
    assert client.get(FINDINGS, {"code": "DQ99"}).status_code == 400


def test_id_numbers_are_masked_without_view_sensitive(client, tree, users, settings):
    a, _b = with_findings(tree)
    number = a.members.get(relationship=c.Relationship.HEAD).id_number
    client.force_login(users.township)  # not a sensitive role
    row = client.get(FINDINGS, {"region": tree.village_a.code}).json()["results"][0]
    assert row["member"]["id_number"] != number and "*" in row["member"]["id_number"]
    assert number not in client.get(FINDINGS).content.decode()
    client.force_login(users.clerk_a)  # village clerks view sensitive data (settings.SENSITIVE_ROLES)
    row = client.get(FINDINGS).json()["results"][0]
    assert row["member"]["id_number"] == number
    entry = AuditLog.objects.get(user=users.clerk_a, object_type="quality_finding_list")
    assert entry.region == tree.village_a  # placed in the list's area, the clerk's scope (docs/audit.md)


def test_a_clerk_of_another_village_gets_404_or_nothing(client, tree, users):
    with_findings(tree)
    client.force_login(users.clerk_b)
    assert client.get(FINDINGS, {"region": tree.village_a.code}).status_code == 404
    assert client.get(ALERTS, {"region": tree.village_a.code}).status_code == 404
    rows = client.get(FINDINGS).json()["results"]
    assert {row["village"] for row in rows} == {tree.village_b.code}


def test_alerts_are_scoped_and_filtered_by_state(client, tree, users):
    h = clean_household(tree.village_a, status=c.Status.EXITED)
    f.income(h, 2019, wages=1000)
    other = clean_household(tree.village_b, status=c.Status.EXITED)
    f.income(other, 2019, wages=1000)
    monitoring_run_county(as_of=dt.date(2019, 6, 30), county_id=tree.county.pk)
    client.force_login(users.clerk_a)
    data = client.get(ALERTS, {"state": "open"}).json()
    assert [row["household"] for row in data["results"]] == [h.number]
    assert data["results"][0]["triggers"][0]["trigger"] == "low_income"
    assert client.get(ALERTS, {"state": "dismissed"}).json()["count"] == 0
    assert client.get(ALERTS, {"state": "nonsense"}).status_code == 400
    client.force_login(users.county)
    assert client.get(ALERTS).json()["count"] == 2


def test_anonymous_users_are_refused(client, tree):
    assert client.get(FINDINGS).status_code in (401, 403)


def test_the_finding_list_runs_a_fixed_number_of_queries(client, tree, users, django_assert_max_num_queries):
    for _ in range(5):
        with_findings(tree)
    client.force_login(users.county)
    with django_assert_max_num_queries(8):
        assert client.get(FINDINGS).json()["count"] >= 10
