"""On PostgreSQL the commit writes batch n in a thread of its own while batch n + 1 is checked
(imports/overlap.py): the same households, history and clashes as one batch after another."""

import pytest
from django.db import connection

from households.models import Household, Member, StatusEvent
from imports import services
from imports.models import ImportJob, JobState
from tests import factories as f
from tests.conftest import login

from .conftest import commit, household_row, member_row, post_file, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the writer thread runs on PostgreSQL only")


def test_batches_written_in_a_thread_import_everything_and_report_a_clash(
    client, users, tree, django_capture_on_commit_callbacks, monkeypatch
):
    keys = [f"{tree.village_a.code}{n:04d}" for n in range(1, 8)]
    clash_id = f.id_number()
    ids = {key: f.id_number() for key in keys}
    ids[keys[4]] = clash_id
    data = xlsx_bytes(
        [household_row(key) for key in keys],
        [member_row(key, id_number=ids[key]) for key in keys]
        + [member_row(keys[0], "配偶", id_number=f.id_number(male=False), name="李二")],
    )
    monkeypatch.setattr(services, "BATCH", 2)
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, data)
    job = ImportJob.objects.latest("id")
    assert job.error_count == 0
    prepared = []
    real_prepare, real_check = services.prepare_batch, services.check_batch

    checked = []

    def prepare(**kwargs):
        if any(p.key == keys[4] for p in kwargs["plans"]):  # someone registers the person meanwhile
            f.household(tree.village_b, by=users.admin, members=[f.member(id_number=clash_id)])
        write = real_prepare(**kwargs)
        prepared.append(write is not None)
        return write

    def check(**kwargs):
        checked.append(len(kwargs["plans"]))
        real_check(**kwargs)

    monkeypatch.setattr(services, "prepare_batch", prepare)
    monkeypatch.setattr(services, "check_batch", check)
    commit(client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert prepared == [True, True, True, True]
    # Nothing changed in the database since the dry run: the commit writes the plans it checked, and
    # the database's unique constraint reports the person registered meanwhile.
    assert checked == []
    assert job.state == JobState.DONE
    assert job.result["created"] == 6 and job.result["members_created"] == 7 and job.result["clashes"] == [keys[4]]
    households = Household.objects.filter(village=tree.village_a)
    assert sorted(h.number for h in households) == [k for k in keys if k != keys[4]]
    assert Member.objects.filter(household__in=households).count() == 7
    assert StatusEvent.objects.filter(household__in=households).count() == 6
    assert Household.history.filter(number__in=keys).count() == 6
    assert Member.history.filter(household_id__in=households.values("pk")).count() == 7
    assert Member.objects.get(id_number=clash_id).household.village == tree.village_b
    # The rows made from text in the dry run hold what the ORM path writes.
    household = Household.objects.get(number=keys[0])
    assert (household.county_id, household.status, household.created_by_id) == (
        tree.county.pk,
        "applicant",  # a clerk's import registers applicants (issue 14)
        users.clerk_a.pk,
    )
    assert (household.identification_year, household.main_cause, str(household.arable_land)) == (
        2016,
        "illness",
        "3.50",
    )
    assert household.other_cause_1 == "" and household.irrigated_land is None
    spouse = Member.objects.get(name="李二")
    assert (spouse.sex, spouse.relationship, spouse.household_id) == ("female", "spouse", household.pk)
    assert spouse.has_resident_medical is True and spouse.months_worked == 6 and spouse.birth_date.year == 1970
    record = spouse.history.get()
    assert (record.history_type, record.history_user_id, record.created_at) == (
        "+",
        users.clerk_a.pk,
        spouse.created_at,
    )
    assert record.history_change_reason and record.id_number == spouse.id_number
    assert StatusEvent.objects.get(household=household).to_status == "applicant"


def test_a_change_in_the_database_after_the_dry_run_makes_the_commit_check_again(
    client, users, tree, django_capture_on_commit_callbacks, monkeypatch
):
    keys = [f"{tree.village_a.code}{n:04d}" for n in range(1, 6)]
    ids = {key: f.id_number() for key in keys}
    data = xlsx_bytes([household_row(key) for key in keys], [member_row(key, id_number=ids[key]) for key in keys])
    monkeypatch.setattr(services, "BATCH", 2)  # three batches: two checked by the worker process
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, data)
    job = ImportJob.objects.latest("id")
    assert job.error_count == 0 and job.households_total == 5
    # Someone registers a person of the file before the import is pressed.
    f.household(tree.village_b, by=users.admin, members=[f.member(id_number=ids[keys[3]])])
    checked = []
    real_check = services.check_batch

    def check(**kwargs):
        checked.append(len(kwargs["plans"]))
        real_check(**kwargs)

    monkeypatch.setattr(services, "check_batch", check)
    commit(client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert checked == [2, 2, 1]
    assert job.state == JobState.DONE
    assert job.result["created"] == 4 and job.result["skipped"] == 1 and job.result["clashes"] == []
    assert sorted(Household.objects.filter(village=tree.village_a).values_list("number", flat=True)) == [
        k for k in keys if k != keys[3]
    ]
