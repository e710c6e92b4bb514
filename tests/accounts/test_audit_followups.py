"""Audit follow-ups (§9, issue 12): the entries written by hand for unmasked views and downloads are placed
in the region of what was seen (docs/audit.md), so the auditors of that county read them and those of the
next county do not; the health values hidden in the log are the access module's one list; a correction
of a closed year's income leaves one entry with old → new and its reason."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.audit import HIDDEN_VALUES, detail_lines
from accounts.models import AuditAction, AuditLog, Role
from households.models import Income
from households.services import income_save
from tests import factories as f
from tests.conftest import login
from tests.test_media_private import KINDS, media  # noqa: F401 -- the files' builders and their MEDIA_ROOT
from villages.models import WorkingYear
from workflows.definitions import CaseType, State
from workflows.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditors(tree):
    """An auditor of the households' county, and one of the next county."""
    return f.user("auditor_here", Role.AUDITOR, tree.county), f.user("auditor_next", Role.AUDITOR, tree.county2)


def read_by_the_county_only(entry: AuditLog, auditors) -> bool:
    here, there = auditors
    return access.audit_log_for(here).filter(pk=entry.pk).exists() and not (
        access.audit_log_for(there).filter(pk=entry.pk).exists()
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_download_is_placed_in_the_region_of_its_file(client, tree, users, homes, auditors, kind):
    served = KINDS[kind](tree, users, homes)
    login(client, served.owner)
    assert client.get(served.url).status_code == 200
    entry = AuditLog.objects.get(action=AuditAction.DOWNLOAD)
    assert entry.region_id in (tree.village_a.pk, tree.county.pk)  # the household's village; an export's county
    assert read_by_the_county_only(entry, auditors)


def _view(object_type: str) -> AuditLog:
    return AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, object_type=object_type).latest("id")


def test_a_household_seen_unmasked_on_its_page_its_form_and_the_api_is_placed_in_its_village(
    client, tree, users, homes, auditors
):
    login(client, users.clerk_a)
    for url in (f"/households/{homes.a.number}/", f"/households/{homes.a.number}/edit/"):
        assert client.get(url).status_code == 200
        entry = _view("household")
        assert (entry.object_id, entry.region_id) == (homes.a.number, tree.village_a.pk)
        assert read_by_the_county_only(entry, auditors)
    assert client.get(f"/api/v1/households/{homes.a.number}/").json()["number"] == homes.a.number
    entry = _view("household")
    assert (entry.object_id, entry.region_id) == (homes.a.number, tree.village_a.pk)
    assert client.get("/api/v1/households/").status_code == 200
    listed = _view("household_list")
    assert listed.region_id == tree.village_a.pk and read_by_the_county_only(listed, auditors)


def test_a_dossier_seen_unmasked_is_placed_in_the_case_s_region(client, tree, users, homes, auditors):
    case = Case.objects.create(
        case_type=CaseType.HOUSEHOLD_EXIT,
        household=homes.a,
        region=tree.village_a,
        state=State.APPLIED,
        year=2020,
        opened_by=users.clerk_a,
        state_since=timezone.now(),
    )
    login(client, users.clerk_a)
    assert client.get(reverse("workflows:dossier", args=[case.pk])).status_code == 200
    entry = _view("dossier")
    assert entry.region_id == tree.village_a.pk and read_by_the_county_only(entry, auditors)


def test_an_admin_view_is_placed_in_the_row_s_region(client, users, homes, tree, auditors):
    users.county.is_staff = True
    users.county.save(update_fields=["is_staff"])
    client.force_login(users.county)
    assert client.get(reverse("admin:households_member_change", args=[homes.a.members.get().pk])).status_code == 200
    entry = _view("admin:member")
    assert entry.region_id == tree.village_a.pk and read_by_the_county_only(entry, auditors)
    assert client.get(reverse("admin:households_member_changelist")).status_code == 200
    listed = _view("admin:member")
    assert listed.region_id == tree.county.pk  # a list: the viewer's scope


def test_the_log_hides_the_access_module_s_health_fields_and_the_birth_date():
    assert access.HEALTH_MEMBER_FIELDS <= HIDDEN_VALUES
    assert HIDDEN_VALUES - access.HEALTH_MEMBER_FIELDS == {"birth_date"}


def test_a_correction_of_a_closed_year_leaves_one_entry_with_old_new_and_its_reason(users, homes):
    WorkingYear.objects.create(year=2020)
    f.income(homes.a, 2019, wages="3000")
    before = AuditLog.objects.latest("id").id
    record = income_save(
        user=users.clerk_a, household=homes.a, year=2019, values={"wages": Decimal("3200")}, reason="入户核实后更正"
    )
    [entry] = AuditLog.objects.filter(id__gt=before)  # one entry: no second one written by hand
    assert (entry.action, entry.object_type, entry.object_id) == (AuditAction.CHANGE, "income", str(record.pk))
    assert (entry.user, entry.region_id, entry.object_repr) == (
        users.clerk_a,
        homes.a.village_id,
        f"{homes.a.number} 2019",
    )
    assert entry.detail == {"changes": {"wages": ["3000.00", "3200.00"]}, "reason": "入户核实后更正"}
    assert detail_lines(entry, masked=True)[-1].endswith(": 入户核实后更正")
    # The working year needs no reason; its change is tracked all the same, without one.
    income_save(user=users.clerk_a, household=homes.a, year=2020, values={"wages": Decimal("100")})
    created = AuditLog.objects.filter(object_type="income").latest("id")
    assert created.action == AuditAction.CREATE and "reason" not in created.detail
    assert Income.objects.get(household=homes.a, year=2020).history.count() == 1
