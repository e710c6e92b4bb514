"""The demo's policy scenario (issue 17): what if the line of the working year were 4,200 yuan instead of
the national 4,000? One finished scenario by the province staff demo user, so the simulation pages open
on a real comparison (docs/simulations.md)."""

from decimal import Decimal

from django.db import transaction

from accounts.models import Role, User
from eligibility.policy import parameters_for
from simulations.services import scenario_create, scenario_run
from villages.working_year import policy_date

DEMO_LINE = Decimal("4200")


def seed_simulation(*, year: int) -> None:
    """Create and run the scenario in this process (its enqueued task then finds it done)."""
    staff = User.objects.filter(username=Role.PROVINCE_STAFF).first()
    if staff is None or parameters_for(year).poverty_line >= DEMO_LINE:
        return
    with transaction.atomic():
        scenario = scenario_create(
            user=staff,
            name=f"{year}年扶贫标准提高到{DEMO_LINE:,}元",
            year=year,
            as_of=policy_date(year),
            parameters={"poverty_line": str(DEMO_LINE)},
        )
    scenario_run(scenario_id=scenario.pk)
