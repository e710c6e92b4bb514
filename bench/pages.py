"""Page latency under load (issue 16): 20 concurrent users of mixed roles through gunicorn, on PostgreSQL.

    pip install -r requirements-bench.txt        # Locust
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_pages .venv/bin/python bench/pages.py \
        [--households 100000] [--users 20] [--seconds 60] [--workers 4]

Builds the database when it is empty (migrate, `seed_demo --households N`, the nightly run, as the
province has it every morning) or reuses it; starts the application under gunicorn (production
settings: DEBUG off, the README's worker model); drives it with Locust as `--users` simultaneous users
— clerks of the demo's village, township reviewers, county officials, province staff — each opening
their pages with a think time of 0.5–2 s (a person reading a page), after a warm-up pass that is not
counted. It prints one line per page, `page <name> p50 <ms> ms p95 <ms> ms`, and last `worst p95`.

What it measured, run by run, and what changed between the runs: docs/scale.md (pages under 20
users) and docs/performance.md (each page alone). On this machine, with gunicorn, Locust and PostgreSQL
on the same two cores, the worst p95 at 1,000,000 households went from 4.2 s to 46–58 ms on a fast day
and 81–170 ms on slower ones; the speed of the machine drifts by half within hours, so
`bench/page_cpu.py` compares two commits side by side. On a third, slower machine (2026-12-06, the
household page 26–40 ms of CPU alone): 140 ms, then 120 ms after the alert and helper lists' fixes. On
a fifth (2026-12-07): worst p95 82–85 ms, the reference frame p50 9 ms and p95 13 ms.

The pages: every role's landing page, the household list, household pages (numbers drawn from the
user's scope), the dashboard of the user's region and of a county, region pages, the standard tables,
the lists of monitoring alerts, assistance records, cases and helpers, and the data-quality overview;
and, as the reference of the run, the page frame alone (`reference frame`: the session, the user, the
menu and one small read), the floor under every page on this machine under the same load.
Sessions are made in the database for the demo users (no login form: the login throttle is not what
is measured).
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
REFERENCE = "frame"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertymgmt.settings")
    import django

    django.setup()


def prepare(households: int) -> None:
    """An empty database gets the demo province of `households` households and its nightly run."""
    from django.core.management import call_command

    from demo.seed import has_data

    call_command("migrate", verbosity=0)
    if has_data():
        print("database reused")
        return
    t = time.monotonic()
    call_command("seed_demo", households=households, seed=1, verbosity=0)
    call_command("recompute_eligibility", verbosity=0)
    print(f"seed_demo --households {households} and the nightly run: {time.monotonic() - t:.1f} s")


def _session(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def plan(rng: random.Random) -> list[dict]:
    """Per role: a session and the pages it opens (name → addresses to draw from)."""
    from accounts.models import Role, User
    from households.selectors import household_list_for
    from villages.models import Level, Region

    roles = [Role.VILLAGE_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_OFFICIAL, Role.PROVINCE_STAFF]
    counties = list(Region.objects.filter(level=Level.COUNTY).values_list("code", flat=True))
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True)[:5000])
    out = []
    for role in roles:
        user = User.objects.filter(role=role, is_active=True).select_related("scope").order_by("id").first()
        if user is None:
            continue
        numbers = list(household_list_for(user).order_by("?").values_list("number", flat=True)[:300])
        pages = {
            "landing": ["/regions/"],
            "household_list": ["/households/", "/households/?status=poor"],
            "household": [f"/households/{n}/" for n in numbers],
            "dashboard": [f"/reports/{user.scope.code}/" if user.scope else "/reports/"],
            "report_households": ["/reports/tables/households/"],
            "report_incidence": ["/reports/tables/incidence/"],
            # The other lists of years of rows: alerts, assistance records, cases, helpers.
            "alert_list": ["/monitoring/alerts/"],
            "assistance_list": ["/assistance/"],
            "case_list": ["/workflows/cases/"],
            "helper_list": ["/households/helpers/"],
            # The data-quality overview: counts per child region for officials, the findings for a village.
            "quality": ["/monitoring/quality/"],
            # The reference, measured in the same run: a page that is the frame and nothing more (the
            # session, the user, the menu and one small read: the user's API token).
            REFERENCE: ["/account/api-tokens/"],
        }
        if role in (Role.COUNTY_OFFICIAL, Role.PROVINCE_STAFF):
            pages["region_page"] = [f"/regions/{code}/" for code in (counties if role == Role.PROVINCE_STAFF else [])]
            pages["region_page"] += [f"/regions/{user.scope.code}/"]
        if role == Role.PROVINCE_STAFF:
            pages["county_dashboard"] = [f"/reports/{code}/" for code in rng.sample(counties, min(10, len(counties)))]
            pages["village_page"] = [f"/regions/{code}/" for code in rng.sample(villages, min(50, len(villages)))]
        out.append({"role": str(role), "session": _session(user), "pages": pages})
    return out


def start_server(workers: int) -> subprocess.Popen:
    env = dict(os.environ, DEBUG="0", ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="povertymgmt.settings")
    cmd = [
        str(ROOT / ".venv/bin/gunicorn"),
        "povertymgmt.wsgi",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{PORT}",
        "--log-level=warning",
    ]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login/", timeout=1)  # noqa: S310 - local
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


# The Locust side runs in its own process: Locust patches the standard library with gevent at import.
LOCUSTFILE = r"""
import json, os, random
from locust import FastHttpUser, between, task
from requests.cookies import create_cookie

PLAN = json.load(open(os.environ["PAGES_PLAN"]))
COUNT = [0]

# FastHttpUser (geventhttpclient), not HttpUser (requests): the load tool shares the server's two cores,
# and requests' own Python per response — run in the same gevent loop as the other users' timers — was
# counted in the response times.
class Person(FastHttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        # Mixed roles, spread evenly over the users.
        self.me = PLAN[COUNT[0] % len(PLAN)]
        COUNT[0] += 1
        # In the cookie jar, not a header: the landing page's redirect is followed with them.
        self.client.cookiejar.set_cookie(create_cookie("sessionid", self.me["session"]))
        self.client.cookiejar.set_cookie(create_cookie("django_language", "zh-hans"))

    @task
    def open_a_page(self):
        name = random.choice(sorted(self.me["pages"]))
        url = random.choice(self.me["pages"][name])
        with self.client.get(url, name=f'{self.me["role"]}:{name}', catch_response=True) as r:
            if r.status_code != 200 or "/login/" in (r.url or ""):
                r.failure(f"{r.status_code} {r.url}")
"""

CHILD = r"""
import json, os, sys, gevent
from locust.env import Environment
from locust.stats import stats_printer
sys.path.insert(0, os.environ["PAGES_DIR"])
import locustfile_pages as lf
env = Environment(user_classes=[lf.Person], host=os.environ["PAGES_HOST"])
runner = env.create_local_runner()
users, seconds, warmup = (int(os.environ[k]) for k in ("PAGES_USERS", "PAGES_SECONDS", "PAGES_WARMUP"))
runner.start(users, spawn_rate=users)
gevent.sleep(warmup)
env.stats.reset_all()
gevent.sleep(seconds)
runner.quit()
out = {}
for (name, method), entry in env.stats.entries.items():
    if entry.num_requests:
        out[name] = {
            "n": entry.num_requests,
            "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
        }
errors = sorted({f"{e.name}: {e.error}" for e in env.stats.errors.values()})
print(json.dumps({"pages": out, "errors": errors}))
"""


def drive(plan_data: list[dict], users: int, seconds: int, warmup: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "locustfile_pages.py").write_text(LOCUSTFILE)
        Path(tmp, "plan.json").write_text(json.dumps(plan_data))
        env = dict(
            os.environ,
            PAGES_DIR=tmp,
            PAGES_PLAN=str(Path(tmp, "plan.json")),
            PAGES_HOST=f"http://127.0.0.1:{PORT}",
            PAGES_USERS=str(users),
            PAGES_SECONDS=str(seconds),
            PAGES_WARMUP=str(warmup),
        )
        done = subprocess.run(
            [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True, cwd=tmp
        )
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (it is filled when empty).")
    # The sessions made here are signed with the key the server runs with.
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    setup_django()
    prepare(args.households)
    plan_data = plan(random.Random(1))
    from django.db import connections

    connections.close_all()
    server = start_server(args.workers)
    try:
        result = drive(plan_data, args.users, args.seconds, args.warmup)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stats = result["pages"]
    for error in result["errors"][:20]:
        print(f"failed: {error}")
    worst = 0.0
    failures = sum(s["failures"] for s in stats.values())
    frames = [s for name, s in stats.items() if name.endswith(":" + REFERENCE)]
    for name in sorted(stats):
        s = stats[name]
        if s in frames:
            continue
        worst = max(worst, s["p95"])
        print(f"page {name} p50 {s['p50']:.0f} ms p95 {s['p95']:.0f} ms ({s['n']} requests)")
    print(f"requests {sum(s['n'] for s in stats.values())} failures {failures}")
    if frames:
        # Locust's percentiles of each role's frame, weighted by their requests: the floor of this run.
        n = sum(s["n"] for s in frames)
        p50, p95 = (sum(s[k] * s["n"] for s in frames) / n for k in ("p50", "p95"))
        print(f"reference frame p50 {p50:.0f} ms p95 {p95:.0f} ms ({n} requests; worst p95 {worst / p95:.1f}× its p95)")
    print(f"worst p95 {worst:.0f} ms")


if __name__ == "__main__":
    main()
