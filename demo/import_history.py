"""Import history (§13): in March of the working year the showcase village's clerk uploads the households
identified that year, as an Excel file of the import template; the dry run finds one wrong ID number, the
clerk imports the valid households only. It runs the imports app's own dry run and commit (the functions
its tasks call), so the job, its report and the imported households are what a real upload leaves.
"""

import datetime as dt
import io
import random

from django.core.files.base import ContentFile
from openpyxl import Workbook

from accounts.models import User
from households.models import Helper, Household, Pairing
from imports.models import ImportJob, JobState
from imports.services import import_job_run_commit, import_job_validate
from imports.xlsx.columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET
from villages.models import Region

from . import names as n
from . import people as p
from .clock import SimulatedClock

# (main cause, members as (relationship, age, male, school stage)); the third has a mistyped ID number. The
# households come in as applicants and go through the identification chain (demo.lifecycle_a).
FAMILIES = (
    ("因病", (("户主", 47, True, "非在校生"), ("配偶", 45, False, "非在校生"), ("之子", 14, True, "九年级"))),
    ("缺劳力", (("户主", 74, False, "非在校生"),)),
    ("因学", (("户主", 41, True, "非在校生"), ("之女", 17, False, "普通高中一～三年级"))),
    ("缺技术", (("户主", 52, True, "非在校生"), ("配偶", 50, False, "非在校生"))),
    ("因残", (("户主", 63, False, "非在校生"), ("之子", 35, True, "非在校生"))),
    ("缺资金", (("户主", 38, True, "非在校生"), ("配偶", 36, False, "非在校生"), ("之女", 9, False, "小学"))),
    ("因病", (("户主", 69, True, "非在校生"),)),
)
WRONG_ID = 2  # index of the family whose head's ID number has a wrong check character


def _workbook(rng: random.Random, ids: p.IdAllocator, county: int, village: Region, year: int) -> bytes:
    book = Workbook()
    book.remove(book.active)
    homes = book.create_sheet(HOUSEHOLD_SHEET)
    homes.append([col.header for col in HOUSEHOLD_COLUMNS])
    people = book.create_sheet(MEMBER_SHEET)
    people.append([col.header for col in MEMBER_COLUMNS])
    h_headers = [col.header for col in HOUSEHOLD_COLUMNS]
    m_headers = [col.header for col in MEMBER_COLUMNS]
    for k, (cause, members) in enumerate(FAMILIES):
        key = f"新增{k + 1}"
        home = {
            "户编号": key,
            "村代码": village.code,
            "识别年度": year,
            "主要致贫原因": cause,
            "联系电话": f"139{rng.randrange(10**8):08d}",
            "耕地面积（亩）": round(rng.uniform(2, 12), 1),
            "住房面积（平方米）": round(rng.uniform(40, 90), 1),
            "住房安全等级": "B级",
            "是否解决安全饮用水": "是",
            "生活用电": "是",
        }
        homes.append([home.get(h) for h in h_headers])
        surname = rng.choice(n.SURNAMES)
        for relationship, age, male, school in members:
            id_number, _birth = ids.allocate(county, p.birth_for_age(rng, age), male)
            if k == WRONG_ID and relationship == "户主":
                id_number = id_number[:17] + ("0" if id_number[17] != "0" else "1")
            name = (rng.choice(n.SURNAMES) if relationship == "配偶" else surname) + p.given_name(rng, male)
            member = {
                "户编号": key,
                "姓名": name,
                "证件号码": id_number,
                "与户主关系": relationship,
                "民族": "汉族",
                "在校生状况": school,
                "城乡居民基本医疗保险": "是",
                "城乡居民基本养老保险": "是" if age >= 16 and school == "非在校生" else "否",
                "长期慢性病": "是" if cause == "因病" and relationship == "户主" else "否",
            }
            people.append([member.get(h) for h in m_headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seed_import(
    rng: random.Random, clock: SimulatedClock, clerk: User, ids: p.IdAllocator, county: int, year: int
) -> ImportJob:
    village = clerk.scope
    assert village is not None  # the demo clerk is scoped to the showcase village
    uploaded = dt.date(year, 3, 16)
    clock.set(uploaded, 10)
    job = ImportJob(
        created_by=clerk,
        scope=village,
        original_name=f"{village.name}{year}年新识别贫困户.xlsx",
        language="zh-hans",
    )
    job.file.save(f"import_{clerk.pk}.xlsx", ContentFile(_workbook(rng, ids, county, village, year)), save=False)
    job.save()
    import_job_validate(job_id=job.pk)  # the dry run, as the task runs it
    clock.set(uploaded, 11)
    # What imports.services.import_job_commit does before queueing: import only the valid households.
    ImportJob.objects.filter(pk=job.pk, state=JobState.VALIDATED).update(
        state=JobState.COMMITTING, valid_only=True, rows_done=0, message=""
    )
    import_job_run_commit(job_id=job.pk)
    job.refresh_from_db()
    # The village's helper takes the new households on (§3: every registered household has a helper).
    helper = Helper.objects.filter(user__isnull=False, pairings__household__village=village).distinct().first()
    numbers = list((job.result or {}).get("numbers", {}).values())
    if helper is not None and numbers:
        Pairing.objects.bulk_create(
            Pairing(helper=helper, household=h, start=uploaded + dt.timedelta(days=7))
            for h in Household.objects.filter(number__in=numbers).order_by("number")
        )
    return job
