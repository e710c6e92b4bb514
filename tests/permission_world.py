"""The records of the permission matrix (tests/test_permission_matrix.py), built once per module.

The shared world of tests/conftest.py (the tree, one user per role, households A–D) plus a second
province that lies outside every user's scope, and one of each record a write endpoint acts on at
each *site*: A (village 东村, county 昌图县), B (village 西村, same county), D (village 北村, county 铁岭县)
and X (吉林省 农安县 前村). Records that belong to a county (projects, fund entries, county cases,
samples) are shared by A and B.

Building it per test would take minutes for the matrix's thousand cells, so `build_world` runs once
inside an outer transaction and every test runs in a savepoint of it (pytest-django's `db`), rolled
back after the test: a test may change any record, the next one finds it as built.
"""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from accounts.models import Role
from funds import services as fs
from funds.choices import Payee
from households import choices as hc
from households.models import Helper, Pairing
from imports.models import ImportJob, JobState, Roster, RosterField
from monitoring.models import AlertCategory, MonitoringAlert
from tests import conftest
from tests import factories as f
from tests.funds.helpers import DAY, allocation, project
from villages.models import Level, SampledHousehold, SampleKind, VerificationSample, WorkingYear
from workflows import definitions as d
from workflows.models import Case, Objection

SITES = ("A", "B", "D", "X")
TODAY = timezone.localdate()
# Enough of a PNG for the evidence check, which recognises a file by its first bytes (§6.1).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _case(case_type: str, *, household=None, region, by) -> Case:
    return Case.objects.create(
        case_type=case_type,
        household=household,
        region=household.village if household is not None else region,
        state=d.WORKFLOWS[case_type].start,
        year=TODAY.year,
        opened_by=by,
        state_since=timezone.now(),
        appraisal_date=TODAY,
        appraisal_attendance=20,
        appraisal_result="同意",
    )


def _alert(household) -> MonitoringAlert:
    return MonitoringAlert.objects.create(
        household=household,
        county=household.county,
        village=household.village,
        category=AlertCategory.UNSTABLE_EXITED,
        year=TODAY.year,
        opened_on=TODAY,
        last_triggered_on=TODAY,
    )


def _sample(county, by) -> VerificationSample:
    sample = VerificationSample.objects.create(county=county, drawn_on=TODAY, seed=7, created_by=by)
    SampledHousehold.objects.create(sample=sample, kind=SampleKind.NON_REGISTERED, label="张三", people=3)
    return sample


def _job(user) -> ImportJob:
    """A checked import file with one valid household, waiting for its author to import it (§13)."""
    return ImportJob.objects.create(
        created_by=user,
        scope=user.scope,
        file="imports/matrix.xlsx",
        original_name="matrix.xlsx",
        state=JobState.VALIDATED,
        households_total=1,
        members_total=1,
    )


def _roster(user) -> Roster:
    return Roster.objects.create(
        created_by=user, scope=user.scope, field=RosterField.DIBAO, department="民政局", original_name="低保.xlsx"
    )


def build_world() -> SimpleNamespace:
    # The conftest fixtures' own bodies, so the matrix runs on exactly the shared world.
    tree = conftest.tree.__wrapped__(None)
    users = conftest.users.__wrapped__(tree)
    homes = conftest.homes.__wrapped__(tree, users)
    w = SimpleNamespace(tree=tree, users=users, homes=homes)
    # The province works in this year: the cases below are of TODAY.year, and an announced exit's
    # exit_year must lie within the policy years (povertymgmt.dates: up to the working year + 1).
    WorkingYear.objects.get_or_create(year=TODAY.year)

    province_x = f.region("220000000000", "吉林省", Level.PROVINCE)
    city_x = f.region("220100000000", "长春市", Level.CITY, province_x)
    county_x = f.region("220122000000", "农安县", Level.COUNTY, city_x)
    township_x = f.region("220122100000", "农安镇", Level.TOWNSHIP, county_x)
    village_x = f.region("220122100001", "前村", Level.VILLAGE, township_x)
    # The officials of site X: they own its records; they are not cells of the matrix.
    w.county_x = f.user("county_x", Role.COUNTY_OFFICIAL, county_x)
    w.clerk_x = f.user("clerk_x", Role.VILLAGE_CLERK, village_x)
    home_x = f.household(village_x, by=users.admin, members=[f.member(id_number=f.id_number(area="220122"))])

    # §3: the helper is paired with household A, and with nothing else.
    helper = Helper.objects.create(
        name="王帮扶",
        sex=hc.Sex.MALE,
        unit="县农业局",
        unit_level=hc.UnitLevel.COUNTY,
        county=tree.county,
        user=users.helper,
    )
    Pairing.objects.create(helper=helper, household=homes.a, start=dt.date(2019, 1, 1))

    w.household = {"A": homes.a, "B": homes.b, "D": homes.d, "X": home_x}
    w.village = {"A": tree.village_a, "B": tree.village_b, "D": tree.village_d, "X": village_x}
    w.county = {"A": tree.county, "B": tree.county, "D": tree.county2, "X": county_x}
    manager = {tree.county.pk: users.county, tree.county2.pk: users.county2, county_x.pk: w.county_x}

    w.project, w.allocation, w.arrangement, w.disbursement = {}, {}, {}, {}
    # Entries with nothing posted against them, so reversing one fails for no reason but the user (§11).
    w.free_allocation, w.free_arrangement = {}, {}
    w.county_case, w.sample = {}, {}
    for site in ("A", "D", "X"):
        county = w.county[site]
        by = manager[county.pk]
        p = project(county, by)  # approved, so it can be funded and moved on
        a = allocation(county, by)
        arr = fs.arrangement_create(user=by, allocation=a, project=p, amount="600.00", date=DAY)
        pay = fs.disbursement_create(
            user=by, arrangement=arr, amount="5", date=DAY, payee=Payee.UNIT, payee_unit="农业局"
        )
        w.project[site], w.allocation[site], w.arrangement[site], w.disbursement[site] = p, a, arr, pay
        w.free_allocation[site] = allocation(county, by, "50.00")
        w.free_arrangement[site] = fs.arrangement_create(user=by, allocation=a, project=p, amount="100.00", date=DAY)
        w.county_case[site] = _case(d.CaseType.COUNTY_EXIT, region=county, by=by)
        w.sample[site] = _sample(county, users.province)
    county_tables = (w.project, w.allocation, w.arrangement, w.disbursement, w.free_allocation, w.free_arrangement)
    for table in (*county_tables, w.county_case, w.sample):
        table["B"] = table["A"]

    w.exit_case, w.objection, w.alert = {}, {}, {}
    for site in SITES:
        h = w.household[site]
        w.exit_case[site] = case = _case(d.CaseType.HOUSEHOLD_EXIT, household=h, region=None, by=users.admin)
        w.objection[site] = Objection.objects.create(
            case=case, raised_on=TODAY, raised_by="村民李四", content="收入核算有误", recorded_by=users.admin
        )
        w.alert[site] = _alert(h)

    # Import files and rosters by their authors: each importer has their own, and every site one.
    w.job_author = {"A": "clerk_a", "B": "clerk_b", "D": "county2", "X": "clerk_x"}
    authors = {name: getattr(users, name) for name in ("clerk_a", "clerk_b", "township", "county", "county2")}
    authors["clerk_x"] = w.clerk_x
    w.job = {name: _job(user) for name, user in authors.items()}
    w.roster = {site: _roster(authors[w.job_author[site]]) for site in SITES}
    return w
