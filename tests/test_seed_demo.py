"""seed_demo (issue 2, item 8): reproducible, valid demo data and one working user per role (§1–§3, §8.1)."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import Role, User
from demo.seed import DEMO_PASSWORD
from households import choices as c
from households.idnumber import parse_id_number
from households.models import Helper, Household, Income, Member, Pairing, StatusEvent
from households.selectors import household_list_for
from villages.models import AnnualTarget, Level, Region, RegionYear

pytestmark = pytest.mark.django_db


def seed(households=200, seed=1, **options):
    out = StringIO()
    call_command("seed_demo", households=households, seed=seed, stdout=out, **options)
    return out.getvalue()


def digest() -> str:
    h = hashlib.sha256()
    for row in Household.objects.order_by("number").values_list("number", "status", "main_cause", "village__code"):
        h.update(repr(row).encode())
    for row in Member.objects.order_by("id_number").values_list("id_number", "name", "household__number"):
        h.update(repr(row).encode())
    for row in Income.objects.order_by("household__number", "year").values_list(
        "household__number", "year", "wages", "business", "net"
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


class Rollback(Exception):
    pass


def test_the_same_seed_gives_identical_households_in_a_fresh_database():
    try:
        with transaction.atomic():  # a fresh database again once this block is rolled back
            seed()
            first = digest()
            raise Rollback
    except Rollback:
        pass
    assert not Region.objects.exists()
    seed()
    assert Household.objects.count() == 200
    assert digest() == first


def test_every_member_id_number_is_valid_and_matches_birth_date_and_sex():
    seed()
    members = list(Member.objects.values_list("id_number", "birth_date", "sex", "relationship"))
    assert len(members) > 400
    for id_number, birth_date, sex, relationship in members:
        info = parse_id_number(id_number)
        assert (info.birth_date, info.sex) == (birth_date, sex)
        if relationship in c.MALE_RELATIONSHIPS:
            assert sex == c.Sex.MALE
        if relationship in c.FEMALE_RELATIONSHIPS:
            assert sex == c.Sex.FEMALE
    current = Member.objects.filter(departure="")
    assert current.values("id_number").distinct().count() == current.count()


def test_each_live_household_has_exactly_one_current_head_and_closed_ones_none():
    seed()
    heads = Household.objects.annotate(
        heads=Count("members", filter=Q(members__relationship=c.Relationship.HEAD, members__departure=""))
    )
    assert set(heads.exclude(status=c.Status.CLOSED).values_list("heads", flat=True)) == {1}
    assert set(heads.filter(status=c.Status.CLOSED).values_list("heads", flat=True)) <= {0}


def test_households_are_numbered_by_village_and_have_their_records():
    seed()
    for number, village_code, county_id, village_county in Household.objects.values_list(
        "number", "village__code", "county_id", "village__parent__parent_id"
    ):
        assert len(number) == 16 and number.startswith(village_code)
        assert county_id == village_county
    assert Income.objects.filter(year=2020).exists()
    assert Pairing.objects.count() == 200
    assert set(Household.objects.values_list("status", flat=True)) >= {c.Status.EXITED, c.Status.POOR}
    assert StatusEvent.objects.filter(to_status=c.Status.EXITED).exists()


def test_all_eight_demo_users_exist_with_coherent_scopes_and_can_log_in(client):
    output = seed()
    assert DEMO_PASSWORD in output
    users = {u.username: u for u in User.objects.select_related("scope")}
    assert set(users) == set(Role.values)
    for username, user in users.items():
        assert user.role == username
        assert client.login(username=username, password=DEMO_PASSWORD)
        client.logout()
    clerk_village = users["village_clerk"].scope
    assert clerk_village.level == Level.VILLAGE
    assert Household.objects.filter(village=clerk_village).exists()
    assert users["township_reviewer"].scope == clerk_village.parent
    assert users["county_official"].scope == clerk_village.parent.parent
    assert users["city_official"].scope == clerk_village.parent.parent.parent
    for name in ("province_staff", "auditor", "admin"):
        assert users[name].scope.level == Level.PROVINCE
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not users["province_staff"].is_superuser
    helper_homes = household_list_for(users["helper"])
    assert helper_homes.count() >= 3
    assert set(helper_homes.values_list("village_id", flat=True)) == {clerk_village.pk}


def test_zero_households_builds_regions_and_users_only():
    seed(households=0)
    assert Region.objects.filter(level=Level.VILLAGE).count() >= 100
    assert User.objects.count() == 8
    assert not Household.objects.exists() and not Helper.objects.exists()
    assert AnnualTarget.objects.filter(region__level=Level.PROVINCE, year=2018, people=150_000).exists()


def test_if_empty_is_a_no_op_the_second_time_and_a_plain_rerun_refuses():
    seed(households=20, if_empty=True)
    before = (Region.objects.count(), Household.objects.count(), User.objects.count())
    seed(households=20, if_empty=True)
    assert (Region.objects.count(), Household.objects.count(), User.objects.count()) == before
    with pytest.raises(CommandError):
        seed(households=20)
    assert Household.objects.count() == before[1]


def test_codes_are_12_digits_and_children_start_with_the_parent_prefix():
    seed(households=0)
    regions = Region.objects.select_related("parent")
    assert regions.filter(level=Level.COUNTY, code="211224000000", poverty_county="provincial").exists()
    for region in regions:
        assert len(region.code) == 12 and region.code.isdigit()
        if region.parent:
            assert region.code.startswith(region.parent.prefix)
            assert region.code != region.parent.code
    years = RegionYear.objects.filter(region__level=Level.VILLAGE)
    assert set(years.values_list("year", flat=True)) == {2018, 2019, 2020}
    assert not years.filter(rural_population__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_seeding_outside_a_transaction_as_the_command_runs_gives_the_same_data():
    """Outside a transaction PostgreSQL writes batches from a second thread (demo.writer)."""
    seed(households=60, batch=7)
    assert Household.objects.count() == 60
    assert Member.objects.filter(household__isnull=True).count() == 0
    assert Pairing.objects.filter(helper__user__username=Role.HELPER).count() >= 3
    numbers = list(Household.objects.order_by("id").values_list("number", flat=True))
    assert len(set(numbers)) == 60
    # The id sequences moved past the explicit ids: a later insert does not collide.
    county = Region.objects.get(code="211224000000")
    helper = Helper.objects.create(
        name="新干部", sex=c.Sex.MALE, unit="昌图县财政局", unit_level="county", county=county
    )
    assert helper.pk > max(Helper.objects.exclude(pk=helper.pk).values_list("pk", flat=True))
