"""Regions over the years in the demo (issue 14, docs/lifecycle-regions.md): the announced exits of the
province's poverty counties before the working year, and a classification recorded by the county office.

The showcase county's own exit is announced through its case (demo.cases.county_exit, which records its
exit year); the other poverty counties exited before the system held their cases, so their exit years are
written as the province's migrated history, like the region tree itself. The county office then reviews
the showcase village's classification of the working year through the service, so the year's page shows a
change history.
"""

import datetime as dt

from accounts.audit import acting_as
from accounts.models import Role, User
from villages.flags import LEVEL_FLAGS, flags_for, region_flags_save
from villages.models import Level, Region

from . import names as n
from .clock import SimulatedClock


def seed_regions_over_years(clock: SimulatedClock, actors: dict[str, User], village: Region, year: int) -> None:
    """Exit years of the poverty counties announced before `year`; the village's classification of `year`."""
    by_year: dict[int, list[str]] = {}
    for code, exit_year in n.POVERTY_COUNTY_EXIT_YEAR.items():
        if exit_year < year:
            by_year.setdefault(exit_year, []).append(code + "000000")
    for exit_year, codes in sorted(by_year.items()):
        Region.objects.filter(code__in=codes, level=Level.COUNTY, exit_year__isnull=True).update(exit_year=exit_year)

    clock.set(dt.date(year, 12, 18), 10)
    county_official = actors[Role.COUNTY_OFFICIAL]
    current = flags_for(village, year)
    with acting_as(county_official):
        region_flags_save(
            region=village,
            year=year,
            flags={name: getattr(current, name) for name in LEVEL_FLAGS[Level.VILLAGE]},
            reason=f"{year}年度贫困村动态调整复核：维持原认定。",
            user=county_official,
        )
