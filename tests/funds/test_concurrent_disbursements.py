"""§11 under load: many simultaneous payments against one arrangement never exceed it (PostgreSQL only)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum

from funds import services as fs
from funds.models import Arrangement, Disbursement

from .helpers import DAY, ledger

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")

THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_disbursements_never_exceed_the_arrangement(tree, users):
    p, a, arr = ledger(tree, users, allocated="1000.00", arranged="500.00")
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def pay():
        try:
            barrier.wait(timeout=10)
            arrangement = Arrangement.objects.select_related("allocation__county").get(pk=arr.pk)
            fs.disbursement_create(user=users.county, arrangement=arrangement, amount="100.00", date=DAY)
            result = "paid"
        except ValidationError as e:
            result = "refused:" + ",".join(err.code for err in e.error_dict.get("amount", []))
        except Exception as e:  # noqa: BLE001 - every failure must be reported, not lost
            result = f"error:{type(e).__name__}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=pay) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(outcomes) == THREADS
    assert outcomes.count("paid") == 5
    assert outcomes.count("refused:over_arranged") == THREADS - 5, outcomes
    total = Disbursement.objects.filter(arrangement=arr).aggregate(s=Sum("signed_amount"))["s"]
    assert total == Decimal("500.00")


@pytest.mark.django_db(transaction=True)
def test_concurrent_arrangements_never_exceed_the_allocation(tree, users):
    from funds.models import Allocation

    from .helpers import allocation, project

    p = project(tree.county, users.county)
    a = allocation(tree.county, users.county, "300.00")
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def arrange():
        try:
            barrier.wait(timeout=10)
            alloc = Allocation.objects.select_related("county").get(pk=a.pk)
            fs.arrangement_create(user=users.county, allocation=alloc, project=p, amount="100.00", date=DAY)
            result = "arranged"
        except ValidationError as e:
            result = "refused:" + ",".join(err.code for err in e.error_dict.get("amount", []))
        except Exception as e:  # noqa: BLE001 - every failure must be reported, not lost
            result = f"error:{type(e).__name__}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=arrange) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["arranged"] * 3 + ["refused:over_allocated"] * 5, outcomes
    assert Arrangement.objects.filter(allocation=a).aggregate(s=Sum("signed_amount"))["s"] == Decimal("300.00")
