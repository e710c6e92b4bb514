"""Benchmark of the household import (§13, docs/import.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_imp_bench .venv/bin/python bench/import.py [households]

Generates an XLSX of N households (default 100,000) with 3 members each and the working year's income
record of each (the survey sheet 收入情况, issue 13) (BENCH_REUSE=1 keeps a file generated before for
the same N), then in the same run and on the same database: (1) the import as
users run it — dry run (read, stage, validate every row) and commit (re-check against the database,
bulk write with history and status events); (2) a reference bulk insert of the same rows read with the
same reader, without any validation or history. Each phase runs in its own process so its peak memory
(max RSS) is its own. The database is emptied of households before each phase: run it on a database of
its own.

Measured (2 cores shared with other engineers' work), 100,000 households and their income rows, on the
same machine and load (3.1–3.6) before and after the work of issue 16: dry run 53.5 s → 39.1 s, commit
45.3 s → 44.4 s, 1,013 → 1,197 households/s end to end; the same runs' COPY reference 3,077 and
3,847/s. On a quieter machine before issue 16 (load 2.1 → 1.6, a file without the income sheet):
21.1 s + 17.4 s, 2,599/s, COPY reference 5,343/s. 5,000/s is not reached:
docs/import.md says where the time goes and what bounds it."""

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertymgmt.settings")
VILLAGES = 100
WORKING_YEAR = int(os.environ.get("WORKING_YEAR_DEFAULT", 2020))  # no year opened on the bench database
FILE = Path(os.environ.get("BENCH_DIR", "/tmp")) / "bench_import.xlsx"


def setup():
    import django

    django.setup()


def generate(n: int) -> None:
    import xlsxwriter

    from households.idnumber import check_char
    from imports.xlsx.columns import HOUSEHOLD_COLUMNS, INCOME_COLUMNS, MEMBER_COLUMNS

    wb = xlsxwriter.Workbook(str(FILE), {"constant_memory": True})
    h, m = wb.add_worksheet("户信息"), wb.add_worksheet("家庭成员")
    h.write_row(0, 0, [c.header for c in HOUSEHOLD_COLUMNS])
    m.write_row(0, 0, [c.header for c in MEMBER_COLUMNS])
    incomes = []  # written after the members: constant_memory writes one sheet's rows in order
    start = dt.date(1950, 1, 1)
    person = 0
    for i in range(n):
        village = f"211224100{i % VILLAGES + 1:03d}"
        key = f"{village}{i // VILLAGES + 1:04d}"
        h.write_row(
            i + 1,
            0,
            [
                key,
                village,
                "13812345678",
                "农业银行",
                "6222000011112222",
                2016,
                "国家标准",
                "一般贫困户",
                "因病",
                "缺资金",
                "",
                "否",
                "否",
                "否",
                5.5,
                2,
                1,
                0,
                0,
                0,
                0,
                "是",
                "是",
                "是",
                1.2,
                "水泥路",
                80,
                "B级",
                "未改造",
                "未搬迁",
                "是",
                "是",
                "煤炭",
                "否",
                "否",
                "否",
            ],
        )
        # The working year's survey (2020 unless WORKING_YEAR_DEFAULT says otherwise): open, no reason.
        incomes.append([key, WORKING_YEAR, 9000 + i % 7000, 2000, 0, 0, 1800, 0, 600, 0, 0, 1000, 300, 0, 0, ""])
        for j, rel in enumerate(("户主", "配偶", "之子")):
            birth = start + dt.timedelta(days=person // 500)
            seq = f"{(person % 500) * 2 + (0 if j == 1 else 1):03d}"
            first17 = f"211224{birth:%Y%m%d}{seq}"
            person += 1
            m.write_row(
                3 * i + j + 1,
                0,
                [
                    key,
                    f"成员{person}",
                    "居民身份证",
                    first17 + check_char(first17),
                    "",
                    "",
                    rel,
                    "汉族",
                    "群众",
                    "初中",
                    "非在校生",
                    "",
                    "否",
                    "否",
                    "否",
                    "",
                    "",
                    "",
                    "普通劳动力",
                    "县外省内",
                    6,
                    "否",
                    "是",
                    "否",
                    "是",
                    "是",
                    "否",
                    "否",
                    "否",
                    "是",
                    "否",
                    "",
                ],
            )
    s = wb.add_worksheet("收入情况")
    s.write_row(0, 0, [c.header for c in INCOME_COLUMNS])
    for i, row in enumerate(incomes, start=1):
        s.write_row(i, 0, row)
    wb.close()


def prepare_db() -> None:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Role, User
    from villages.models import Level, Region

    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE households_member, households_household, households_historicalmember, "
            "households_historicalhousehold, households_statusevent, households_income, "
            "households_historicalincome, imports_importissue, imports_importjob CASCADE"
        )
    province, _c = Region.objects.get_or_create(
        code="210000000000", defaults={"name": "辽宁省", "level": Level.PROVINCE}
    )
    city, _c = Region.objects.get_or_create(
        code="211200000000", defaults={"name": "铁岭市", "level": Level.CITY, "parent": province}
    )
    county, _c = Region.objects.get_or_create(
        code="211224000000", defaults={"name": "昌图县", "level": Level.COUNTY, "parent": city}
    )
    town, _c = Region.objects.get_or_create(
        code="211224100000", defaults={"name": "昌图镇", "level": Level.TOWNSHIP, "parent": county}
    )
    for v in range(1, VILLAGES + 1):
        Region.objects.get_or_create(
            code=f"211224100{v:03d}", defaults={"name": f"村{v}", "level": Level.VILLAGE, "parent": town}
        )
    User.objects.update_or_create(username="bench_county", defaults={"role": Role.COUNTY_OFFICIAL, "scope": county})


def run_import() -> dict:
    from django.core.files import File

    from accounts.models import User
    from imports import services
    from imports.models import ImportJob

    user = User.objects.select_related("scope").get(username="bench_county")
    job = ImportJob(created_by=user, scope=user.scope, original_name=FILE.name)
    with FILE.open("rb") as fh:
        job.file.save("bench.xlsx", File(fh), save=False)
    job.save()
    t0 = time.perf_counter()
    services.import_job_validate(job_id=job.pk)
    t1 = time.perf_counter()
    job.refresh_from_db()
    assert job.error_count == 0, list(job.issues.values_list("code", "message")[:5])
    services.import_job_commit(user=user, job=job, valid_only=False)  # eager without REDIS_URL: runs here
    t2 = time.perf_counter()
    job.refresh_from_db()
    return {
        "dry_run": t1 - t0,
        "commit": t2 - t1,
        "created": job.result["created"],
        "members": job.result["members_created"],
        "incomes": job.result["incomes_created"],
    }


def run_reference() -> dict:
    from django.db import transaction

    from households.models import Household, Member
    from imports.xlsx.reader import Workbook
    from villages.models import Region

    t0 = time.perf_counter()
    villages = dict(Region.objects.filter(level="village").values_list("code", "pk"))
    county = Region.objects.get(code="211224000000").pk
    book = Workbook(str(FILE))
    ids = {}
    batch = []

    def flush_h():
        with transaction.atomic():
            for h in Household.objects.bulk_create(batch):
                ids[h.number] = h.pk
        batch.clear()

    for n, values, _f in book.rows("户信息", width=40):
        if n == 1:
            continue
        batch.append(
            Household(
                number=values[0],
                village_id=villages[values[1]],
                county_id=county,
                identification_year=int(values[5]),
                main_cause="illness",
            )
        )
        if len(batch) >= 1000:
            flush_h()
    flush_h()
    members = []
    for n, values, _f in book.rows("家庭成员", width=40):
        if n == 1:
            continue
        members.append(
            Member(
                household_id=ids[values[0]],
                name=values[1],
                id_number=values[3],
                birth_date=dt.date(int(values[3][6:10]), int(values[3][10:12]), int(values[3][12:14])),
                sex="male",
                relationship="head",
            )
        )
        if len(members) >= 3000:
            with transaction.atomic():
                Member.objects.bulk_create(members)
            members.clear()
    with transaction.atomic():
        Member.objects.bulk_create(members)
    return {"seconds": time.perf_counter() - t0}


def run_reference_copy() -> dict:
    """The fastest plain insert: the same rows with COPY, no validation, no history."""
    from django.db import transaction
    from django.utils import timezone

    from households.models import Household, Member
    from imports import copy
    from imports.xlsx.reader import Workbook
    from villages.models import Region

    t0 = time.perf_counter()
    villages = dict(Region.objects.filter(level="village").values_list("code", "pk"))
    county = Region.objects.get(code="211224000000").pk
    now = timezone.now().isoformat()
    book = Workbook(str(FILE))
    ids, rows = {}, []
    h_base, m_base = copy.defaults(Household), copy.defaults(Member)

    def flush_h():
        with transaction.atomic():
            for row, pk in zip(rows, copy.insert(Household, rows), strict=True):
                ids[row["number"]] = pk
        rows.clear()

    for n, values, _f in book.rows("户信息", width=40):
        if n > 1:
            rows.append(
                {
                    **h_base,
                    "number": values[0],
                    "village_id": villages[values[1]],
                    "county_id": county,
                    "identification_year": int(values[5]),
                    "main_cause": "illness",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(rows) >= 1000:
                flush_h()
    flush_h()
    for n, values, _f in book.rows("家庭成员", width=40):
        if n > 1:
            idn = values[3]
            rows.append(
                {
                    **m_base,
                    "household_id": ids[values[0]],
                    "name": values[1],
                    "id_number": idn,
                    "birth_date": f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}",
                    "sex": "male",
                    "relationship": "head",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(rows) >= 3000:
                with transaction.atomic():
                    copy.insert(Member, rows, with_ids=False)
                rows.clear()
    with transaction.atomic():
        copy.insert(Member, rows, with_ids=False)
    return {"seconds": time.perf_counter() - t0}


def child(phase: str) -> None:
    setup()
    if phase == "prepare":
        prepare_db()
        out = {}
    elif phase == "import":
        out = run_import()
    elif phase == "copy":
        out = run_reference_copy()
    else:
        out = run_reference()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the dry run's forked worker (imports/parallel.py)
    out["max_rss_mb"] = usage.ru_maxrss / 1024
    out["worker_rss_mb"] = workers.ru_maxrss / 1024
    # This process and its workers, not the database server.
    out["cpu"] = usage.ru_utime + usage.ru_stime + workers.ru_utime + workers.ru_stime
    print(json.dumps(out))


def phase(name: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True, text=True, check=False)
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if "DATABASE_URL" not in os.environ:
        print("warning: DATABASE_URL is not set; this measures SQLite")
    t = time.perf_counter()
    marker = FILE.with_suffix(".households")
    if os.environ.get("BENCH_REUSE") and FILE.exists() and marker.exists() and marker.read_text() == str(n):
        print(f"reusing {FILE} ({n:,} households, {FILE.stat().st_size / 1e6:.1f} MB)")
    else:
        generate(n)
        marker.write_text(str(n))
        print(
            f"generated {n:,} households, {3 * n:,} members: {FILE.stat().st_size / 1e6:.1f} MB "
            f"in {time.perf_counter() - t:.1f} s"
        )
    phase("prepare")
    imp = phase("import")
    total = imp["dry_run"] + imp["commit"]
    print(
        f"import: dry run {imp['dry_run']:.1f} s, commit {imp['commit']:.1f} s, total {total:.1f} s; "
        f"{imp['created']:,} households, {imp['members']:,} members, {imp['incomes']:,} income records"
    )
    print(
        f"import: {n / total:,.0f} households/s end to end (dry run + commit), "
        f"{n / imp['commit']:,.0f}/s commit alone; "
        f"peak memory {imp['max_rss_mb']:.0f} MB (its worker process {imp['worker_rss_mb']:.0f} MB)"
    )
    print(f"        cpu of the import process {imp['cpu']:.1f} s (the rest of the wall time is the database)")
    phase("prepare")
    ref = phase("reference")
    print(
        f"reference ORM bulk_create without validation or history: {ref['seconds']:.1f} s, "
        f"{n / ref['seconds']:,.0f} households/s, peak memory {ref['max_rss_mb']:.0f} MB"
    )
    phase("prepare")
    fast = phase("copy")
    print(
        f"reference COPY without validation or history: {fast['seconds']:.1f} s, "
        f"{n / fast['seconds']:,.0f} households/s, peak memory {fast['max_rss_mb']:.0f} MB"
    )
    print(
        f"ratio import time / reference time: {total / ref['seconds']:.2f} against bulk_create, "
        f"{total / fast['seconds']:.2f} against COPY (commit alone: {imp['commit'] / ref['seconds']:.2f}, "
        f"{imp['commit'] / fast['seconds']:.2f})"
    )
    with os.popen("uptime") as fh:
        print("load:", fh.read().strip())


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
