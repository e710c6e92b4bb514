"""The tasks of imports and rosters run in the name of their user (accounts.audit.acting_as): every entry
their tracked saves write names who uploaded or applied, never nobody (§9)."""

import pytest

from accounts.audit import acting_user
from accounts.models import AuditLog
from imports import services
from imports.models import ImportJob, JobState, Roster, RosterState
from tests.conftest import login

from .conftest import commit, household_row, member_row, post_file, xlsx_bytes
from .test_rosters import _csv, apply, post_roster

pytestmark = pytest.mark.django_db


def _tracked(object_type: str, pk: int):
    return AuditLog.objects.filter(object_type=object_type, object_id=str(pk), detail__has_key="changes")


def test_a_roster_read_and_applied_by_its_tasks_names_the_user(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    login(client, users.clerk_a)
    post_roster(client, django_capture_on_commit_callbacks, _csv([(homes.a.members.get().id_number, "是")]))
    roster = Roster.objects.get()
    apply(client, django_capture_on_commit_callbacks, roster)
    roster.refresh_from_db()
    assert roster.state == RosterState.APPLIED
    changes = list(_tracked("roster", roster.pk))
    assert changes and all(entry.user == users.clerk_a for entry in changes)
    assert any("applied_at" in entry.detail["changes"] for entry in changes)  # written by the apply task
    assert not AuditLog.objects.filter(object_type="roster", user__isnull=True).exists()


def test_an_import_checked_and_committed_by_its_tasks_acts_as_the_user(
    client, users, tree, monkeypatch, django_capture_on_commit_callbacks
):
    """The import writes households in bulk (one entry per job); any tracked save inside its tasks, now
    or later, names the uploader: the tasks run as them."""
    seen = {}
    for step in ("_validate", "_commit"):
        original = getattr(services, step)

        def spy(job, original=original, step=step):
            seen[step] = acting_user()
            return original(job)

        monkeypatch.setattr(services, step, spy)
    login(client, users.clerk_a)
    before = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    post_file(client, django_capture_on_commit_callbacks, xlsx_bytes([household_row("1")], [member_row("1")]))
    job = ImportJob.objects.get()
    commit(client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert seen == {"_validate": users.clerk_a, "_commit": users.clerk_a}
    assert not AuditLog.objects.filter(id__gt=before, user__isnull=True).exists()
