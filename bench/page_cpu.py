"""The server's CPU per page, this checkout against another commit, measured side by side (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_pages .venv/bin/python bench/page_cpu.py \
        [--against HEAD~1] [--reps 8] [--roles county_official,...] [--pages /monitoring/alerts/,household,...]

On a machine whose speed drifts (a shared virtual machine: the same page took 31 ms and 48 ms of CPU
a few minutes apart), two runs one after the other compare the drift, not the code. Here two worker
processes — this checkout and `--against` (checked out into a temporary git worktree) — serve the same
pages of the same database in turn, request batch by request batch, and each page's least CPU time over
`--reps` batches is kept. It prints one line per role and page, `before <ms> after <ms>` and their
ratio (the reference is the other commit, measured in the same run), then the median ratio.

The database is any filled one (bench/pages.py builds a 1,000,000-household one). CPU is the worker's
own (time.process_time): the Python a page costs, without the database's share, which `bench/pages.py`
shows under load.

Measured 2026-12-06 at 1,000,000 households against dc9ad98: household pages 0.85–0.87, report tables
0.57–0.75, household list 0.80–0.95, dashboards 0.93–0.98 (median 0.86). Against 62db331 (a county's
village filter read as rows, choice labels made once): the household list 0.83–0.94 (a county's
12.0 → 10.0 ms), household pages 0.93–0.96 (≈ 18–19 ms), tables and dashboards 0.96–1.02 (median 0.97).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROLES = ("village_clerk", "county_official", "province_staff")
PAGES = ("/households/", "household", "/reports/tables/households/", "/reports/tables/incidence/", "/reports/")

# The worker: serves batches of one role's page through Django's test client, printing the CPU per page.
WORKER = r"""
import os, sys, time
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertymgmt.settings")
os.environ["DEBUG"] = "0"
import django
django.setup()
import logging
logging.disable(logging.CRITICAL)
from django.test import Client
from accounts.models import User
from households.selectors import household_list_for

ROLES, PAGES = sys.argv[1].split(","), sys.argv[2].split(",")
clients, batches = {}, {}
for role in ROLES:
    user = User.objects.filter(role=role, is_active=True).order_by("id").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    clients[role] = client
    numbers = list(household_list_for(user).order_by("id").values_list("number", flat=True)[:400:40])
    for page in PAGES:
        batches[role, page] = [f"/households/{n}/" for n in numbers] if page == "household" else [page] * 5
    for urls in [batches[role, page] for page in PAGES]:
        for url in urls[:2]:
            assert client.get(url).status_code == 200, url
print("ready", flush=True)
for line in sys.stdin:
    role, page = line.split()
    client, urls = clients[role], batches[role, page]
    started = time.process_time()
    for url in urls:
        client.get(url)
    print((time.process_time() - started) / len(urls) * 1000, flush=True)
"""


class Worker:
    def __init__(self, checkout: Path, roles: list[str], pages: list[str]):
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, ",".join(roles), ",".join(pages)],
            cwd=checkout,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        if self.stdout.readline().strip() != "ready":
            raise SystemExit(f"the worker in {checkout} did not start")

    def batch(self, role: str, page: str) -> float:
        self.stdin.write(f"{role} {page}\n")
        self.stdin.flush()
        return float(self.stdout.readline())

    def stop(self) -> None:
        self.stdin.close()
        self.process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", default="HEAD~1", help="the commit to compare with (the reference)")
    parser.add_argument("--reps", type=int, default=8)
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated roles")
    parser.add_argument("--pages", default=",".join(PAGES), help='comma-separated addresses ("household": a few)')
    args = parser.parse_args()
    roles, pages = args.roles.split(","), args.pages.split(",")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a filled PostgreSQL database (bench/pages.py builds one).")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    other = Path(tempfile.mkdtemp(prefix="page-cpu-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(other), args.against], cwd=ROOT, check=True)
    try:
        before, after = Worker(other, roles, pages), Worker(ROOT, roles, pages)
        ratios = []
        for role in roles:
            for page in pages:
                a, b = [], []
                for _ in range(args.reps):
                    a.append(before.batch(role, page))
                    b.append(after.batch(role, page))
                ratio = min(b) / min(a)
                ratios.append(ratio)
                print(f"{role} {page} before {min(a):.1f} ms after {min(b):.1f} ms ratio {ratio:.2f}", flush=True)
        before.stop()
        after.stop()
        print(f"median ratio {statistics.median(ratios):.2f}")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=False)
        shutil.rmtree(other, ignore_errors=True)


if __name__ == "__main__":
    main()
