"""The household and member forms in Chromium (issue 15): dates kept in ISO through every save (item 1),
the duplicate person at the member's ID field on the first submit (item 4), a new member's school status
and labour ability proposed from the ID number (item 10)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from households import choices as c
from households.models import Household, Member
from tests import factories as f
from tests.browser.test_registry_browser import shot
from tests.conftest import browser_login


def village_with_clerk():
    province = f.region("210000000000", "辽宁省", f.Level.PROVINCE)
    city = f.region("211200000000", "铁岭市", f.Level.CITY, province)
    county = f.region("211224000000", "昌图县", f.Level.COUNTY, city)
    township = f.region("211224100000", "昌图镇", f.Level.TOWNSHIP, county)
    village = f.region("211224100001", "东村", f.Level.VILLAGE, township)
    clerk = f.user("clerk", Role.VILLAGE_CLERK, village)
    return village, clerk


def saved(page) -> None:
    page.click("[data-testid=save]")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dates_stay_through_two_saves_and_the_member_change_form(page):
    village, clerk = village_with_clerk()
    other = f.member(
        c.Relationship.SPOUSE,
        id_type=c.IdType.OTHER,
        id_number="P1234567",
        birth_date=dt.date(1975, 4, 3),
        sex=c.Sex.FEMALE,
        name="外籍配偶",
    )
    home = f.household(village, by=clerk, members=[f.member(name="王大山"), other])
    spouse = home.members.get(relationship="spouse")
    browser_login(page, "clerk")

    for _save in range(2):  # every later save of a household with 其他证件 used to fail
        page.goto(page.base + f"/households/{home.number}/edit/")
        assert page.locator("#id_members-1-birth_date").is_visible()  # typed for other certificates
        assert page.locator("#id_members-1-birth_date").input_value() == "1975-04-03"
        saved(page)
        assert page.url.endswith(f"/households/{home.number}/"), page.locator(".errorlist").all_inner_texts()
    spouse.refresh_from_db()
    assert spouse.birth_date == dt.date(1975, 4, 3)

    # The member-change form: today's date shown in ISO; a typed date survives the service's refusal.
    head = home.members.get(relationship="head")
    today = timezone.localdate()
    page.goto(page.base + f"/households/{home.number}/members/{head.pk}/change/")
    assert page.locator("#id_date").input_value() == today.isoformat()
    typed = (today - dt.timedelta(days=40)).isoformat()
    page.select_option("#id_kind", "moved_away")
    page.fill("#id_date", typed)
    page.click("[data-testid=member-change-form] [data-testid=save]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=non-field-errors]").is_visible()  # the head cannot leave first
    assert page.locator("#id_date").input_value() == typed

    page.goto(page.base + f"/households/{home.number}/members/{spouse.pk}/change/")
    page.select_option("#id_kind", "moved_away")
    page.fill("#id_date", typed)
    page.click("[data-testid=member-change-form] [data-testid=save]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/households/{home.number}/")
    spouse.refresh_from_db()
    assert (spouse.departure, spouse.departed_on.isoformat()) == (c.Departure.MOVED_AWAY, typed)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_duplicate_person_is_marked_at_the_id_field_on_the_first_submit(page):
    village, clerk = village_with_clerk()
    taken = f.id_number()
    home = f.household(village, by=clerk, members=[f.member(id_number=taken)])
    browser_login(page, "clerk")
    page.goto(page.base + "/households/new/")
    page.fill("#id_members-0-name", "王大山")
    page.fill("#id_members-0-id_number", taken)
    page.fill("#id_arable_land", "-1")  # a second error: both show at once
    saved(page)
    error = page.locator('[data-field-error="members-0-id_number"]')
    assert error.is_visible()
    assert home.number in error.inner_text()
    assert page.locator('[data-field-error="arable_land"]').is_visible()
    assert page.locator("[data-testid=has-errors]").is_visible()
    assert page.locator("[data-testid=non-field-errors]").count() == 0
    assert Household.objects.count() == 1
    error.scroll_into_view_if_needed()
    shot(page, "duplicate-person-at-field-phone")


def born(age: int) -> dt.date:
    """A birth date that is `age` full years old today."""
    return dt.date(timezone.localdate().year - age, 1, 1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_members_school_status_and_labour_ability_are_proposed_from_the_id_number(page):
    village, _clerk = village_with_clerk()
    browser_login(page, "clerk")
    page.goto(page.base + "/households/new/")
    school, labour = "#id_members-{}-school_status", "#id_members-{}-labour_ability"
    assert page.locator(school.format(0)).input_value() == ""  # nothing assumed before the age is known
    assert page.locator(labour.format(0)).input_value() == ""

    page.fill("#id_members-0-name", "王大山")
    page.fill("#id_members-0-id_number", f.id_number(born(40)))
    assert page.locator(school.format(0)).input_value() == c.SchoolStatus.NOT_IN_SCHOOL
    assert page.locator(labour.format(0)).input_value() == c.LabourAbility.ORDINARY
    assert page.locator("[data-testid=proposal-note]").first.is_visible()

    page.click("[data-testid=add-member]")
    page.fill("#id_members-1-name", "王小明")
    page.select_option("#id_members-1-relationship", "son")
    page.fill("#id_members-1-id_number", f.id_number(born(7)))
    assert page.locator(school.format(1)).input_value() == c.SchoolStatus.PRIMARY
    assert page.locator(labour.format(1)).input_value() == c.LabourAbility.NONE

    page.click("[data-testid=add-member]")
    page.fill("#id_members-2-name", "王小红")
    page.select_option("#id_members-2-relationship", "daughter")
    page.fill("#id_members-2-id_number", f.id_number(born(16), male=False))
    assert page.locator(school.format(2)).input_value() == ""  # 16: the user chooses
    page.select_option(school.format(2), c.SchoolStatus.SENIOR_HIGH)
    assert page.locator(labour.format(2)).input_value() == c.LabourAbility.WEAK  # follows the choice
    page.locator("[data-testid=proposal-note]").nth(2).scroll_into_view_if_needed()
    shot(page, "member-proposal-phone")

    # A choice of the user is kept when the number is corrected.
    page.select_option(labour.format(0), c.LabourAbility.SKILLED)
    page.fill("#id_members-0-id_number", f.id_number(born(41)))
    assert page.locator(labour.format(0)).input_value() == c.LabourAbility.SKILLED

    page.select_option("#id_main_cause", "lack_land")
    saved(page)
    assert Household.objects.count() == 1, page.locator(".errorlist, .alert-danger").all_inner_texts()
    household = Household.objects.get()
    assert page.url.endswith(f"/households/{household.number}/")
    values = {m.name: (m.school_status, m.labour_ability) for m in Member.objects.all()}
    assert values == {
        "王大山": (c.SchoolStatus.NOT_IN_SCHOOL, c.LabourAbility.SKILLED),
        "王小明": (c.SchoolStatus.PRIMARY, c.LabourAbility.NONE),
        "王小红": (c.SchoolStatus.SENIOR_HIGH, c.LabourAbility.WEAK),
    }
