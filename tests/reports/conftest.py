"""The world of the report tests: households of every kind in villages A–D and two nightly snapshots."""

import datetime as dt
from types import SimpleNamespace

import pytest

from eligibility.tasks import nightly_recompute
from households import choices as c
from tests import factories as f
from villages.models import RegionYear

DAY1 = dt.date(2019, 10, 14)
DAY2 = dt.date(2019, 10, 15)
EVIL_NAME = '=HYPERLINK("http://x","y")'


def run_nightly(day, capture):
    with capture(execute=True):
        nightly_recompute.delay(day.isoformat()).get()


@pytest.fixture
def world(tree, users, django_capture_on_commit_callbacks):
    """Villages A, B, C (county 昌图县) and D (铁岭县): poor, exited, returned households, a dangerous
    house, a child out of school, a left-behind elder, a disabled member, a name that is a formula."""
    w = SimpleNamespace(tree=tree, users=users)
    child = dt.date(2010, 5, 1)
    w.a = f.household(
        tree.village_a,
        by=users.admin,
        phone="13812345678",
        housing_grade=c.HousingGrade.D,
        members=[
            f.member(name=EVIL_NAME),
            f.member(c.Relationship.SON, birth=child, school_status=c.SchoolStatus.NOT_IN_SCHOOL),
        ],
    )
    w.a2 = f.household(
        tree.village_a,
        by=users.admin,
        status=c.Status.EXITED,
        exit_year=2019,
        members=[f.member(left_behind=c.LeftBehind.ELDERLY, birth=dt.date(1940, 3, 3))],
    )
    w.b = f.household(
        tree.village_b,
        by=users.admin,
        members=[f.member(is_disabled=True, disability_category="4", disability_grade="2")],
        housing_grade=c.HousingGrade.C,
    )
    w.c = f.household(tree.village_c, by=users.admin, status=c.Status.RETURNED, return_year=2019)
    w.d = f.household(tree.village_d, by=users.admin, members=[f.member(id_number=f.id_number(area="211221"))])
    for village, rural in ((tree.village_a, 400), (tree.village_b, 300), (tree.village_c, 200), (tree.village_d, 100)):
        RegionYear.objects.create(region=village, year=2019, rural_population=rural)
    run_nightly(DAY1, django_capture_on_commit_callbacks)
    run_nightly(DAY2, django_capture_on_commit_callbacks)
    return w
