"""Exits of the year and progress against the targets count the year's exit events (§2, §12, issue 13):
households and people exited in the chosen policy year, re-exits included, not today's statuses; reports
choose their year (?year=, bounded by povertymgmt.dates); scoped (§1: 404 outside)."""

import datetime as dt

import pytest

from households import choices as c
from households.models import Member
from households.services import household_status_change
from povertymgmt.dates import policy_last_year
from tests import factories as f
from villages.models import AnnualTarget, WorkingYear

pytestmark = pytest.mark.django_db


def change(users, h, status, year, day=None):
    household_status_change(
        user=users.admin, household=h, to_status=status, date=day or dt.date(year, 11, 1), reason="测试", year=year
    )


@pytest.fixture
def exits(tree, users):
    """2019: h1 (2 people) and h2 exit; 2020: h2 returns and exits again, h3 exits; h1 loses a member in 2020."""
    h1 = f.household(tree.village_a, by=users.admin, members=[f.member(), f.member(c.Relationship.SPOUSE, male=False)])
    h2 = f.household(tree.village_a, by=users.admin)
    h3 = f.household(tree.village_b, by=users.admin)
    change(users, h1, c.Status.EXITED, 2019)
    change(users, h2, c.Status.EXITED, 2019)
    change(users, h2, c.Status.RETURNED, 2020, dt.date(2020, 3, 1))
    change(users, h2, c.Status.EXITED, 2020)
    change(users, h3, c.Status.EXITED, 2020)
    Member.objects.filter(household=h1, relationship=c.Relationship.SPOUSE).update(
        departure=c.Departure.DECEASED, departed_on=dt.date(2020, 5, 1)
    )
    return h1, h2, h3


def test_the_dashboard_counts_the_exits_of_the_chosen_year_from_the_events(client, users, tree, exits):
    AnnualTarget.objects.create(region=tree.province, year=2019, people=3, villages=0, counties=0)
    client.force_login(users.province)
    page = client.get("/reports/", {"year": "2019"})
    assert page.context["data"]["year"] == 2019
    assert page.context["data"]["exited"] == {"households": 2, "people": 3}  # h1 counted with its 2 people then
    assert page.context["data"]["target"].people == 3
    body = page.content.decode()
    assert 'data-testid="year"' in body and '<option value="2019" selected>' in body
    assert page.context["data"]["exited"] == client.get("/reports/", {"year": "2019"}).context["data"]["exited"]
    later = client.get("/reports/", {"year": "2020"}).context["data"]["exited"]
    assert later == {"households": 2, "people": 2}  # h2's re-exit and h3


def test_the_dashboard_year_defaults_to_the_working_year_and_refuses_other_years(client, users, tree, exits):
    WorkingYear.objects.create(year=2020)
    client.force_login(users.province)
    assert client.get("/reports/").context["data"]["year"] == 2020
    page = client.get("/reports/", {"year": str(policy_last_year() + 1)})
    assert page.context["data"]["year"] == 2020
    assert any("2013" in str(m) for m in page.context["messages"])
    assert client.get("/api/v1/reports/summary/", {"year": "2012"}).status_code == 400
    api = client.get("/api/v1/reports/summary/", {"year": "2019"}).json()
    assert api["year"] == 2019 and (api["progress"]["households"], api["progress"]["people"]) == (2, 3)


def test_the_exits_and_returns_tables_list_the_events_of_the_year(client, users, tree, exits):
    h1, h2, h3 = exits
    client.force_login(users.province)

    def numbers(key, year):
        rows = client.get(f"/reports/tables/{key}/", {"year": year}).context["page"].object_list
        return sorted(row[0] for row in rows)

    assert numbers("exits", 2019) == sorted([h1.number, h2.number])
    assert numbers("exits", 2020) == sorted([h2.number, h3.number])  # the re-exit, though its first was 2019
    assert numbers("returns", 2020) == [h2.number]
    assert numbers("returns", 2019) == []


def test_a_household_registered_already_exited_counts_in_its_exit_year(client, users, tree):
    f.household(tree.village_a, by=users.admin, status=c.Status.EXITED, exit_year=2018)
    client.force_login(users.province)
    assert client.get("/reports/", {"year": "2018"}).context["data"]["exited"] == {"households": 1, "people": 1}


def test_a_clerk_of_another_village_gets_404_on_the_year_reports_of_village_a(client, users, tree, exits):
    client.force_login(users.clerk_b)
    assert client.get(f"/reports/{tree.village_a.code}/", {"year": "2019"}).status_code == 404
    assert client.get("/reports/tables/exits/", {"region": tree.village_a.code, "year": "2019"}).status_code == 404
    assert client.get(f"/api/v1/reports/{tree.village_a.code}/summary/", {"year": "2019"}).status_code == 404
    # Their own village's figures hold only their own village's exits.
    mine = client.get("/reports/", {"year": "2020"}).context["data"]["exited"]
    assert mine == {"households": 1, "people": 1}
