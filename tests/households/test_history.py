"""The change history on the household page (issue 15 item 5, §3, §9): household, members, incomes and
assessments, who, when, old → new; masked for roles without "view sensitive"; a bounded query count."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from households import choices as c
from households.history import change_history
from households.models import Household, Income, Member
from tests import factories as f
from tests.conftest import login
from tests.households.test_views_form_masked import shown


def url(h):
    return f"/households/{h.number}/"


def history_url(h):
    return f"/households/{h.number}/history/"


def bulk_written(h: Household) -> None:
    """As the demo and the import write them: rows without any history version."""
    Household.history.filter(id=h.pk).delete()
    Member.history.filter(household_id=h.pk).delete()
    Income.history.filter(household_id=h.pk).delete()


def edit(client, h, **changes):
    _html, values = shown(client, h)
    values.update(changes)
    response = client.post(f"/households/{h.number}/edit/", values)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    return response


def history_of(h: Household, user) -> list[dict]:
    """The page's history as `user` reads it, in English (labels resolved here, not lazily later)."""
    with translation.override("en"):
        entries = change_history(h, user=user, assessments=h.assessments.select_related("created_by"))
        return [
            {**e, "object": str(e["object"]), "changes": [{**ch, "field": str(ch["field"])} for ch in e["changes"]]}
            for e in entries
        ]


def changes_of(history) -> list[dict]:
    return [{**ch, "object": e["object"], "who": e["who"]} for e in history for ch in e["changes"]]


def test_a_member_edit_of_a_bulk_written_household_shows_in_the_history(client, tree, users):
    """The demo's rows have no first version: the change comes from the audit entry of the same save."""
    h = f.household(tree.village_a, by=users.admin, members=[f.member(name="王大山")])
    bulk_written(h)
    login(client, users.clerk_a)
    assert client.get(history_url(h)).context["history"] == []
    edit(client, h, **{"members-0-labour_ability": c.LabourAbility.WEAK, "members-0-months_worked": "11"})
    assert len(client.get(history_url(h)).context["history"]) == 1
    history = history_of(h, users.clerk_a)
    [entry] = history
    assert (entry["object"], entry["who"], entry["kind"]) == ("王大山", users.clerk_a, "~")
    fields = {ch["field"]: (ch["old"], ch["new"]) for ch in entry["changes"]}
    assert fields["labour ability"] == ("Ordinary labour", "Weak or half labour")
    assert fields["months worked"] == ("0", "11")
    html = client.get(history_url(h), headers={"HX-Request": "true"}).content.decode()
    assert html.count('data-testid="history-entry"') == 1 and "王大山" in html and "<html" not in html


def test_members_incomes_and_assessments_are_covered(client, tree, users):
    h = f.household(tree.village_a, by=users.admin)
    login(client, users.clerk_a)
    son = f.id_number(dt.date(2015, 3, 2))
    edit(
        client,
        h,
        **{
            "members-TOTAL_FORMS": "2",
            "members-1-name": "王小明",
            "members-1-relationship": c.Relationship.SON,
            "members-1-id_type": c.IdType.RESIDENT_ID,
            "members-1-id_number": son,
            "members-1-ethnicity": c.Ethnicity.HAN,
            "members-1-political_status": c.PoliticalStatus.MASSES,
            "members-1-school_status": c.SchoolStatus.PRIMARY,
            "members-1-labour_ability": c.LabourAbility.NONE,
            "members-1-months_worked": "0",
            "income-2020-wages": "8000",
            "assessment-assessed_on": "2020-06-01",
            "assessment-food_secure": "on",
        },
    )
    objects = {e["object"]: e for e in history_of(h, users.clerk_a)}
    assert objects["王小明"]["kind"] == "+"
    assert objects["Income of 2020"]["kind"] == "+"
    assessment = objects["Two no-worries assessment"]
    assert assessment["who"] == users.clerk_a
    assert {ch["field"]: ch["new"] for ch in assessment["changes"]}["assessed on"] == "2020-06-01"
    # A second save changes the income: old → new with who.
    edit(client, h, **{"income-2020-wages": "9000.00"})
    income = [ch for ch in changes_of(history_of(h, users.clerk_a)) if ch["object"] == "Income of 2020"]
    assert (income[0]["old"], income[0]["new"], income[0]["who"]) == ("8000.00", "9000.00", users.clerk_a)


def test_values_are_masked_for_a_role_without_view_sensitive(client, tree, users):
    h = f.household(tree.village_a, by=users.admin, members=[f.member(birth=dt.date(1970, 1, 1))])
    bulk_written(h)
    member = h.members.get()
    old_id, new_id = member.id_number, f.id_number(dt.date(1971, 2, 3))
    login(client, users.clerk_a)
    edit(client, h, **{"members-0-id_number": new_id, "members-0-has_chronic_disease": "on"})
    clerk = {ch["field"]: (ch["old"], ch["new"]) for ch in changes_of(history_of(h, users.clerk_a))}
    assert clerk["ID number"] == (old_id, new_id)
    assert clerk["birth date"] == ("1970-01-01", "1971-02-03")
    assert clerk["long-term chronic disease"] == ("no", "yes")
    login(client, users.province)
    response = client.get(history_url(h))
    masked = {ch["field"]: (ch["old"], ch["new"]) for ch in changes_of(history_of(h, users.province))}
    assert masked["ID number"] == (old_id[:4] + "*" * 10 + old_id[-4:], new_id[:4] + "*" * 10 + new_id[-4:])
    assert masked["birth date"] == ("***", "***")
    assert masked["long-term chronic disease"] == ("***", "***")
    html = response.content.decode()
    assert old_id not in html and new_id not in html and "1971-02-03" not in html


def test_the_history_reads_a_bounded_number_of_queries(client, tree, users):
    h = f.household(
        tree.village_a, by=users.admin, members=[f.member()] + [f.member(c.Relationship.SON) for _ in range(8)]
    )
    for year in (2017, 2018, 2019):
        f.income(h, year, wages=1000)
        f.assessment(h, on=dt.date(year, 6, 1))
    bulk_written(h)  # every change below needs the audit log
    for member in h.members.all():
        member.months_worked = 3
        member.save()
        member.months_worked = 4
        member.save()
    for income in h.incomes.all():
        income.wages = 2000
        income.save()
    assessments = list(h.assessments.select_related("created_by"))
    with CaptureQueriesContext(connection) as queries:
        history = change_history(h, user=users.clerk_a, assessments=assessments)
    assert len(queries) <= 4  # household, member and income versions, one audit read
    assert len([e for e in history if e["kind"] == "~"]) == 9 * 2 + 3  # every change, from the audit log
    assert len([e for e in history if e["kind"] == "+"]) == 3  # the assessments
    assert all(e["changes"] for e in history)


def test_a_cause_is_shown_as_other_undisclosed_and_a_change_among_those_causes_not_at_all(tree, users):
    """§9, households.causes: to a masked role illness, disability and other are one cause, and a change
    between two of them ("Other (incl. undisclosed)" on both sides) would say that one was a health cause."""
    h = f.household(tree.village_a, by=users.admin, main_cause=c.Cause.ILLNESS)
    h.main_cause = c.Cause.OTHER
    h.save()
    h.main_cause = c.Cause.LACK_FUNDS
    h.save()
    clerk = [
        (ch["old"], ch["new"])
        for ch in changes_of(history_of(h, users.clerk_a))
        if ch["field"] == "main cause of poverty"
    ]
    assert clerk == [
        ("Other", "Lack of funds"),
        ("Illness", "Other"),
    ]
    masked = [
        (ch["old"], ch["new"])
        for ch in changes_of(history_of(h, users.province))
        if ch["field"] == "main cause of poverty"
    ]
    assert masked == [("Other (incl. undisclosed)", "Lack of funds")]
    # The save that changed illness to other is no change to them at all.
    edits = {user: [e for e in history_of(h, user) if e["kind"] == "~"] for user in (users.clerk_a, users.province)}
    assert (len(edits[users.clerk_a]), len(edits[users.province])) == (2, 1)


def test_a_move_to_another_village_names_the_villages(tree, users):
    h = f.household(tree.village_a, by=users.admin)
    bulk_written(h)
    h.village = tree.village_b
    h.save()
    [change] = [ch for ch in changes_of(history_of(h, users.township)) if ch["field"] == "village"]
    assert (change["old"], change["new"]) == ("东村", "西村")


def test_the_history_is_read_when_asked_scoped_and_audited(client, tree, users):
    """The household page no longer reads the history: its own address does, a fragment for the page's
    htmx request and a page without JavaScript; 404 for a clerk of another village; an unmasked read is
    in the audit log like the household page."""
    from accounts.models import AuditLog

    h = f.household(tree.village_a, by=users.admin, members=[f.member(name="王大山")])
    login(client, users.clerk_a)
    page = client.get(url(h))
    assert "history" not in page.context and f"/households/{h.number}/history/" in page.content.decode()
    whole = client.get(history_url(h))
    assert whole.status_code == 200 and "<html" in whole.content.decode()
    assert whole.headers["Vary"].count("HX-Request") == 1
    before = AuditLog.objects.filter(action="view_sensitive", object_id=h.number).count()
    fragment = client.get(history_url(h), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "王大山" in fragment.content.decode()
    assert AuditLog.objects.filter(action="view_sensitive", object_id=h.number).count() == before + 1
    login(client, users.clerk_b)
    assert client.get(history_url(h)).status_code == 404
    assert client.get(history_url(h), headers={"HX-Request": "true"}).status_code == 404
