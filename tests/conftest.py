"""The shared world of the tests: one small region tree and one user per role (tests/README.md)."""

import os
from types import SimpleNamespace

import pytest

from accounts.models import Role
from tests import factories as f
from tests.clock import keep_the_local_date
from villages.models import Level

keep_the_local_date()  # before any test module or conftest below takes its TODAY (tests/clock.py)


@pytest.fixture
def tree(db):
    """辽宁省 › 铁岭市 › 昌图县 › two townships › villages A, B (township 1) and C (township 2);
    a second county 铁岭县 with village D."""
    t = SimpleNamespace()
    t.province = f.region("210000000000", "辽宁省", Level.PROVINCE)
    t.city = f.region("211200000000", "铁岭市", Level.CITY, t.province)
    t.county = f.region("211224000000", "昌图县", Level.COUNTY, t.city, poverty_county="provincial")
    t.township = f.region("211224100000", "昌图镇", Level.TOWNSHIP, t.county)
    t.township2 = f.region("211224101000", "宝力镇", Level.TOWNSHIP, t.county)
    t.village_a = f.region("211224100001", "东村", Level.VILLAGE, t.township, is_poverty_village=True)
    t.village_b = f.region("211224100002", "西村", Level.VILLAGE, t.township)
    t.village_c = f.region("211224101001", "南村", Level.VILLAGE, t.township2)
    t.county2 = f.region("211221000000", "铁岭县", Level.COUNTY, t.city)
    t.township3 = f.region("211221100000", "新台子镇", Level.TOWNSHIP, t.county2)
    t.village_d = f.region("211221100001", "北村", Level.VILLAGE, t.township3)
    return t


@pytest.fixture
def users(tree):
    u = SimpleNamespace()
    u.admin = f.user("admin", Role.ADMIN, tree.province, is_staff=True, is_superuser=True)
    u.clerk_a = f.user("clerk_a", Role.VILLAGE_CLERK, tree.village_a)
    u.clerk_b = f.user("clerk_b", Role.VILLAGE_CLERK, tree.village_b)
    u.helper = f.user("helper", Role.HELPER, tree.county)
    u.township = f.user("township", Role.TOWNSHIP_REVIEWER, tree.township)
    u.county = f.user("county", Role.COUNTY_OFFICIAL, tree.county)
    u.county2 = f.user("county2", Role.COUNTY_OFFICIAL, tree.county2)
    u.city = f.user("city", Role.CITY_OFFICIAL, tree.city)
    u.province = f.user("province", Role.PROVINCE_STAFF, tree.province)
    u.auditor = f.user("auditor", Role.AUDITOR, tree.province)
    return u


@pytest.fixture
def homes(tree, users):
    """One household in each village: A, B, C (county 昌图县) and D (county 铁岭县)."""
    return SimpleNamespace(
        a=f.household(tree.village_a, by=users.admin, phone="13812345678"),
        b=f.household(tree.village_b, by=users.admin),
        c=f.household(tree.village_c, by=users.admin),
        d=f.household(tree.village_d, by=users.admin, members=[f.member(id_number=f.id_number(area="211221"))]),
    )


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run in-process in every test, also in the CI pass that sets REDIS_URL, where no worker
    listens; a test marked `real_worker` starts its own Celery worker and uses the broker."""
    if request.node.get_closest_marker("real_worker"):
        yield
        return
    from povertymgmt.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture(autouse=True)
def _login_throttle_per_test(monkeypatch):
    """Each test counts failed logins afresh (accounts.throttle): its own cache key prefix rather than a
    cache.clear(), which in the CI pass with REDIS_URL would also flush the Celery broker's queues."""
    import uuid

    monkeypatch.setattr("accounts.throttle._PREFIX", f"login-throttle-test-{uuid.uuid4().hex}")


def pytest_configure(config):
    from django.conf import settings

    # Hashing ten users' passwords per test with PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Under pytest-xdist each worker has its own test database, whose ids start at 1 like the others':
    # on a shared cache (Redis, in the CI pass with REDIS_URL) a key such as an export's progress must not
    # be read by another worker. Set before anything opens the cache.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        settings.CACHES["default"]["KEY_PREFIX"] = f"test-{worker}"


# --- Browser tests: Debian's Chromium driven by Playwright (never a downloaded browser). ---
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does).")
        pytest.skip(f"{CHROMIUM} is not installed; .ci/run installs it")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page in Chinese; `page.base` is the live server's URL."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base = live_server.url
    yield pg
    context.close()


def browser_login(page, username, password=None):
    from tests.factories import PASSWORD

    page.goto(page.base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def needs_pdf():
    """PDF rendering needs Debian's pango (WeasyPrint) and a CJK font; .ci/run installs both."""
    import shutil
    import subprocess

    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"WeasyPrint cannot load pango: {exc}")
        pytest.skip("WeasyPrint needs Debian's libpango-1.0-0; .ci/run installs it")
    fc_list = shutil.which("fc-list")
    fonts = subprocess.run([fc_list], capture_output=True, text=True).stdout if fc_list else ""  # noqa: S603
    if "WenQuanYi" not in fonts and "Noto Sans CJK" not in fonts:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("no CJK font: install fonts-wqy-microhei")
        pytest.skip("no CJK font installed; .ci/run installs fonts-wqy-microhei")
