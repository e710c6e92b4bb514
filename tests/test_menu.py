"""Every role's day one (issue 15, items 2 and 8): on the fresh demo, every menu link of every role and
every page linked from its landing page answers 200, in Chinese; the menu offers nothing the role may not
open. The menu is accounts.menu, built from the predicates of accounts.access."""

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.menu import MENU
from accounts.models import Role, User

pytestmark = pytest.mark.django_db
HREF = re.compile(r'href="(/[^"#]*)"')
MENU_LINK = re.compile(r'<a [^>]*href="(/[^"]*)"[^>]*data-menu-link="([^"]+)"')
SKIP = ("/static/", "/media/", "/logout", "/api/", "/admin/", "/i18n/")
ENGLISH_REFUSALS = ("Not Found", "Forbidden", "Server Error", "Bad Request", "Page not found")


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", households=150, seed=1, stdout=StringIO())
    return {u.role: u for u in User.objects.all()}


def get_ok(client, url) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    text = response.content.decode()
    if "text/html" in response.get("Content-Type", ""):
        assert '<html lang="zh-hans">' in text, url
        assert not any(word in text for word in ENGLISH_REFUSALS), url
    return text


@pytest.mark.parametrize("role", list(Role))
def test_every_menu_link_and_every_link_of_the_landing_page_answers_200_in_chinese(client, demo, role):
    client.force_login(demo[role])
    landing = get_ok(client, "/")
    menu = dict((name, html.unescape(url)) for url, name in MENU_LINK.findall(landing))
    assert menu, "the landing page has a menu"
    links = {html.unescape(u) for u in HREF.findall(landing)} - {"/"}
    links = sorted(u for u in links | set(menu.values()) if not u.startswith(SKIP))
    for url in links:
        get_ok(client, url)


def test_the_menu_offers_what_the_role_may_open_and_nothing_else(client, demo):
    allowed = {name for section in MENU for item in section.items for name in [item.url_name]}
    seen = {}
    for role, user in demo.items():
        client.force_login(user)
        seen[role] = {name for _url, name in MENU_LINK.findall(client.get("/", follow=True).content.decode())}
        assert seen[role] <= allowed
    assert "eligibility:runs" not in seen[Role.VILLAGE_CLERK]
    assert "imports:index" in seen[Role.VILLAGE_CLERK]
    assert "imports:index" not in seen[Role.AUDITOR] | seen[Role.HELPER]
    # Province staff import a county's existing registry as already identified (issue 14, §13).
    assert "imports:index" in seen[Role.PROVINCE_STAFF]
    assert "funds:reports" not in seen[Role.VILLAGE_CLERK] | seen[Role.TOWNSHIP_REVIEWER]
    assert "accounts:audit" in seen[Role.AUDITOR] and "accounts:audit" not in seen[Role.PROVINCE_STAFF]
    assert "eligibility:working_year" in seen[Role.PROVINCE_STAFF]


def test_the_menu_made_once_is_the_role_s_own_and_in_the_page_s_language(client, demo):
    """accounts.menu.menu_html keeps the menu's HTML per language and set of links: a role never gets
    another's, and English after Chinese is English."""
    clerk, auditor = demo[Role.VILLAGE_CLERK], demo[Role.AUDITOR]
    for user in (clerk, auditor, clerk):
        client.force_login(user)
        names = {name for _url, name in MENU_LINK.findall(client.get("/", follow=True).content.decode())}
        assert ("imports:index" in names) is (user == clerk)
        assert ("accounts:audit" in names) is (user == auditor)
    chinese = client.get("/", follow=True).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/", follow=True).content.decode()
    assert 'data-menu-link="households:list">贫困户<' in chinese
    assert 'data-menu-link="households:list">Households<' in english
