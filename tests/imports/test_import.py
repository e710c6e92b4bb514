"""The household import (§13): dry run, report, commit, valid-only, re-import, scope."""

import pytest

from households.models import Household, Member, StatusEvent
from imports.models import ImportJob, JobState
from tests import factories as f
from tests.conftest import login

from .conftest import commit, household_row, member_row, post_file, xlsx_bytes

pytestmark = pytest.mark.django_db


def _job():
    return ImportJob.objects.latest("id")


def clean_file():
    households = [household_row("1"), household_row("2", village="211224100001", 主要致贫原因="缺资金")]
    members = [
        member_row("1", name="王大"),
        member_row("1", "配偶", id_number=f.id_number(male=False), name="李二"),
        member_row("2", name="赵三"),
    ]
    return xlsx_bytes(households, members)


def test_a_clean_file_imports(client, users, tree, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    response = post_file(client, django_capture_on_commit_callbacks, clean_file())
    job = _job()
    assert response.status_code == 302
    assert job.state == JobState.VALIDATED and job.error_count == 0 and job.households_total == 2
    assert Household.objects.count() == 0  # a dry run changes nothing
    commit(client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result["created"] == 2
    households = Household.objects.filter(village=tree.village_a).order_by("number")
    assert [h.number for h in households] == ["2112241000010001", "2112241000010002"]
    assert all(h.county_id == tree.county.pk for h in households)
    assert Member.objects.filter(household__in=households).count() == 3
    spouse = Member.objects.get(name="李二")
    assert spouse.sex == "female" and spouse.birth_date.year == 1970
    assert StatusEvent.objects.filter(household__in=households).count() == 2
    assert households[0].history.count() == 1 and spouse.history.first().history_change_reason
    page = client.get(f"/imports/{job.pk}/")
    assert page.status_code == 200 and b'data-testid="result"' in page.content


def test_a_file_with_errors_imports_nothing_and_reports_each_error(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    taken = homes.a.members.get().id_number
    households = [household_row("1"), household_row("2", village="211224999999"), household_row("3")]
    members = [
        member_row("1", id_number="211224197001010000"),  # bad check character
        member_row("2"),
        member_row("9"),  # no household 9
        member_row("3"),
        member_row("3", "之子", id_number=taken),  # already a current member of household A
    ]
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, xlsx_bytes(households, members))
    job = _job()
    found = {(i.sheet, i.row, i.column, i.code) for i in job.issues.all()}
    assert ("家庭成员", 2, "D", "id_checksum") in found
    assert ("户信息", 3, "B", "village_not_in_scope") in found
    assert ("家庭成员", 4, "A", "member_without_household") in found
    assert ("家庭成员", 6, "D", "duplicate_person") in found
    assert job.households_invalid == 3
    response = commit(client, django_capture_on_commit_callbacks, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.VALIDATED
    assert Household.objects.count() == 4  # only the four of the fixture
    page = client.get(f"/imports/{job.pk}/")
    assert page.content.count(b'data-testid="issue"') == job.error_count
    annotated = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert annotated.status_code == 200 and annotated["Content-Type"].startswith("application/vnd.openxml")


def test_import_valid_only_imports_exactly_the_valid_households(
    client, users, tree, django_capture_on_commit_callbacks
):
    households = [household_row("1"), household_row("2"), household_row("3")]
    members = [
        member_row("1", name="甲"),
        member_row("2", relationship="配偶", name="乙"),  # no head
        member_row("3", name="丙", **{"务工时间（月）": 13}),
    ]
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, xlsx_bytes(households, members))
    job = _job()
    codes = set(job.issues.values_list("code", flat=True))
    assert {"head_count", "invalid_int"} <= codes
    commit(client, django_capture_on_commit_callbacks, job, valid_only=True)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result["created"] == 1 and job.result["skipped"] == 2
    assert list(Member.objects.values_list("name", flat=True)) == ["甲"]


def test_reimporting_the_same_file_updates_rather_than_duplicates(
    client, users, tree, django_capture_on_commit_callbacks
):
    data = clean_file()
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, data)
    commit(client, django_capture_on_commit_callbacks, _job())
    post_file(client, django_capture_on_commit_callbacks, data)
    job = _job()
    assert job.error_count == 0
    commit(client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.result["created"] == 0 and job.result["updated"] == 2 and job.result["members_updated"] == 3
    assert Household.objects.count() == 2 and Member.objects.count() == 3
    # And by number: the numbers the system gave, with a changed value.
    number = Household.objects.order_by("number").first().number
    head = Member.objects.get(name="王大")
    changed = xlsx_bytes(
        [household_row(number, 主要致贫原因="缺技术")], [member_row(number, id_number=head.id_number, name="王大")]
    )
    post_file(client, django_capture_on_commit_callbacks, changed)
    commit(client, django_capture_on_commit_callbacks, _job())
    household = Household.objects.get(number=number)
    assert household.main_cause == "lack_skills"
    latest = household.history.first()
    assert latest.history_type == "~" and latest.main_cause == "lack_skills" and latest.history_change_reason
    assert Household.objects.count() == 2 and Member.objects.count() == 3


def test_a_clerk_cannot_import_into_another_village(client, users, tree, homes, django_capture_on_commit_callbacks):
    data = xlsx_bytes(
        [household_row("1", village=tree.village_b.code), household_row(homes.b.number, village=tree.village_a.code)],
        [member_row("1"), member_row(homes.b.number)],
    )
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, data)
    codes = set(_job().issues.values_list("code", flat=True))
    assert {"village_not_in_scope", "household_not_in_scope"} <= codes


def test_job_of_another_user_is_404(client, users, tree, django_capture_on_commit_callbacks):
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, clean_file())
    job = _job()
    login(client, users.clerk_b)
    for url in (f"/imports/{job.pk}/", f"/imports/{job.pk}/progress/", f"/imports/{job.pk}/errors.xlsx"):
        assert client.get(url).status_code == 404
    assert client.post(f"/imports/{job.pk}/commit/").status_code == 404
    login(client, users.county)  # the county office sees the imports of its villages
    assert client.get(f"/imports/{job.pk}/").status_code == 200


def test_roles_that_do_not_register_households_get_404(client, users):
    login(client, users.auditor)
    assert client.get("/imports/").status_code == 404
    assert client.get("/imports/template.xlsx").status_code == 404


def test_the_job_list_and_progress_partial(
    client, users, tree, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    login(client, users.clerk_a)
    for _ in range(3):
        post_file(client, django_capture_on_commit_callbacks, clean_file())
    with django_assert_max_num_queries(8):
        assert client.get("/imports/").status_code == 200
    response = client.get(f"/imports/{_job().pk}/progress/")
    assert response.status_code == 200 and b'data-state="validated"' in response.content


def test_a_person_registered_meanwhile_is_reported_and_the_rest_imported(
    client, users, tree, django_capture_on_commit_callbacks, monkeypatch
):
    """The database constraint backs the checks: a clash between check and write fails only its household."""
    from imports import services

    clash_id = f.id_number()
    data = xlsx_bytes([household_row("1"), household_row("2")], [member_row("1", id_number=clash_id), member_row("2")])
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, data)
    job = _job()
    real_submit = services.BatchWriter.submit

    def someone_registers_then_submit(self, *args, **kwargs):  # after any check, before the write
        f.household(tree.village_b, by=users.admin, members=[f.member(id_number=clash_id)])
        real_submit(self, *args, **kwargs)

    monkeypatch.setattr(services.BatchWriter, "submit", someone_registers_then_submit)
    commit(client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.result["created"] == 1 and job.result["clashes"] == ["1"]
    assert Member.objects.filter(id_number=clash_id).count() == 1
