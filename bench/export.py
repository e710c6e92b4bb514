"""Benchmark of the §12 exports on PostgreSQL (docs/reports.md; docs/performance.md has the reference:
COPY 0.9 s, values_list + csv 2.6 s, xlsxwriter constant_memory 33 s per 1M rows; flat memory).

Fill a database first, e.g.:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_bench .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py seed_demo --households 100000 --seed 1
then:
    DATABASE_URL=... .venv/bin/python bench/export.py [--table households] [--modes copy_raw,csv,csv_python,xlsx]

Each mode runs in its own child process so its peak memory (ru_maxrss) is its own. Modes:
- copy_raw: PostgreSQL's COPY (SELECT …) TO STDOUT of the same rows and columns, raw values (reference;
  like every export, without PostgreSQL's JIT, which costs more than it saves on these queries);
- csv: the export as the application writes it (on PostgreSQL: COPY of the labelled, masked SELECT);
- csv_python: the same CSV through values_list().iterator() + csv.writer (the path used elsewhere);
- xlsx: the application's streaming XLSX writer (reports.xlsx_stream);
- xlsxwriter: xlsxwriter in constant_memory mode, for comparison.
The user is the province staff of the seed (masked columns: the role may not view sensitive data).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODES = ["copy_raw", "csv", "csv_python", "xlsx", "xlsxwriter"]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertymgmt.settings")
    import django

    django.setup()


def child(mode: str, table_key: str) -> dict:
    setup_django()
    from django.utils import translation

    from accounts.models import Role, User
    from povertymgmt.copy import copy_out
    from povertymgmt.db import no_jit
    from reports import exporters
    from reports.selectors import table_context
    from reports.tables import headers, rows_queryset, table_get

    translation.activate("zh-hans")
    user = User.objects.filter(role=Role.PROVINCE_STAFF, scope__level="province").first()
    if user is None:
        raise SystemExit("No province staff user: run manage.py seed_demo first.")
    table = table_get(table_key)
    ctx, *_rest = table_context(user, table, {})
    qs = rows_queryset(table, ctx)
    head = headers(table, ctx)
    fd, path = tempfile.mkstemp(suffix=".xlsx" if mode.startswith("xlsx") else ".csv")
    os.close(fd)
    rows = 0
    start = time.perf_counter()
    if mode == "copy_raw":
        raw = table.build(ctx).order_by(*table.order_by).values_list(*[c.path for c in table.columns_for(ctx)])
        with open(path, "wb") as out, no_jit():
            copy_out(raw, out)
        rows = sum(1 for _line in open(path, "rb"))
    elif mode == "csv":
        with open(path, "wb") as out:
            rows = exporters.csv_write(qs, head, out)
    elif mode == "csv_python":
        with open(path, "wb") as out:
            for chunk in exporters.csv_chunks(qs, head):
                out.write(chunk.encode("utf-8"))
        rows = sum(1 for _line in open(path, "rb")) - 1
    elif mode == "xlsx":
        rows = exporters.xlsx_write(qs, head, path, sheet=str(table.title))
    elif mode == "xlsxwriter":
        rows = exporters.xlsx_write_xlsxwriter(qs, head, path, sheet=str(table.title))
    seconds = time.perf_counter() - start
    size = os.path.getsize(path)
    os.unlink(path)
    return {
        "mode": mode,
        "rows": rows,
        "seconds": round(seconds, 2),
        "mb": round(size / 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", default="households")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.table)))
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database filled by seed_demo.")
    results = {}
    for mode in args.modes.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--table", args.table],
            capture_output=True,
            text=True,
            check=True,
        )
        results[mode] = json.loads(out.stdout.strip().splitlines()[-1])
        r = results[mode]
        print(
            f"{mode:11s} {r['rows']:>9,} rows  {r['seconds']:8.2f} s  {r['mb']:7.1f} MB"
            f"  peak RSS {r['peak_rss_mb']:6.1f} MB"
        )
    ref = results.get("copy_raw")
    if ref and ref["seconds"]:
        for mode, r in results.items():
            if mode != "copy_raw":
                per_million = r["seconds"] / max(r["rows"], 1) * 1_000_000
                print(f"{mode:11s} {r['seconds'] / ref['seconds']:5.2f} × COPY   ({per_million:6.1f} s per 1M rows)")


if __name__ == "__main__":
    main()
