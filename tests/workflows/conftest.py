"""Households ready for the workflows of §6 and §7, and helpers that walk a case along its chain."""

import datetime as dt

import pytest
from django.utils import timezone

from eligibility.policy import parameters_for
from eligibility.rules.household_sql import county_household_test
from tests import factories as f
from villages.models import WorkingYear
from workflows import services as s
from workflows.models import Case

TODAY = timezone.localdate()


def _png(width: int = 8, height: int = 8) -> bytes:
    """A valid small red PNG, built by hand so the tests need no image library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PNG = _png()


def eligible_household(village, **fields):
    """A household that passes every criterion of §5.2 this year, checked by the nightly test."""
    fields.setdefault("housing_grade", "A")
    fields.setdefault("has_safe_water", True)
    h = f.household(village, **fields)
    f.income(h, TODAY.year, wages="20000")
    f.assessment(h, on=TODAY)
    nightly(h.county_id)
    return h


def nightly(county_id):
    county_household_test(county_id=county_id, as_of=TODAY, params=parameters_for(TODAY.year))


@pytest.fixture
def eligible(tree, users):
    return eligible_household(tree.village_a, phone="13912345678")


def appraisal():
    return {"date": TODAY, "attendance": 30, "result": "同意"}


def signed_form(name="form.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


def age_notice(case, days):
    """Move the notice's posting date back, as if `days` had passed."""
    Case.objects.filter(pk=case.pk).update(notice_start=TODAY - dt.timedelta(days=days))
    case.refresh_from_db()


def walk_exit_to_township(users, household):
    """§6.1 steps 1–4 by the clerk of village A."""
    case = s.case_open(user=users.clerk_a, case_type="household_exit", household=household, appraisal=appraisal())
    s.case_transition(user=users.clerk_a, case=case, transition="verify")
    s.attachment_add(user=users.clerk_a, case=case, kind="signed_form", upload=signed_form())
    s.case_transition(user=users.clerk_a, case=case, transition="confirm")
    s.case_transition(user=users.clerk_a, case=case, transition="start_notice", notice_start=TODAY)
    age_notice(case, 7)
    return s.case_transition(user=users.clerk_a, case=case, transition="close_notice")


@pytest.fixture(autouse=True)
def working_year_is_this_year(db):
    """The province works in this year, so the households' records of TODAY.year are those of the cases'
    policy year (cases take the working year at opening, villages.working_year)."""
    WorkingYear.objects.get_or_create(year=TODAY.year)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded evidence goes to a temporary directory, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path
