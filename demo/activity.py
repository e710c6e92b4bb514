"""The demo province's year of work (issue 15, "a living demo"): after the registry is written, the demo
users do the working year Y's work through the apps' services, on a simulated clock (demo.clock), so
that every page of every role has something real on the first day and everything is dated in Y, not in
the calendar year.

In the order it happened: the showcase county's own exit in its exit year (§6.3, §6.4); in Y the March
import (§13), the county's projects and funds (§10, §11), the August verification sample (§6.4), the
nightly run of 30 November (§5.6), then the December proposals (§6.1), monitoring cases (§7), a village
exit (§6.3) and the helpers' and clerk's own visits, measures and loan (§4). One transaction: a
failure leaves the registry as the generator wrote it.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Model

from accounts.models import Role, User
from assistance.models import AssistanceRecord, SmallLoan, Visit
from assistance.services import assistance_record_create, small_loan_save, visit_create
from eligibility.models import RunTrigger
from eligibility.rules.run import recompute_sync
from funds.models import Allocation, Arrangement, Disbursement
from households import choices as hc
from households.selectors import household_list_for
from imports.models import ImportJob
from projects.choices import AssistanceCategory
from projects.models import Project
from villages.models import Region, VerificationSample
from villages.working_year import working_year
from workflows.models import Case, Dossier

from .assistance import FINDINGS
from .cases import CaseSeeder
from .clock import SimulatedClock
from .import_history import seed_import
from .ledger import LedgerSeeder
from .lifecycle_a import seed_applicants
from .lifecycle_c import seed_closing_and_end_of_support
from .lifecycle_d import seed_regions_over_years
from .people import IdAllocator
from .regions import Plan
from .simulations import seed_simulation

COUNTED: list[type[Model]] = [
    Project,
    Allocation,
    Arrangement,
    Disbursement,
    AssistanceRecord,
    Visit,
    SmallLoan,
    Case,
    Dossier,
    VerificationSample,
    ImportJob,
]


def _actors(village: Region) -> dict[str, User] | None:
    """The demo users who do the work, each scoped as demo.seed made them; None if one was not (an account
    of that name existed before and was left unchanged)."""
    township = village.parent
    county = township.parent if township else None
    city = county.parent if county else None
    scopes = {
        Role.VILLAGE_CLERK: village,
        Role.HELPER: county,
        Role.TOWNSHIP_REVIEWER: township,
        Role.COUNTY_OFFICIAL: county,
        Role.CITY_OFFICIAL: city,
        Role.PROVINCE_STAFF: city.parent if city else None,
    }
    # Each demo account is named after its role (demo.seed.DEMO_USERS).
    named = User.objects.filter(username__in=list(scopes), role=F("username")).select_related("scope")
    users = {u.username: u for u in named}
    for role, region in scopes.items():
        user = users.get(role)
        if user is None or region is None or user.scope_id != region.pk:
            return None
    return {role: users[role] for role in scopes}


def seed_activity(*, rng: random.Random, plan: Plan, showcase: int, ids: IdAllocator) -> dict[str, int]:
    """The working year's work in the showcase village, township and county; returns row counts."""
    village = Region.objects.select_related("parent__parent__parent").get(pk=plan.villages[showcase].id)
    actors = _actors(village)
    if actors is None:
        return {}
    township = village.parent
    assert township is not None and township.parent is not None  # a village has its ancestors (§2)
    county = township.parent
    county_index = plan.villages[showcase].county
    exit_year = plan.counties[county_index].exit_year
    year = working_year()
    clock = SimulatedClock(dt.date(year, 1, 1))
    cases = CaseSeeder(rng, clock, actors, year)
    with clock.running(), transaction.atomic():
        if exit_year and exit_year < year:
            cases.county_exit(county, exit_year)
        seed_import(rng, clock, actors[Role.VILLAGE_CLERK], ids, county_index, year)
        seed_applicants(cases, village, year)  # the imported applicants through §6.2
        LedgerSeeder(rng, clock, actors[Role.COUNTY_OFFICIAL], county, year).run()
        cases.sample(county, dt.date(year, 8, 20), f"{year}年度脱贫成效第三方评估抽样核查")
        as_of = dt.date(year, 11, 30)
        clock.set(as_of + dt.timedelta(days=1), 2)  # last night's run
        recompute_sync(as_of=as_of, county=county, trigger=RunTrigger.NIGHTLY)
        cases.exits(village, as_of)
        cases.monitoring(village)
        cases.village_exit(township)
        seed_closing_and_end_of_support(clock, actors, village, county, year)
        seed_regions_over_years(clock, actors, village, year)
        _village_work(rng, clock, actors, year)
    seed_simulation(year=year)  # issue 17: one finished policy scenario (demo/simulations.py)
    return {str(m._meta.verbose_name_plural): m._default_manager.count() for m in COUNTED}


def _village_work(rng: random.Random, clock: SimulatedClock, actors: dict[str, User], year: int) -> None:
    """December in the showcase village: the demo helper visits the households paired to them, the clerk
    records measures and a small loan (§4)."""
    helper, clerk = actors[Role.HELPER], actors[Role.VILLAGE_CLERK]
    clock.set(dt.date(year, 12, 14), 9)
    homes = list(household_list_for(helper).order_by("number")[:6])
    for k, home in enumerate(homes):
        day = dt.date(year, 12, 14 + k)
        clock.set(day, 15)
        visit_create(user=helper, household=home, visited_on=day, findings=rng.choice(FINDINGS))
    poor = list(household_list_for(clerk).filter(status__in=hc.POOR_STATUSES).order_by("number")[:3])
    for k, home in enumerate(poor):
        day = dt.date(year, 12, 3 + k)
        clock.set(day, 11)
        record = AssistanceRecord(
            household=home,
            category=AssistanceCategory.EMPLOYMENT,
            date=day,
            content="安排村级公益岗位（护路员），每月补助500元",
            amount=Decimal("500.00"),
        )
        assistance_record_create(user=clerk, record=record)
    if poor:
        issued = dt.date(year, 4, 8)
        clock.set(issued, 10)
        loan = SmallLoan(
            household=poor[0],
            bank="中国邮政储蓄银行",
            amount=Decimal("30000.00"),
            benchmark_rate=Decimal("4.750"),
            term_months=36,
            issued_on=issued,
            due_on=dt.date(year + 3, 4, 8),
        )
        small_loan_save(user=clerk, loan=loan)
