"""A case's scope is its region's (workflows.selectors.case_list_for, issue 16): a household case's region
is its household's village, and stays so when the household moves (workflows/case_region_sql.py, a
trigger on both databases), so the region range gives exactly the cases of the households the user
sees, as `household IN (the scope's households)` did."""

import datetime as dt

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import access
from households.models import Helper, Household, Pairing
from households.selectors import household_list_for
from tests.conftest import login
from workflows.models import Case
from workflows.selectors import case_list_for, inbox_counts

pytestmark = pytest.mark.django_db


def _case(user, case_type, *, household=None, region=None, state="township_approved"):
    return Case.objects.create(
        case_type=case_type,
        household=household,
        region=region or household.village,
        state=state,
        year=2020,
        opened_by=user,
        state_since=timezone.now(),
    )


@pytest.fixture
def cases(tree, users, homes):
    made = [_case(users.admin, "household_exit", household=h) for h in (homes.a, homes.b, homes.c, homes.d)]
    made.append(_case(users.admin, "monitoring", household=homes.a, state="visited"))
    made.append(_case(users.admin, "village_exit", region=tree.village_a, state="approved"))
    made.append(_case(users.admin, "county_exit", region=tree.county, state="sent_back"))
    made.append(_case(users.admin, "county_exit", region=tree.county2, state="sent_back"))
    return made


def by_households(user) -> set[int]:
    """The scope as it was written before: the cases of the households the user sees, and the region
    cases of the regions in the scope."""
    if access.scope_of(user) is None:
        return set()
    q = Q(household__in=household_list_for(user))
    if not access.is_helper(user):
        q |= Q(household__isnull=True, region__in=access.regions_for(user))
    return set(Case.objects.filter(q).values_list("pk", flat=True))


def everyone(users):
    return list(vars(users).values())


def assert_scopes_agree(users):
    for user in everyone(users):
        assert set(case_list_for(user).values_list("pk", flat=True)) == by_households(user), user.username


def test_every_role_sees_the_cases_of_the_households_it_sees(users, tree, cases, homes):
    helper = Helper.objects.create(name="帮扶人", sex="male", unit="县农业局", unit_level="county", county=tree.county)
    helper.user = users.helper
    helper.save()
    Pairing.objects.create(helper=helper, household=homes.b, start=dt.date(2019, 1, 1))
    assert_scopes_agree(users)
    assert set(case_list_for(users.helper).values_list("pk", flat=True)) == {cases[1].pk}  # B's exit only
    assert case_list_for(users.county).count() == 6  # exits of A, B and C, A's monitoring, two region exits
    assert case_list_for(users.clerk_a).filter(household__isnull=True).count() == 1  # its village's exit


def test_a_household_that_moves_takes_its_cases_along(client, users, tree, homes, cases):
    exit_a = cases[0]
    homes.a.village = tree.village_b
    homes.a.save()  # the page's way: a save of the whole row
    assert set(Case.objects.filter(household=homes.a).values_list("region", flat=True)) == {tree.village_b.pk}
    assert Case.objects.get(case_type="village_exit").region == tree.village_a  # a region case stays
    assert_scopes_agree(users)
    assert not case_list_for(users.clerk_a).filter(pk=exit_a.pk).exists()
    login(client, users.clerk_a)
    assert client.get(reverse("workflows:case_detail", args=[exit_a.pk])).status_code == 404
    login(client, users.clerk_b)
    assert client.get(reverse("workflows:case_detail", args=[exit_a.pk])).status_code == 200

    Household.objects.filter(pk=homes.a.pk).update(village=tree.village_c)  # a bulk update, no signal
    assert Case.objects.get(pk=exit_a.pk).region == tree.village_c
    assert_scopes_agree(users)
    assert not case_list_for(users.township).filter(pk=exit_a.pk).exists()  # township 1 no longer

    Household.objects.filter(pk=homes.a.pk).update(village=tree.village_d, county=tree.county2)  # to 铁岭县
    assert_scopes_agree(users)
    assert case_list_for(users.county2).filter(pk=exit_a.pk).exists()
    assert not case_list_for(users.county).filter(pk=exit_a.pk).exists()


def test_the_inbox_counts_a_moved_households_case_where_it_lives(users, tree, homes, cases):
    county, county2 = (inbox_counts(u).get("household_exit", 0) for u in (users.county, users.county2))
    Household.objects.filter(pk=homes.c.pk).update(village=tree.village_d, county=tree.county2)
    assert inbox_counts(users.county).get("household_exit", 0) == county - 1
    assert inbox_counts(users.county2).get("household_exit", 0) == county2 + 1
