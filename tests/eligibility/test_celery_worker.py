"""§5.6 end to end with a real Celery worker on PostgreSQL + Redis (the CI pass that sets REDIS_URL)."""

import pytest

from eligibility.models import HouseholdCheck, RecomputeRun, RunState
from tests.worker import celery_worker, needs_worker, skip_unless_postgresql
from villages.models import RegionIndicator

from .conftest import AS_OF, good_household

pytestmark = needs_worker


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_nightly_recompute_end_to_end(world):
    skip_unless_postgresql()
    from eligibility.tasks import nightly_recompute

    good_household(world.village_a)
    good_household(world.village_d)
    with celery_worker(pool="solo") as worker:
        nightly_recompute.delay(AS_OF.isoformat())

        def ended():
            run = RecomputeRun.objects.first()
            return run is not None and run.state in (RunState.DONE, RunState.FAILED)

        worker.wait_for(ended)
    run = RecomputeRun.objects.first()
    assert run is not None and run.state == RunState.DONE, worker.output[-3000:]
    assert run.counties_done == 2 and run.households == 2
    assert HouseholdCheck.objects.on(AS_OF).count() == 2
    assert RegionIndicator.objects.filter(as_of=AS_OF).count() == 11
