"""§13 end to end in a real Celery worker with the prefork pool, as production runs it (issue 16): the
dry run forks helper processes from the pool's daemonic child (imports/parallel.py), which must neither
hang nor break the child's database connection; the commit follows through the broker."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from households.models import Household, Member
from imports.models import ImportJob, JobState
from imports.services import BATCH, import_job_commit, import_job_create
from tests import factories as f
from tests.worker import celery_worker, needs_worker, skip_unless_postgresql

from .conftest import household_row, member_row, upload, xlsx_bytes

pytestmark = [*needs_worker, pytest.mark.django_db(transaction=True)]

# A few households more than one batch of settings.IMPORT_BATCH_SIZE, which the worker reads from its own
# settings (no environment variable sets it, and override_settings does not reach a subprocess): two
# batches, so the dry run hands the second to a forked process. The member sheet is read by a forked
# process whatever the size.
HOUSEHOLDS = BATCH + 20
FORKED = ("forked for _stage_members_alone", "forked for _check_part_alone")


def households_file(tree, *, bad: int | None = None) -> tuple[bytes, list[str], int]:
    """HOUSEHOLDS households of village A, a head each and a spouse in every tenth; `bad`: the household
    whose identification year is not a number. Returns the file, its keys and its number of members."""
    keys = [f"{tree.village_a.code}{n:04d}" for n in range(1, HOUSEHOLDS + 1)]
    households, members = [], []
    for n, key in enumerate(keys):
        households.append(household_row(key, **({"识别年度": "去年"} if n == bad else {})))
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=n)  # a fresh birth date: id numbers never repeat
        members.append(member_row(key, id_number=f.id_number(birth), name="张三"))
        if n % 10 == 0:
            members.append(member_row(key, "配偶", id_number=f.id_number(birth, male=False), name="李四"))
    return xlsx_bytes(households, members), keys, len(members)


def ended(job: ImportJob, *states: str):
    def check() -> bool:
        job.refresh_from_db()
        return job.state in (*states, JobState.FAILED)

    return check


def test_a_prefork_worker_checks_and_imports_a_file_with_forked_helpers(tree, users, media, settings):
    skip_unless_postgresql()
    data, keys, member_count = households_file(tree)
    env = {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}  # the upload is stored where the worker reads it
    with celery_worker(pool="prefork", env=env, loglevel="INFO") as worker:
        job = import_job_create(user=users.clerk_a, upload=upload(data))
        assert worker.wait_for(ended(job, JobState.VALIDATED)), f"still {job.state}"
        assert (job.state, job.message, job.error_count) == (JobState.VALIDATED, "", 0)
        assert (job.households_total, job.members_total, job.households_invalid) == (HOUSEHOLDS, member_count, 0)
        assert not job.issues.exists() and not Household.objects.exists()
        import_job_commit(user=users.clerk_a, job=job, valid_only=False)
        assert worker.wait_for(ended(job, JobState.DONE)), f"still {job.state}"
    assert (job.state, job.message) == (JobState.DONE, ""), worker.output[-3000:]
    assert job.result["created"] == HOUSEHOLDS and job.result["members_created"] == member_count
    assert job.result["skipped"] == 0 and job.result["clashes"] == []
    assert sorted(Household.objects.filter(village=tree.village_a).values_list("number", flat=True)) == keys
    assert Member.objects.filter(household__village=tree.village_a).count() == member_count
    for line in FORKED:  # the helpers really ran (imports/parallel.py logs each fork)
        assert line in worker.output, worker.output[-3000:]
    assert "Traceback" not in worker.output, worker.output[-3000:]


def test_a_prefork_worker_reports_a_bad_cell_of_the_forked_half_and_writes_nothing(tree, users, media, settings):
    skip_unless_postgresql()
    bad = HOUSEHOLDS - 1  # in the last batch: checked by the forked process
    data, keys, _members = households_file(tree, bad=bad)
    env = {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    with celery_worker(pool="prefork", env=env, loglevel="INFO") as worker:
        job = import_job_create(user=users.clerk_a, upload=upload(data))
        assert worker.wait_for(ended(job, JobState.VALIDATED)), f"still {job.state}"
    assert (job.state, job.message) == (JobState.VALIDATED, ""), worker.output[-3000:]
    assert (job.error_count, job.households_invalid) == (1, 1)
    issue = job.issues.get()
    assert (issue.household_key, issue.sheet, issue.row, issue.header) == (keys[bad], "户信息", bad + 2, "识别年度")
    assert "forked for _check_part_alone" in worker.output, worker.output[-3000:]
    with pytest.raises(ValidationError):  # a file with errors is imported only as "valid only"
        import_job_commit(user=users.clerk_a, job=job, valid_only=False)
    job.refresh_from_db()
    assert job.state == JobState.VALIDATED
    assert not Household.objects.exists() and not Member.objects.exists()
