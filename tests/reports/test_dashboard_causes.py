"""§9, issue 12: the dashboard's causes of poverty (§12). Illness and disability are health facts
(households/causes.py). A role that may not view health data sees their counts only for a county or
above; below that, and always for a helper, they are counted with "other" in one bucket, so that no
figure shown, nor the total less the figures shown, is a count of a health fact (docs/reports.md)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households import choices as c
from households.causes import UNDISCLOSED
from tests import factories as f

from .conftest import DAY2, run_nightly

pytestmark = pytest.mark.django_db

HEALTH = {c.Cause.ILLNESS.value, c.Cause.DISABILITY.value}


@pytest.fixture
def homes(tree, users, django_capture_on_commit_callbacks):
    """Village A: poor households by illness, disability (two people), other and lack of funds, and an
    exited one by illness (not counted); village C (another township): one poor household by illness."""
    spouse = f.member(c.Relationship.SPOUSE, male=False)
    made = {
        "ill": f.household(tree.village_a, by=users.admin, main_cause=c.Cause.ILLNESS),
        "disabled": f.household(
            tree.village_a, by=users.admin, main_cause=c.Cause.DISABILITY, members=[f.member(), spouse]
        ),
        "other": f.household(tree.village_a, by=users.admin, main_cause=c.Cause.OTHER),
        "funds": f.household(tree.village_a, by=users.admin, main_cause=c.Cause.LACK_FUNDS),
        "exited": f.household(
            tree.village_a, by=users.admin, main_cause=c.Cause.ILLNESS, status=c.Status.EXITED, exit_year=2019
        ),
        "ill_c": f.household(tree.village_c, by=users.admin, main_cause=c.Cause.ILLNESS),
    }
    run_nightly(DAY2, django_capture_on_commit_callbacks)
    return made


def causes_of(client, code: str) -> dict[str, dict]:
    return {r["cause"]: r for r in client.get(f"/reports/{code}/").context["chart_data"]["causes"]}


def poor_total(data: dict) -> tuple[int, int]:
    """Households and people of the status cards counted by cause: not exited and returned."""
    rows = [s for s in data["statuses"] if s["status"] in (c.Status.POOR, c.Status.RETURNED)]
    return sum(s["households"] for s in rows), sum(s["people"] for s in rows)


def test_a_township_reviewer_sees_no_health_count_of_a_village_and_no_total_gives_one_away(client, users, tree, homes):
    client.force_login(users.township)
    r = client.get(f"/reports/{tree.village_a.code}/")
    data = r.context["chart_data"]
    causes = {row["cause"]: row for row in data["causes"]}
    assert not HEALTH & set(causes) and c.Cause.OTHER not in causes
    # Illness, disability and other in one bucket: households 1 + 1 + 1, people 1 + 2 + 1.
    assert (causes[UNDISCLOSED]["households"], causes[UNDISCLOSED]["people"]) == (3, 4)
    assert (causes[c.Cause.LACK_FUNDS]["households"], causes[c.Cause.LACK_FUNDS]["people"]) == (1, 1)
    # The causes add up to the status cards, so the total less the causes shown is the bucket again.
    households, people = poor_total(data)
    assert (households, people) == (4, 5)
    assert sum(row["households"] for row in causes.values()) == households
    assert sum(row["people"] for row in causes.values()) == people
    page = r.content.decode()
    assert 'data-testid="causes-merged-note"' in page
    assert '"illness"' not in page and '"disability"' not in page
    # The API answers the same, and so does the township's own dashboard.
    api = client.get(f"/api/v1/reports/{tree.village_a.code}/summary/").json()
    assert api["causes"] == data["causes"]
    township = causes_of(client, tree.township.code)
    assert not HEALTH & set(township) and township[UNDISCLOSED]["households"] == 3


def test_a_county_official_who_may_view_health_data_sees_every_cause(client, users, tree, homes):
    client.force_login(users.county)
    r = client.get(f"/reports/{tree.village_a.code}/")
    causes = {row["cause"]: row["households"] for row in r.context["chart_data"]["causes"]}
    assert causes == {c.Cause.ILLNESS: 1, c.Cause.DISABILITY: 1, c.Cause.OTHER: 1, c.Cause.LACK_FUNDS: 1}
    assert 'data-testid="causes-merged-note"' not in r.content.decode()
    api = client.get(f"/api/v1/reports/{tree.village_a.code}/summary/").json()
    assert {row["cause"]: row["households"] for row in api["causes"]} == causes
    assert causes_of(client, tree.county.code)[c.Cause.ILLNESS]["households"] == 2


def test_a_masked_role_sees_health_counts_of_a_county_but_not_of_a_township(client, users, tree, homes):
    client.force_login(users.city)
    county = causes_of(client, tree.county.code)
    assert county[c.Cause.ILLNESS]["households"] == 2 and county[c.Cause.DISABILITY]["households"] == 1
    assert UNDISCLOSED not in county
    assert not HEALTH & set(causes_of(client, tree.township2.code))
    assert not HEALTH & set(causes_of(client, tree.village_c.code))


def test_a_helpers_counts_are_of_their_households_so_never_by_health_cause(client, users, tree, homes):
    from households.models import Helper, Pairing

    helper = Helper.objects.create(
        name="张帮", sex="male", unit="县农业局", unit_level="county", county=tree.county, user=users.helper
    )
    for key in ("ill", "funds"):
        Pairing.objects.create(helper=helper, household=homes[key], start=dt.date(2019, 1, 1))
    client.force_login(users.helper)
    causes = causes_of(client, tree.county.code)  # the helper's scope
    assert {k: v["households"] for k, v in causes.items()} == {UNDISCLOSED: 1, c.Cause.LACK_FUNDS: 1}


def test_merging_costs_no_query(client, users, tree, homes):
    """The bucket is summed from the same GROUP BY: a masked role's dashboard runs the queries of an
    unmasked one."""
    counts = []
    for user in (users.county, users.township):
        client.force_login(user)
        client.get(f"/reports/{tree.village_a.code}/")  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/reports/{tree.village_a.code}/").status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_the_bucket_is_what_the_household_pages_call_each_of_its_households(client, users, tree, homes):
    """The same three causes, the same words: the township reviewer's household list shows each household
    of the bucket (illness, disability, other) as "Other (incl. undisclosed)", as the dashboard counts them
    (households.causes, per household and per count)."""
    client.force_login(users.township)
    bucket = causes_of(client, tree.village_a.code)[UNDISCLOSED]
    page = client.get("/households/", {"village": tree.village_a.pk}).content.decode()
    rows = re.findall(r'<tr data-testid="household-row">.*?</tr>', page, re.S)
    shown = {number: row for row in rows for number in re.findall(r">(\d{16})<", row)}
    for key in ("ill", "disabled", "other"):
        assert bucket["label"] in shown[homes[key].number]
    assert bucket["label"] not in shown[homes["funds"].number]
