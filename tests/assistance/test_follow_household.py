"""Assistance records, small loans and visits follow their household (assistance/region_follow_sql.py, issue 16): their
village and county are their household's when written — by the form's service, a payment, the demo's bulk
rows — and after a move by a page's save or a bulk update across counties, so their own columns scope them
exactly as `household IN (the scope's households)` did."""

import datetime as dt
from decimal import Decimal

import pytest

from assistance.models import AssistanceRecord, SmallLoan, Visit
from assistance.selectors import assistance_list_for, loan_list_for, newest_first, visit_list_for
from assistance.services import assistance_record_create, small_loan_save, visit_create
from households.models import Household
from households.selectors import household_list_for
from projects.choices import AssistanceCategory
from tests.conftest import login

pytestmark = pytest.mark.django_db
DAY = dt.date(2019, 6, 30)


def _rows_of(homes, users):
    for h, official in (
        (homes.a, users.county),
        (homes.b, users.county),
        (homes.c, users.county),
        (homes.d, users.county2),
    ):
        record = AssistanceRecord(
            household=h, category=AssistanceCategory.EMPLOYMENT, date=DAY, content="公益岗位", amount=Decimal("500")
        )
        assistance_record_create(user=official, record=record)
        visit_create(user=official, household=h, visited_on=DAY, findings="生活正常")
        loan = SmallLoan(
            household=h, amount=Decimal("50000"), benchmark_rate=Decimal("4.35"), term_months=36, issued_on=DAY
        )
        loan.due_on = dt.date(2022, 6, 30)
        small_loan_save(user=official, loan=loan)


def by_households(model, user) -> set[int]:
    """The scope as it was written before: the rows of the households the user sees."""
    return set(model.objects.filter(household__in=household_list_for(user)).values_list("pk", flat=True))


def assert_scopes_agree(users):
    for user in vars(users).values():
        assert set(assistance_list_for(user).values_list("pk", flat=True)) == by_households(AssistanceRecord, user)
        assert set(visit_list_for(user).values_list("pk", flat=True)) == by_households(Visit, user), user.username
        assert set(loan_list_for(user).values_list("pk", flat=True)) == by_households(SmallLoan, user)


def test_rows_are_written_with_their_households_village_and_county(users, homes):
    _rows_of(homes, users)
    for model in (AssistanceRecord, SmallLoan, Visit):
        for row in model.objects.select_related("household"):
            assert (row.village_id, row.county_id) == (row.household.village_id, row.household.county_id)


def test_every_role_sees_the_records_and_visits_of_the_households_it_sees(users, homes, paired):
    _rows_of(homes, users)
    assert_scopes_agree(users)
    assert set(assistance_list_for(users.helper).values_list("household", flat=True)) == {homes.a.pk}
    assert assistance_list_for(users.county).count() == 3  # A, B and C: D lies in the other county
    assert visit_list_for(users.township).count() == 2  # A and B


def test_rows_follow_a_move_by_save_and_by_update_across_counties(client, users, tree, homes):
    _rows_of(homes, users)
    homes.a.village = tree.village_b
    homes.a.save()  # the page's way: a save of the whole row
    Household.objects.filter(pk=homes.c.pk).update(village=tree.village_d, county=tree.county2)  # an import's
    for h, village, county in ((homes.a, tree.village_b, tree.county), (homes.c, tree.village_d, tree.county2)):
        for model in (AssistanceRecord, SmallLoan, Visit):
            assert set(model.objects.filter(household=h).values_list("village", "county")) == {(village.pk, county.pk)}
    assert_scopes_agree(users)
    assert assistance_list_for(users.county2).count() == 2  # D's and C's, which moved in

    login(client, users.clerk_a)  # the village the household left: its list no longer has them
    assert not client.get("/assistance/").context["page"].object_list
    login(client, users.clerk_b)
    assert len(client.get("/assistance/").context["page"].object_list) == 2  # A's and B's


def test_every_scope_lists_newest_first(users, homes, tree):
    """A township's list is sorted "nulls last" (assistance.selectors.newest_first: the dates are never
    empty): the same order as the other scopes' lists, newest date first, then the newest id."""
    _rows_of(homes, users)
    older = AssistanceRecord.objects.filter(household=homes.b).update(date=dt.date(2019, 3, 1))
    assert older == 1
    for user in (users.township, users.county, users.clerk_a, users.province):
        shown = list(newest_first(assistance_list_for(user), user, "date").values_list("date", "id"))
        assert shown == sorted(shown, key=lambda row: (row[0], row[1]), reverse=True), user.username
    township = list(newest_first(assistance_list_for(users.township), users.township, "date"))
    assert [r.household for r in township] == [homes.a, homes.b]
