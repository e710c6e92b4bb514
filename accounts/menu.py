"""The top menu, built from what the user's role may open (issue 15, item 2).

Each entry names a page by its URL name and the `accounts.access` predicate that page itself asks, so
a link is shown exactly when following it answers 200: `tests/test_menu.py` clicks every link of every
role. Pages every signed-in user may open (they show the user's scope) have no predicate.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import access
from .models import User

Predicate = Callable[[User], bool]


@dataclass(frozen=True)
class Item:
    label: str | Promise
    url_name: str
    allowed: Predicate | None = None
    badge: str = ""  # URL name of a small count loaded into the link (htmx)


@dataclass(frozen=True)
class Section:
    label: str | Promise | None  # None: the items stand in the bar itself
    items: tuple[Item, ...] = field(default_factory=tuple)


MENU: tuple[Section, ...] = (
    Section(
        None,
        (
            Item(_("My inbox"), "workflows:inbox", badge="workflows:inbox_badge"),
            Item(_("Regions"), "home"),
            Item(_("Households"), "households:list"),
        ),
    ),
    Section(
        _("Work"),
        (
            Item(_("Cases"), "workflows:case_list"),
            Item(_("Exit eligibility runs"), "eligibility:runs", access.may_view_runs),
            Item(_("Working year"), "eligibility:working_year", access.may_view_working_year),
            Item(_("Policy simulation"), "simulations:list", access.may_view_simulations),
            Item(_("Changed since the previous run"), "eligibility:changes"),
            Item(_("Monitoring alerts"), "monitoring:alerts"),
            Item(_("Monitoring objects"), "workflows:monitoring_objects"),
            Item(_("Data quality"), "monitoring:quality"),
            Item(_("Import from Excel"), "imports:index", access.may_import_households),
            Item(_("Verification samples"), "workflows:samples"),
            Item(_("End of policy support"), "households:end_of_support", access.may_end_support),
        ),
    ),
    Section(
        _("Projects and funds"),
        (
            Item(_("Projects"), "projects:list"),
            Item(_("Fund ledger"), "funds:ledger"),
            Item(_("Fund reports"), "funds:reports", access.may_read_county_reports),
            Item(_("Assistance"), "assistance:list"),
        ),
    ),
    Section(
        None,
        (
            Item(_("Reports"), "reports:dashboard"),
            Item(_("Audit log"), "accounts:audit", access.may_read_audit_log),  # §9
        ),
    ),
)


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url: str
    url_name: str
    badge_url: str = ""


@cache
def _url(url_name: str, script_prefix: str) -> str:
    """The menu's addresses are fixed while the server runs: reversed once, not on every page."""
    return reverse(url_name) if url_name else ""


def menu_for(user: User) -> list[tuple[str | Promise | None, list[Link]]]:
    """The sections and links this user may open; a section with nothing left is not shown."""
    prefix = get_script_prefix()
    out = []
    for section in MENU:
        links = [
            Link(item.label, _url(item.url_name, prefix), item.url_name, _url(item.badge, prefix))
            for item in section.items
            if item.allowed is None or item.allowed(user)
        ]
        if links:
            out.append((section.label, links))
    return out


# The menu's HTML by language and links shown: at most a few per role, made once while the server runs.
_HTML: dict[tuple[str, ...], SafeString] = {}


def menu_html(user: User) -> SafeString:
    """The menu as it stands on every page. Its labels and addresses are fixed while the server runs, so
    the HTML of one set of links in one language is rendered once (a page's frame rendered it each time)."""
    sections = menu_for(user)
    key = (get_language(), get_script_prefix(), *(link.url_name for _label, links in sections for link in links))
    html = _HTML.get(key)
    if html is None:
        html = _HTML[key] = render_to_string("includes/menu.html", {"menu": sections})
    return html
