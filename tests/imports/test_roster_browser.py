"""A department roster in the browser (§13): the page follows the task's progress by itself (htmx, no
inline script under the CSP) and shows the preview when the reading ends; applying is a click."""

import pytest

from imports import rosters
from imports.models import Roster, RosterState
from povertymgmt.tasks import Enqueued
from tests.conftest import browser_login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_roster_page_refreshes_itself_from_the_reading_to_the_preview(
    page, users, homes, tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    head = homes.a.members.get()
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    held: list[tuple] = []
    monkeypatch.setattr(rosters, "enqueue", lambda task, *args, **kw: held.append((task, args)) or Enqueued())

    browser_login(page, "clerk_a")
    page.goto(page.base + "/imports/rosters/")
    path = tmp_path / "低保.csv"
    path.write_text(f"证件号码,状态\n{head.id_number},是\n", encoding="utf-8")
    page.select_option("#id_field", "receives_dibao")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=roster-upload]")
    page.wait_for_selector("[data-testid=progress][data-state=pending]")
    assert page.locator("[data-testid=roster-summary]").count() == 0

    roster = Roster.objects.get()
    rosters.roster_run_read(roster_id=roster.pk)  # the worker reads it while the page waits
    page.wait_for_selector("[data-testid=roster-summary]")  # reloaded by itself (HX-Refresh)
    assert page.locator("[data-testid=changes]").inner_text() == "1"

    monkeypatch.undo()  # the apply task runs in-process now
    page.click("[data-testid=roster-apply]")
    page.wait_for_selector("[data-testid=roster-state][data-state=applied]")
    head.refresh_from_db()
    assert head.receives_dibao is True and Roster.objects.get().state == RosterState.APPLIED
    assert csp_errors == []
