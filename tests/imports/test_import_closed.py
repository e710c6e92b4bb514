"""§3.1: a closed household (销户) is kept and read, never changed again — also not by an import. A row of
the household sheets (by its number, or by its head's ID number) or of the survey sheets that names a
closed household is an error of that row; nothing of the household changes."""

import pytest

from households import choices as c
from households.models import Assessment, Household, Income
from imports.models import JobState
from tests import factories as f
from tests.conftest import login

from .conftest import commit, household_row, member_row, post_file
from .test_import_survey import _issues, _job, assessment_row, income_row, workbook

pytestmark = pytest.mark.django_db


def closed_household(village, by):
    head = f.member(name="王大山")
    h = f.household(village, by=by, members=[head])
    Household.objects.filter(pk=h.pk).update(status=c.Status.CLOSED)
    return h, h.members.get().id_number


def test_an_import_changes_no_closed_household(client, users, tree, homes, django_capture_on_commit_callbacks):
    closed, head_id = closed_household(tree.village_a, users.admin)
    other, other_head = closed_household(tree.village_a, users.admin)
    before = Household.objects.values("arable_land").get(pk=closed.pk)
    households = [
        household_row(closed.number, **{"耕地面积（亩）": 9}),  # row 2: by its number
        household_row("甲-1", **{"耕地面积（亩）": 9}),  # row 3: a file key, its head the closed household's head
        household_row(homes.a.number, **{"耕地面积（亩）": 7}),  # row 4: a live household: no error
    ]
    members = [
        member_row(closed.number, id_number=head_id, name="王大山"),
        member_row("甲-1", id_number=other_head, name="王大山"),
        member_row(homes.a.number, id_number=homes.a.members.get(relationship=c.Relationship.HEAD).id_number),
    ]
    incomes = [income_row(closed.number, 2020, 工资性收入=1000), income_row(homes.a.number, 2020, 工资性收入=1000)]
    assessments = [assessment_row(closed.number, "2020-05-01")]
    login(client, users.clerk_a)
    post_file(
        client,
        django_capture_on_commit_callbacks,
        workbook(households=households, members=members, incomes=incomes, assessments=assessments),
    )
    job = _job()
    assert job.state == JobState.VALIDATED
    closed_rows = {(sheet, row) for sheet, row, _col, code in _issues(job) if code == "household_closed"}
    assert closed_rows == {("户信息", 2), ("户信息", 3), ("收入情况", 2), ("两不愁评估", 2)}, _issues(job)
    message = next(i for i in job.issues.all() if i.code == "household_closed").message
    assert "销户" in message
    # Only the valid rows are written: the closed households keep everything they had.
    commit(client, django_capture_on_commit_callbacks, job, valid_only=True)
    assert Household.objects.values("arable_land").get(pk=closed.pk) == before
    assert not Income.objects.filter(household__in=[closed, other]).exists()
    assert not Assessment.objects.filter(household__in=[closed, other]).exists()
    assert Income.objects.filter(household=homes.a, year=2020, wages=1000).exists()
