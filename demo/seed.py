"""The demo province in one call (issue 2, item 8): regions, households and one user per role (§1), then
the working year's cases, projects, funds, samples and import through the apps' services (demo.activity,
issue 15).

Reproducible: one random.Random(seed) drives everything, in a fixed order. Fast: rows go through
writer.Sink (bulk_create, COPY on PostgreSQL) in batches, so no simple-history rows are written.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max, Model

from accounts.models import Role, User
from assistance.models import AssistanceRecord, SmallLoan, Visit
from households.models import Assessment, Helper, Household, Income, Member, MemberEvent, Pairing, StatusEvent
from households.tallies import tally_refresh
from villages.models import AnnualTarget, Region, RegionYear, WorkingYear

from . import names as n
from .activity import seed_activity
from .households import HouseholdGenerator
from .regions import Plan, build_region_years, build_regions
from .writer import Sink

DEMO_WORKING_YEAR = 2020  # the demo province's working year (issue 13): its data run to 2020
DEMO_PASSWORD = "demo12345"  # noqa: S105 -- every demo user's password; printed by the command, never for production
# Which level of the showcase village's ancestry each demo user is scoped to (§1).
DEMO_USERS = (
    (Role.VILLAGE_CLERK, "village"),
    (Role.HELPER, "county"),
    (Role.TOWNSHIP_REVIEWER, "township"),
    (Role.COUNTY_OFFICIAL, "county"),
    (Role.CITY_OFFICIAL, "city"),
    (Role.PROVINCE_STAFF, "province"),
    (Role.AUDITOR, "province"),
    (Role.ADMIN, "province"),
)
WRITE_ORDER: list[type[Model]] = [
    *(Helper, Household, Member, MemberEvent, Income, Assessment, StatusEvent, Pairing),
    *(AssistanceRecord, Visit, SmallLoan),  # §4, demo.assistance
]


@dataclass
class SeedResult:
    counts: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, scope code
    skipped_users: list[str] = field(default_factory=list)


def has_data() -> bool:
    return Region.objects.exists()


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def seed_demo(*, households: int, seed: int, batch: int = 2000) -> SeedResult:
    """Build the demo province into an empty database (§1–§3)."""
    rng = random.Random(seed)
    result = SeedResult()
    with transaction.atomic():
        plan = build_regions(rng, households=households)
    showcase = min(
        (i for i, v in enumerate(plan.villages) if v.code.startswith(n.SHOWCASE_COUNTY)),
        key=lambda i: plan.villages[i].code,
    )
    nv = len(plan.villages)
    helper_id = None
    if households:
        sink = Sink(WRITE_ORDER)
        first = {"household": _next_id(Household), "member": _next_id(Member), "helper": _next_id(Helper)}
        gen = HouseholdGenerator(rng, plan, sink, first_ids=first)
        try:
            gen.run(households, showcase=showcase, batch=batch)
        finally:
            sink.close()
        sink.reset_sequences([Household, Member, Helper])
        result.counts.update({str(m._meta.verbose_name_plural): count for m, count in sink.counts.items()})
        helper_id = gen.first_helper.get(showcase)
        registered, poor_now, poor_by_year = gen.registered, gen.poor_now, gen.poor_by_year
    else:
        zeros = [0] * nv
        registered, poor_now, poor_by_year = zeros, zeros, {y: zeros for y in (2018, 2019, 2020)}
    with transaction.atomic():
        build_region_years(rng, plan, registered=registered, poor_now=poor_now, poor_by_year=poor_by_year)
        _users(plan, showcase, helper_id, result)
        _working_year()
    tally_refresh()  # the households went in by COPY, unseen by the tallies' signals
    if households:
        sink.analyze([Region, RegionYear, AnnualTarget])
        # The working year's cases, projects, funds, samples and import (issue 15), through the services.
        result.counts.update(seed_activity(rng=rng, plan=plan, showcase=showcase, ids=gen.ids))
    result.counts["regions"] = 1 + len({c.city_id for c in plan.counties}) + len(plan.counties)
    result.counts["regions"] += len(plan.township_ids) + nv
    return result


def _working_year() -> None:
    """The demo is the situation of 2020 (the last year of the three-year action): its working year is
    2020 whatever today's date, so the nightly run and every page evaluate 2020 as of 31 December 2020
    (villages.working_year), with no --as-of needed. Opened by the province staff demo user."""
    opener = User.objects.filter(username=Role.PROVINCE_STAFF).first()
    WorkingYear.objects.get_or_create(year=DEMO_WORKING_YEAR, defaults={"opened_by": opener, "note": "演示数据"})


def _users(plan: Plan, showcase: int, helper_id: int | None, result: SeedResult) -> None:
    """One demo user per role, scoped along the showcase village's ancestry; `admin` is a superuser."""
    village = Region.objects.select_related("parent__parent__parent__parent").get(pk=plan.villages[showcase].id)
    township = village.parent
    assert township is not None and township.parent is not None  # a village has all four ancestors (§2)
    county = township.parent
    city = county.parent
    assert city is not None and city.parent is not None
    scopes = {"village": village, "township": township, "county": county, "city": city, "province": city.parent}
    password = make_password(DEMO_PASSWORD)  # hashed once: eight PBKDF2 runs would dominate a small seed
    existing = set(User.objects.filter(username__in=[r for r, _ in DEMO_USERS]).values_list("username", flat=True))
    new = []
    for role, level in DEMO_USERS:
        if role in existing:
            result.skipped_users.append(role)
            continue
        admin = role == Role.ADMIN
        new.append(
            User(
                username=role,
                password=password,
                role=role,
                scope=scopes[level],
                is_staff=admin or role == Role.AUDITOR,
                is_superuser=admin,
                first_name=str(Role(role).label),
            )
        )
        result.users.append((role, str(Role(role).label), scopes[level].code))
    User.objects.bulk_create(new)
    if helper_id and Role.HELPER not in existing:
        Helper.objects.filter(pk=helper_id).update(user=User.objects.get(username=Role.HELPER))
