"""The end of policy support (§3.1, issue 14): the county official's page of exited households, scope,
query count, refusals that change nothing, and the set-based write (docs/lifecycle-closing.md)."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.menu import menu_for
from accounts.models import AuditLog
from households import choices as c
from households.end_of_support import end_support
from households.models import Household, StatusEvent
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/households/end-of-support/"


def exited(village, users, year=2019, **fields):
    return f.household(village, by=users.admin, status=c.Status.EXITED, exit_year=year, **fields)


@pytest.fixture
def county_homes(tree, users):
    return [
        exited(tree.village_a, users, 2019),
        exited(tree.village_b, users, 2018),
        exited(tree.village_c, users, 2019),
    ]


def numbers(response) -> list[str]:
    return [h.number for h in response.context["rows"]]


def statuses(households) -> list[str]:
    return list(
        Household.objects.filter(pk__in=[h.pk for h in households]).order_by("id").values_list("status", flat=True)
    )


def test_the_page_lists_the_county_s_exited_households_under_policy_and_filters(client, tree, users, county_homes):
    f.household(tree.village_a, by=users.admin)  # poor
    Household.objects.filter(pk=exited(tree.village_a, users).pk).update(status=c.Status.EXITED_NO_POLICY)
    other_county = exited(tree.village_d, users, members=[f.member(id_number=f.id_number(area="211221"))])
    login(client, users.county)
    response = client.get(URL)
    assert response.status_code == 200
    assert numbers(response) == [h.number for h in county_homes]
    assert other_county.number not in response.content.decode()
    assert numbers(client.get(URL, {"region": tree.township.code})) == [county_homes[0].number, county_homes[1].number]
    assert numbers(client.get(URL, {"region": tree.village_c.code})) == [county_homes[2].number]
    assert numbers(client.get(URL, {"exit_year": "2018"})) == [county_homes[1].number]
    assert numbers(client.get(URL, {"exit_year": "abc"})) == [h.number for h in county_homes]  # ignored


@pytest.mark.parametrize("who", ["clerk_a", "township", "city", "province", "auditor", "helper"])
def test_only_the_county_official_reaches_the_page(client, users, who):
    login(client, getattr(users, who))
    assert client.get(URL).status_code == 404


def test_another_county_s_official_gets_404_for_this_county_s_regions_and_households(client, tree, users, county_homes):
    login(client, users.county2)
    assert client.get(URL).status_code == 200
    assert client.get(URL, {"region": tree.village_a.code}).status_code == 404
    response = client.post(URL, {"household": [county_homes[0].pk], "reason": "稳定脱贫"})
    assert response.status_code == 404
    assert (
        statuses(county_homes) == [c.Status.EXITED] * 3
        and not StatusEvent.objects.filter(to_status=c.Status.EXITED_NO_POLICY).exists()
    )


def test_the_list_query_count_does_not_grow_with_the_rows(client, tree, users, django_assert_num_queries):
    exited(tree.village_a, users)
    login(client, users.county)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for _ in range(5):
        exited(tree.village_b, users)
    with django_assert_num_queries(len(one)):
        response = client.get(URL)
    assert len(response.context["rows"]) == 6


@pytest.mark.parametrize(
    "data",
    [
        {"reason": ""},  # no reason
        {"reason": "稳定脱贫", "household": []},  # nobody chosen
        {"reason": "稳定脱贫", "household": ["x"]},  # not a household
        {"reason": "稳定脱贫", "poor": True},  # one chosen household is not exited
        {"reason": "稳定脱贫", "done": True},  # one chosen household already ended its support
        {"reason": "长" * 501},  # too long
    ],
)
def test_bad_input_changes_nothing(client, tree, users, county_homes, data):
    chosen = [h.pk for h in county_homes[:2]]
    if data.pop("poor", False):
        chosen.append(f.household(tree.village_a, by=users.admin).pk)
    if data.pop("done", False):
        done = exited(tree.village_a, users)
        Household.objects.filter(pk=done.pk).update(status=c.Status.EXITED_NO_POLICY)
        chosen.append(done.pk)
    data.setdefault("household", chosen)
    login(client, users.county)
    events, entries = StatusEvent.objects.count(), AuditLog.objects.count()
    response = client.post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert statuses(county_homes) == [c.Status.EXITED] * 3
    assert StatusEvent.objects.count() == events
    assert AuditLog.objects.filter(object_type="household", action="change").count() == 0
    assert AuditLog.objects.count() >= entries


def test_the_chosen_households_and_only_they_end_their_support_in_one_set_based_write(
    client, tree, users, county_homes
):
    login(client, users.county)
    chosen = county_homes[:2]
    response = client.post(URL + "?exit_year=2019", {"household": [h.pk for h in chosen], "reason": "稳定脱贫满五年"})
    assert response.status_code == 302 and response["Location"] == URL + "?exit_year=2019"
    assert any("2" in str(m) for m in get_messages(response.wsgi_request))
    assert statuses(county_homes) == [c.Status.EXITED_NO_POLICY, c.Status.EXITED_NO_POLICY, c.Status.EXITED]
    events = StatusEvent.objects.filter(to_status=c.Status.EXITED_NO_POLICY).order_by("household_id")
    assert [e.household_id for e in events] == [h.pk for h in chosen]
    assert all(
        (e.from_status, e.reason, e.created_by, e.people) == (c.Status.EXITED, "稳定脱贫满五年", users.county, 1)
        for e in events
    )
    assert list(Household.objects.filter(pk__in=[h.pk for h in chosen]).values_list("exit_year", flat=True)) == [
        2019,
        2018,
    ]
    entries = AuditLog.objects.filter(object_type="household", action="change").order_by("object_id")
    assert [e.object_id for e in entries] == [str(h.pk) for h in chosen]
    assert entries[0].detail == {"changes": {"status": ["exited", "exited_no_policy"]}, "reason": "稳定脱贫满五年"}
    assert entries[0].user == users.county and entries[0].region_id == chosen[0].village_id
    latest = Household.history.filter(id=chosen[0].pk).order_by("-history_id").first()
    assert (latest.status, latest.history_user_id) == (c.Status.EXITED_NO_POLICY, users.county.pk)


def test_the_write_takes_as_many_queries_for_one_household_as_for_many(tree, users):
    few = [exited(tree.village_a, users)]
    many = [exited(tree.village_b, users) for _ in range(6)]
    counts = []
    for households in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            n = end_support(user=users.county, county=tree.county, household_ids=[h.pk for h in households], reason="r")
        assert n == len(households)
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_the_menu_offers_the_page_to_the_county_official_only(users):
    def names(user):
        return {link.url_name for _label, links in menu_for(user) for link in links}

    assert "households:end_of_support" in names(users.county)
    assert not any("households:end_of_support" in names(u) for u in (users.clerk_a, users.township, users.province))
