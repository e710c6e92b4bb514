"""§6: two county officials approving the same case at the same moment leave exactly one approval,
one step and one sealed dossier (row lock on the case; PostgreSQL only)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.models import Role
from tests import factories as f
from workflows import services as s
from workflows.models import Case, Dossier, Step

from .conftest import eligible_household, walk_exit_to_township

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_county_approvals_leave_exactly_one(tree, users):
    household = eligible_household(tree.village_a)
    case = walk_exit_to_township(users, household)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    second = f.user("county_b", Role.COUNTY_OFFICIAL, tree.county)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(user):
        try:
            barrier.wait(timeout=10)
            s.case_transition(user=user, case=Case.objects.get(pk=case.pk), transition="county_approve")
            result = "approved"
        except ValidationError as e:
            result = "refused:" + ",".join(err.code for err in e.error_dict.get("transition", []))
        except Exception as e:  # noqa: BLE001 - every failure must be reported, not lost
            result = f"error:{type(e).__name__}:{e}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(u,)) for u in (users.county, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == ["approved", "refused:wrong_state"], outcomes
    assert Step.objects.filter(case=case, transition="county_approve").count() == 1
    assert Dossier.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).state == "approved"
