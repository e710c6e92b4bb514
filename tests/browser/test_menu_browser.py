"""Every role opens every link of its menu in Chromium on the fresh demo (issue 15, item 2): no 404, no
refusal, no English page. The menu is built from what the role may open (accounts.menu)."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role
from demo.seed import DEMO_PASSWORD
from tests.conftest import browser_login

ENGLISH = ("Not Found", "Forbidden", "Server Error", "Page not found", "Not allowed")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_role_opens_every_menu_link(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", households=60, seed=1, stdout=StringIO())
    page.set_viewport_size({"width": 1366, "height": 900})
    failures = []
    for role in Role:
        page.context.clear_cookies()
        browser_login(page, role.value, DEMO_PASSWORD)
        links = page.eval_on_selector_all(
            "[data-menu-link]", "els => els.map(e => [e.dataset.menuLink, e.getAttribute('href')])"
        )
        assert links, role
        for name, href in dict(links).items():
            response = page.goto(page.base + href)
            text = page.inner_text("body")
            lang = page.get_attribute("html", "lang")
            if response.status != 200 or lang != "zh-hans" or any(w in text for w in ENGLISH):
                failures.append((role.value, name, response.status, lang))
    assert failures == []
