"""Helpers, pairings and the villages' first secretaries and work teams in the browser (§1, §3, issue 14):
the county office keeps its helpers and work teams; the village, township and county offices pair their
households; 404 outside the scope; a registered poor person is no helper (DQ11, §8.2); nothing deleted."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AuditLog
from households import choices as c
from households.models import Helper, Pairing, TeamPosition, WorkTeamMember
from tests import factories as f
from tests.conftest import login
from villages.models import Level

TODAY = timezone.localdate()
FIRST = TeamPosition.FIRST_SECRETARY
PHONE = "13912345678"


@pytest.fixture
def helper(tree):
    return Helper.objects.create(
        name="王帮扶", sex=c.Sex.MALE, unit="县农业局", unit_level=c.UnitLevel.COUNTY, county=tree.county, phone=PHONE
    )


def error_codes(response, field: str) -> list[str]:
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


# --- The helper list and the helper form ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "seen"),
    [
        ("county", 200, True),
        ("township", 200, True),  # the helpers of its county, whom it pairs its households with
        ("clerk_a", 200, True),
        ("county2", 200, False),  # another county's helpers
        ("city", 200, True),
        ("helper", 404, False),  # a helper's scope is their paired households
    ],
)
def test_the_helper_list_shows_the_helpers_of_the_scope(client, users, helper, who, status, seen):
    login(client, getattr(users, who))
    response = client.get("/households/helpers/")
    assert response.status_code == status
    if status == 200:
        assert ([h.pk for h in response.context["page"]] == [helper.pk]) is seen


def test_the_helper_lists_scopes_and_region_filter_are_the_county_s_subtree(client, tree, users, helper):
    """accounts.access.county_in_region_q reads a helper's county by id (a county) or its city's (a city):
    the same helpers as the code prefix, another city's and another county's left out."""
    other_city = f.region("211300000000", "朝阳市", Level.CITY, tree.province)
    other_county = f.region("211321000000", "朝阳县", Level.COUNTY, other_city)
    far = Helper.objects.create(
        name="远帮扶", sex=c.Sex.MALE, unit="县局", unit_level=c.UnitLevel.COUNTY, county=other_county
    )
    near = Helper.objects.create(
        name="近帮扶", sex=c.Sex.MALE, unit="县局", unit_level=c.UnitLevel.COUNTY, county=tree.county2
    )

    def seen(user, query=""):
        login(client, user)
        return {h.pk for h in client.get(f"/households/helpers/{query}").context["page"]}

    assert seen(users.city) == {helper.pk, near.pk}
    assert seen(users.county) == {helper.pk}
    assert seen(users.province) == {helper.pk, near.pk, far.pk}
    assert seen(users.province, f"?region={tree.city.code}") == {helper.pk, near.pk}
    assert seen(users.province, f"?region={tree.county2.code}") == {near.pk}
    assert seen(users.province, f"?region={other_city.code}") == {far.pk}


def test_the_helper_list_counts_up_to_a_cap(client, tree, users, helper, monkeypatch):
    """A province's 186,000 helpers are not counted on every page: past the cap it says "more than"."""
    from povertymgmt import pagination

    for name in ("李帮扶", "张帮扶"):
        Helper.objects.create(
            name=name, sex=c.Sex.MALE, unit="县农业局", unit_level=c.UnitLevel.COUNTY, county=tree.county
        )
    login(client, users.county)
    response = client.get("/households/helpers/")
    assert response.context["page"].paginator.count == 3 and not response.context["page"].count_capped
    assert "3 名帮扶责任人" in response.content.decode()
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    response = client.get("/households/helpers/")
    assert response.context["page"].count_capped and len(response.context["page"]) == 3  # the cap + 1 counted
    assert "超过 2 名帮扶责任人" in response.content.decode()


def test_the_phone_is_masked_for_a_role_that_may_not_see_it_and_the_paired_households_counted(
    client, users, homes, helper
):
    Pairing.objects.create(helper=helper, household=homes.a, start=dt.date(2019, 1, 1))
    Pairing.objects.create(helper=helper, household=homes.c, start=dt.date(2019, 1, 1))
    Pairing.objects.create(helper=helper, household=homes.b, start=dt.date(2018, 1, 1), end=dt.date(2018, 12, 31))
    login(client, users.township)  # township 1: households A and B, not C
    html = client.get("/households/helpers/").content.decode()
    assert PHONE not in html and "139****5678" in html
    assert client.get("/households/helpers/").context["page"][0].paired == 1
    login(client, users.county)
    response = client.get("/households/helpers/")
    assert PHONE in response.content.decode() and response.context["page"][0].paired == 2


def test_the_county_office_adds_and_corrects_a_helper_and_the_audit_log_keeps_it(client, tree, users):
    login(client, users.county)
    data = {"name": "赵帮扶", "sex": "female", "unit": "县民政局", "unit_level": "county", "phone": PHONE}
    response = client.post("/households/helpers/new/", data)
    helper = Helper.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/households/helpers/{helper.pk}/"
    assert (helper.county, helper.created_by) == (tree.county, users.county)
    response = client.post(f"/households/helpers/{helper.pk}/edit/", data | {"unit": "县教育局"})
    assert response.status_code == 302 and Helper.objects.get().unit == "县教育局"
    assert AuditLog.objects.filter(object_type="helper", object_id=str(helper.pk)).count() == 2


def test_a_helper_with_an_invalid_id_number_is_refused_next_to_the_field(client, users):
    login(client, users.county)
    data = {"name": "赵帮扶", "sex": "female", "unit": "县民政局", "unit_level": "county", "id_number": "211224"}
    response = client.post("/households/helpers/new/", data)
    assert response.status_code == 200 and error_codes(response, "id_number") == ["format"]
    assert not Helper.objects.exists()


def test_the_helper_form_links_an_account_of_role_helper_of_the_county(client, users, helper):
    login(client, users.county)
    form = client.get(f"/households/helpers/{helper.pk}/edit/").context["form"]
    assert list(form.fields["user"].queryset) == [users.helper]
    data = {"name": helper.name, "sex": "male", "unit": helper.unit, "unit_level": "county", "user": users.helper.pk}
    assert client.post(f"/households/helpers/{helper.pk}/edit/", data).status_code == 302
    assert Helper.objects.get().user == users.helper


@pytest.mark.parametrize(
    ("who", "create", "edit"),
    [
        ("county", 200, 200),
        ("county2", 200, 404),  # adds to its own county; another county's helper lies outside
        ("township", 404, 403),  # sees the helper, keeps none
        ("clerk_a", 404, 403),
        ("province", 404, 403),
        ("helper", 404, 404),
    ],
)
def test_only_the_county_office_keeps_its_helpers(client, users, helper, who, create, edit):
    login(client, getattr(users, who))
    assert client.get("/households/helpers/new/").status_code == create
    assert client.get(f"/households/helpers/{helper.pk}/edit/").status_code == edit
    assert client.post(f"/households/helpers/{helper.pk}/edit/", {"name": "改名"}).status_code == edit
    assert Helper.objects.get(pk=helper.pk).name == "王帮扶"


def test_the_masked_county_office_edits_a_helper_without_the_identifiers(client, users, helper, settings):
    settings.SENSITIVE_ROLES = ["village_clerk", "auditor"]
    Helper.objects.filter(pk=helper.pk).update(id_number=f.id_number())
    before = Helper.objects.get(pk=helper.pk)
    login(client, users.county)
    form = client.get(f"/households/helpers/{helper.pk}/edit/").context["form"]
    assert "phone" not in form.fields and "id_number" not in form.fields
    data = {"name": "王帮扶", "sex": "male", "unit": "县林业局", "unit_level": "county", "phone": "1"}
    assert client.post(f"/households/helpers/{helper.pk}/edit/", data).status_code == 302
    after = Helper.objects.get(pk=helper.pk)
    assert (after.unit, after.phone, after.id_number) == ("县林业局", PHONE, before.id_number)


# --- Pairing a household with a helper (安排帮扶责任人) ---------------------------------------------------


def pair(client, household, helper, start=TODAY):
    return client.post(f"/households/{household.number}/helper/", {"helper": helper.pk, "start": start.isoformat()})


@pytest.mark.parametrize("who", ["clerk_a", "township", "county"])
def test_the_village_township_and_county_offices_pair_a_household(client, users, homes, helper, who):
    login(client, getattr(users, who))
    response = pair(client, homes.a, helper)
    assert response.status_code == 302 and response["Location"] == f"/households/{homes.a.number}/helper/"
    pairing = Pairing.objects.get(household=homes.a)
    assert (pairing.helper, pairing.start, pairing.end) == (helper, TODAY, None)
    assert pairing.created_by == getattr(users, who)
    detail = client.get(f"/households/{homes.a.number}/")
    assert detail.context["pairing"] == pairing


@pytest.mark.parametrize(("who", "status"), [("clerk_b", 404), ("county2", 404), ("province", 403)])
def test_a_user_of_another_village_or_county_gets_404_and_a_reader_403(client, users, homes, helper, who, status):
    login(client, getattr(users, who))
    assert pair(client, homes.a, helper).status_code == status
    if status == 404:
        assert client.get(f"/households/{homes.a.number}/helper/").status_code == 404
    assert not Pairing.objects.exists()


def test_a_helper_sees_the_pairings_of_a_paired_household_but_pairs_nothing(client, users, homes, helper):
    helper.user = users.helper
    helper.save()
    Pairing.objects.create(helper=helper, household=homes.a, start=dt.date(2019, 1, 1))
    login(client, users.helper)
    response = client.get(f"/households/{homes.a.number}/helper/")
    assert response.status_code == 200 and response.context["form"] is None
    assert pair(client, homes.a, helper, TODAY + dt.timedelta(days=1)).status_code == 403
    assert Pairing.objects.count() == 1


def test_a_registered_poor_person_is_refused_as_a_helper(client, users, homes, helper):
    poor = homes.b.members.get()
    Helper.objects.filter(pk=helper.pk).update(id_number=poor.id_number.lower())  # compared normalised (DQ11)
    login(client, users.clerk_a)
    response = pair(client, homes.a, helper)
    assert response.status_code == 200 and error_codes(response, "helper") == ["registered_poor"]
    assert 'data-field-error="helper"' in response.content.decode()
    assert not Pairing.objects.exists()


def test_a_former_member_is_no_longer_a_registered_poor_person(client, users, homes, helper):
    poor = homes.b.members.get()
    Helper.objects.filter(pk=helper.pk).update(id_number=poor.id_number)
    homes.b.members.update(departure=c.Departure.MOVED_AWAY, departed_on=dt.date(2019, 1, 1))
    login(client, users.clerk_a)
    assert pair(client, homes.a, helper).status_code == 302


def test_a_helper_of_another_county_is_not_offered(client, tree, users, homes, helper):
    other = Helper.objects.create(
        name="外县", sex=c.Sex.MALE, unit="县农业局", unit_level=c.UnitLevel.COUNTY, county=tree.county2
    )
    login(client, users.county)
    response = pair(client, homes.a, other)
    assert response.status_code == 200 and error_codes(response, "helper") == ["invalid_choice"]
    assert not Pairing.objects.exists()


def test_a_household_has_one_helper_at_a_time_and_an_ended_pairing_stays(client, tree, users, homes, helper):
    second = Helper.objects.create(
        name="李帮扶", sex=c.Sex.MALE, unit="县水利局", unit_level=c.UnitLevel.COUNTY, county=tree.county
    )
    first = Pairing.objects.create(helper=helper, household=homes.a, start=dt.date(2019, 1, 1))
    login(client, users.clerk_a)
    response = pair(client, homes.a, second)
    assert response.status_code == 200 and error_codes(response, "start") == ["overlap"]
    end_url = f"/households/helpers/pairings/{first.pk}/end/"
    response = client.post(end_url, {"end": "2018-12-31"})
    assert response.status_code == 200 and error_codes(response, "end") == ["before_start"]
    assert client.post(end_url, {"end": (TODAY - dt.timedelta(days=1)).isoformat()}).status_code == 302
    response = client.post(end_url, {"end": TODAY.isoformat()})
    assert response.status_code == 200 and error_codes(response, "end") == ["ended"]
    assert pair(client, homes.a, second).status_code == 302
    rows = list(Pairing.objects.filter(household=homes.a).order_by("start").values_list("helper", "end"))
    assert rows == [(helper.pk, TODAY - dt.timedelta(days=1)), (second.pk, None)]
    assert AuditLog.objects.filter(object_type="pairing").count() == 3  # two created, one ended
    page = client.get(f"/households/{homes.a.number}/helper/").content.decode()
    assert page.count('data-testid="pairing-row"') == 2


def test_a_closed_household_gets_no_helper(client, users, homes, helper):
    homes.a.__class__.objects.filter(pk=homes.a.pk).update(status=c.Status.CLOSED)
    login(client, users.clerk_a)
    response = pair(client, homes.a, helper)
    assert response.status_code == 200 and not Pairing.objects.exists()


def test_ending_a_pairing_of_another_village_is_404(client, users, homes, helper):
    pairing = Pairing.objects.create(helper=helper, household=homes.b, start=dt.date(2019, 1, 1))
    login(client, users.clerk_a)
    assert client.post(f"/households/helpers/pairings/{pairing.pk}/end/", {"end": TODAY}).status_code == 404
    assert Pairing.objects.get().end is None


def test_the_helper_page_pairs_several_households_or_none(client, tree, users, homes, helper):
    login(client, users.township)
    url = f"/households/helpers/{helper.pk}/pair/"
    response = client.post(url, {"households": f"{homes.a.number}, {homes.c.number}", "start": TODAY})
    assert response.status_code == 200 and error_codes(response, "households") == ["not_in_scope"]  # C: township 2
    assert not Pairing.objects.exists()
    Pairing.objects.create(helper=helper, household=homes.b, start=dt.date(2019, 1, 1))
    response = client.post(url, {"households": f"{homes.a.number}\n{homes.b.number}", "start": TODAY})
    assert response.status_code == 200 and error_codes(response, "households") == ["refused"]
    assert Pairing.objects.count() == 1  # A was not paired either
    response = client.post(url, {"households": homes.a.number, "start": TODAY})
    assert response.status_code == 302
    detail = client.get(f"/households/helpers/{helper.pk}/")
    assert {p.household for p in detail.context["current"]} == {homes.a, homes.b}


# --- The village's first secretary and work team ----------------------------------------------------


def team_url(village):
    return f"/households/helpers/teams/{village.code}/"


def posting(position=TeamPosition.FIRST_SECRETARY, **fields):
    return {"name": "钱书记", "unit": "省直机关", "position": position, "start": "2019-03-01", "end": ""} | fields


def test_the_county_office_records_the_first_secretary_and_the_team_with_their_history(client, tree, users):
    login(client, users.county)
    assert client.post(team_url(tree.village_a), posting()).status_code == 302
    assert client.post(team_url(tree.village_a), posting(TeamPosition.TEAM_MEMBER, name="孙队员")).status_code == 302
    tree.village_a.refresh_from_db()
    assert (tree.village_a.first_secretary, tree.village_a.work_team) == ("钱书记", "孙队员")
    # A second first secretary while one is posted is refused; ending the first posting lets it in.
    response = client.post(team_url(tree.village_a), posting(name="周书记", start="2020-01-01"))
    assert response.status_code == 200 and error_codes(response, "start") == ["overlap"]
    secretary = WorkTeamMember.objects.get(name="钱书记")
    edit = f"/households/helpers/teams/postings/{secretary.pk}/edit/"
    response = client.post(edit, posting(end="2018-12-31"))
    assert response.status_code == 200 and error_codes(response, "end") == ["before_start"]
    assert client.post(edit, posting(end="2019-12-31")).status_code == 302
    assert client.post(team_url(tree.village_a), posting(name="周书记", start="2020-01-01")).status_code == 302
    tree.village_a.refresh_from_db()
    assert tree.village_a.first_secretary == "周书记"
    assert WorkTeamMember.objects.filter(village=tree.village_a).count() == 3  # nothing deleted
    assert [h.end for h in secretary.history.order_by("history_id")] == [None, dt.date(2019, 12, 31)]
    page = client.get(team_url(tree.village_a))
    assert page.content.decode().count('data-testid="posting-row"') == 3
    assert client.get(edit).context["history"]


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [
        ("clerk_a", 200, 403),
        ("clerk_b", 404, 404),  # a user of another village
        ("township", 200, 403),
        ("county2", 404, 404),
        ("province", 200, 403),
    ],
)
def test_a_village_team_is_read_in_scope_and_kept_by_the_county_office(client, tree, users, who, get, post):
    login(client, getattr(users, who))
    assert client.get(team_url(tree.village_a)).status_code == get
    assert client.post(team_url(tree.village_a), posting()).status_code == post
    assert not WorkTeamMember.objects.exists()


def test_a_posting_of_another_village_is_404_and_a_township_has_no_team(client, tree, users):
    member = WorkTeamMember.objects.create(
        village=tree.village_a, name="钱书记", unit="省直机关", position=FIRST, start=dt.date(2019, 1, 1)
    )
    login(client, users.clerk_b)
    assert client.get(f"/households/helpers/teams/postings/{member.pk}/edit/").status_code == 404
    login(client, users.county)
    assert client.get(team_url(tree.township)).status_code == 404


# --- Where the pages are linked from ----------------------------------------------------------------


def test_the_village_page_links_the_team_and_the_county_page_the_helpers(client, tree, users):
    login(client, users.county)
    village = client.get(f"/regions/{tree.village_a.code}/").content.decode()
    assert f'href="{team_url(tree.village_a)}"' in village
    county = client.get(f"/regions/{tree.county.code}/").content.decode()
    assert 'data-testid="helpers-link"' in county


def test_the_follow_up_list_and_the_household_page_link_a_household_without_a_helper_to_the_pairing(
    client, tree, users, homes
):
    login(client, users.clerk_a)
    link = f'href="/households/{homes.a.number}/helper/"'
    assert link in client.get(f"/assistance/followup/{tree.village_a.code}/").content.decode()
    assert link in client.get(f"/households/{homes.a.number}/").content.decode()
    login(client, users.province)  # reads, pairs nothing
    assert link not in client.get(f"/assistance/followup/{tree.village_a.code}/").content.decode()
