"""§8.2 "checks run nightly and on save" (issue 14): a page that saves a household or one of its members
shows the household's data-quality findings right after the save, worded for the user (§9: a health
finding reads neutrally for a masked role), and tomorrow's list agrees. The registry never imports
monitoring: monitoring hangs its check on households.hooks (monitoring/apps.py)."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation

from households import choices as c
from households import hooks
from households.models import Helper, Household, Pairing
from monitoring.models import QualityFinding
from monitoring.rules.household import quality_check_household
from monitoring.services import quality_run_county
from monitoring.templatetags.monitoring_tags import FINDING_MESSAGES, HEALTH_HIDDEN_MESSAGE
from tests import factories as f
from tests.conftest import login
from tests.households.test_views_form import form_data, member_data
from villages.working_year import current_policy_date


def zh(message) -> str:
    """A lazy message as the pages show it (in Simplified Chinese, the site's language)."""
    with translation.override("zh-hans"):
        return str(message)


def notes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def change_member(client, household, member):
    return client.post(
        f"/households/{household.number}/members/{member.pk}/change/",
        {"kind": c.MemberEventKind.OTHER, "date": timezone.localdate().isoformat(), "note": "核实"},
        follow=True,
    )


def test_monitoring_hangs_its_check_on_the_registry_s_save():
    assert any(cb.__module__ == "monitoring.apps" for cb in hooks.after_household_save_callbacks())


def test_the_household_page_shows_the_findings_right_after_the_form_saves(client, tree, users, homes):
    head = homes.a.members.get()
    login(client, users.clerk_a)
    data = form_data(tree.village_a, [member_data(0, id_number=head.id_number)], existing_ids=[head.pk])
    response = client.post(f"/households/{homes.a.number}/edit/", data, follow=True)
    assert response.redirect_chain == [(f"/households/{homes.a.number}/", 302)]
    html = response.content.decode()
    # The form's cause is illness with nobody ill (DQ05), and nobody is paired with the household (DQ11).
    assert zh(FINDING_MESSAGES[("DQ05", "illness")]) in html
    assert zh(FINDING_MESSAGES[("DQ11", "no_helper")]) in html
    texts = notes(response)
    assert any("DQ05" in t for t in texts) and any("DQ11" in t for t in texts)


def test_a_member_change_shows_the_findings_and_a_masked_role_reads_health_findings_neutrally(
    client, tree, users, homes
):
    head = homes.a.members.get()
    head.labour_ability = c.LabourAbility.LOST  # aged 16 to 60 and healthy: DQ07 names the member
    head.save()
    login(client, users.township)  # may not see health data (§9)
    html = change_member(client, homes.a, head).content.decode()
    assert zh(HEALTH_HIDDEN_MESSAGE) in html
    assert zh(FINDING_MESSAGES[("DQ05", "illness")]) not in html
    assert "DQ07" in html and f"DQ07 {head.name}" not in html
    login(client, users.county)  # may see them
    html = change_member(client, homes.a, head).content.decode()
    assert zh(FINDING_MESSAGES[("DQ05", "illness")]) in html and f"DQ07 {head.name}" in html


def test_a_household_without_problems_says_so(client, tree, users, homes):
    Household.objects.filter(pk=homes.a.pk).update(main_cause=c.Cause.LACK_FUNDS, housing_area=80)
    helper = Helper.objects.create(
        name="王帮扶", sex=c.Sex.MALE, unit="县农业局", unit_level=c.UnitLevel.COUNTY, county=tree.county
    )
    Pairing.objects.create(helper=helper, household=homes.a, start=dt.date(2016, 1, 1))
    assert quality_check_household(homes.a) == []
    login(client, users.clerk_a)
    response = change_member(client, homes.a, homes.a.members.get())
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success", "info"]
    assert "alert-warning" not in response.content.decode()


def test_the_findings_shown_are_those_the_night_writes(client, tree, users, homes):
    login(client, users.clerk_a)
    head = homes.a.members.get()
    response = change_member(client, homes.a, head)
    shown = {re.match(r"DQ\d+", t).group() for t in notes(response)[2:]}  # after "saved" and the count
    as_of = current_policy_date()[1]
    quality_run_county(as_of=as_of, county_id=tree.county.pk)
    night = set(QualityFinding.objects.held_on(as_of).filter(household=homes.a).values_list("code", flat=True))
    assert shown == night and night


def test_a_failing_check_neither_undoes_nor_hides_the_save(client, tree, users, homes, monkeypatch):
    def broken(*, user, household):
        raise RuntimeError("boom")

    monkeypatch.setattr(hooks, "_after_household_save", [broken, *hooks.after_household_save_callbacks()])
    head = homes.a.members.get()
    login(client, users.clerk_a)
    data = form_data(tree.village_a, [member_data(0, name="新名", id_number=head.id_number)], existing_ids=[head.pk])
    response = client.post(f"/households/{homes.a.number}/edit/", data, follow=True)
    assert response.status_code == 200 and homes.a.members.get().name == "新名"
    assert any("DQ11" in t for t in notes(response))  # the callbacks after the broken one still ran


@pytest.mark.parametrize("who", ["province", "helper"])
def test_roles_that_save_no_household_get_no_check(client, users, homes, who):
    login(client, getattr(users, who))
    response = client.post(f"/households/{homes.a.number}/members/{homes.a.members.get().pk}/change/", {})
    assert response.status_code == 404


def test_the_check_does_not_write_findings(client, users, homes):
    f.income(homes.a, 2019, wages=100)
    login(client, users.clerk_a)
    change_member(client, homes.a, homes.a.members.get())
    assert not QualityFinding.objects.exists()
