"""exit_year and return_year follow every exit and return (§3.1, §6.1, §6.2, issue 13): a household that
returned to poverty and exits again gets the new exit year, its earlier one kept in the status events and
the household's history, and the exits of the year count the re-exit."""

import datetime as dt

import pytest

from households import choices as c
from households.models import Household, StatusEvent
from households.services import household_status_change
from reports import selectors
from tests import factories as f
from workflows import services as s

from .conftest import TODAY, appraisal, nightly, walk_exit_to_township
from .test_other_chains import village_chain

pytestmark = pytest.mark.django_db


def exited_in_2019(users, village):
    h = f.household(village, housing_grade="A", has_safe_water=True)
    household_status_change(
        user=users.admin, household=h, to_status=c.Status.EXITED, date=dt.date(2019, 11, 20), reason="脱贫", year=2019
    )
    return h


def returns(users, h):
    case = s.case_open(user=users.clerk_a, case_type="return", household=h)
    s.case_transition(user=users.clerk_a, case=case, transition="appraise", appraisal=appraisal())
    case = village_chain(users, case)
    s.case_transition(user=users.county, case=case, transition="announce", reason="因病返贫")


def exits_again(users, h):
    f.income(h, TODAY.year, wages="30000")
    f.assessment(h, on=TODAY)
    nightly(h.county_id)
    case = walk_exit_to_township(users, h)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    case = s.case_transition(user=users.county, case=case, transition="county_approve")
    s.case_transition(user=users.county, case=case, transition="announce")


def test_a_return_sets_the_return_year_of_the_case_and_a_re_exit_the_new_exit_year(users, tree):
    h = exited_in_2019(users, tree.village_a)
    returns(users, h)
    h.refresh_from_db()
    assert (h.status, h.exit_year, h.return_year) == (c.Status.RETURNED, 2019, TODAY.year)
    exits_again(users, h)
    h.refresh_from_db()
    assert (h.status, h.exit_year, h.return_year) == (c.Status.EXITED, TODAY.year, TODAY.year)
    events = StatusEvent.objects.filter(household=h).exclude(from_status="").order_by("date", "id")
    assert [(e.from_status, e.to_status, e.year, e.people) for e in events] == [
        (c.Status.POOR, c.Status.EXITED, 2019, 1),
        (c.Status.EXITED, c.Status.RETURNED, TODAY.year, 1),
        (c.Status.RETURNED, c.Status.EXITED, TODAY.year, 1),
    ]
    # The household's history keeps each exit year it had.
    years = set(Household.history.filter(id=h.pk).values_list("exit_year", flat=True))
    assert {2019, TODAY.year} <= years


def test_the_exits_of_the_year_count_the_re_exit_and_keep_the_first_exit_in_its_year(users, tree):
    h = exited_in_2019(users, tree.village_a)
    returns(users, h)
    before = selectors.exited_people(users.province, tree.province, TODAY.year)
    exits_again(users, h)
    after = selectors.exited_people(users.province, tree.province, TODAY.year)
    assert after == {"households": before["households"] + 1, "people": before["people"] + 1}
    assert selectors.exited_people(users.province, tree.province, 2019) == {"households": 1, "people": 1}
    # Outside the household's county nothing is counted.
    assert selectors.exited_people(users.county2, tree.county2, TODAY.year) == {"households": 0, "people": 0}


def test_a_change_between_the_exited_statuses_is_no_new_exit(users, tree):
    h = exited_in_2019(users, tree.village_a)
    household_status_change(
        user=users.admin, household=h, to_status=c.Status.EXITED_NO_POLICY, date=TODAY, reason="稳定脱贫", year=2021
    )
    h.refresh_from_db()
    assert h.exit_year == 2019
    assert selectors.exited_people(users.province, tree.province, 2021)["households"] == 0
