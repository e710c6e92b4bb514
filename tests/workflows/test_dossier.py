"""The sealed exit dossier (§6.1): frozen at approval, hash verified, tampering detected, masked (§9)."""

import pytest
from django.core.management import CommandError, call_command

from households.models import Household, Member
from workflows import services as s
from workflows.dossier import dossier_context, dossier_pdf, dossier_verify
from workflows.models import Dossier

from .conftest import walk_exit_to_township

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(users, eligible):
    case = walk_exit_to_township(users, eligible)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    return s.case_transition(user=users.county, case=case, transition="county_approve")


def test_the_sealed_dossier_holds_both_snapshots_members_income_and_every_decision(approved, eligible):
    content = approved.dossier.content
    assert content["eligibility"]["proposal"]["source"] == "nightly"
    assert content["eligibility"]["approval"]["eligible"] is True
    assert content["eligibility"]["differences"] == []
    assert content["members"][0]["id_number"] == eligible.members.get().id_number
    assert content["income"]["net"] == "20000.00" and content["income"]["poverty_line"]
    assert [a["kind"] for a in content["attachments"]] == ["signed_form"]
    assert content["steps"][-1]["transition"] == "county_approve"
    assert content["case"]["notice"]["start"] and content["case"]["notice"]["end"]
    assert dossier_verify(approved.dossier)


def test_later_household_edits_leave_the_sealed_dossier_unchanged(approved, eligible):
    before = Dossier.objects.get().content
    Household.objects.filter(pk=eligible.pk).update(phone="13000000000", housing_grade="D")
    Member.objects.filter(household=eligible).update(name="改名")
    dossier = Dossier.objects.get()
    assert dossier.content == before and dossier_verify(dossier)
    call_command("verify_dossiers")


def test_tampering_with_the_stored_json_is_detected(approved):
    dossier = Dossier.objects.get()
    content = dossier.content
    content["members"][0]["name"] = "假名"
    Dossier.objects.filter(pk=dossier.pk).update(content=content)
    assert not dossier_verify(Dossier.objects.get())
    with pytest.raises(CommandError):
        call_command("verify_dossiers")


def test_differences_between_proposal_and_approval_are_marked(users, eligible):
    case = walk_exit_to_township(users, eligible)
    # Still safe, but not the house the proposal looked at: approvable, and the difference is marked.
    Household.objects.filter(pk=eligible.pk).update(housing_grade="B")
    s.case_transition(user=users.township, case=case, transition="township_approve")
    case = s.case_transition(user=users.county, case=case, transition="county_approve")
    assert set(case.dossier.content["eligibility"]["differences"]) == {"housing"}


def test_personal_data_is_masked_for_roles_without_view_sensitive(approved, users, eligible):
    id_number = eligible.members.get().id_number
    shown = dossier_context(approved, users.township)["content"]
    assert shown["members"][0]["id_number"] != id_number and "*" in shown["members"][0]["id_number"]
    assert "*" in shown["household"]["phone"]
    assert dossier_context(approved, users.county)["content"]["members"][0]["id_number"] == id_number


def test_the_pdf_embeds_a_chinese_font(approved, users, needs_pdf):
    assert dossier_pdf(approved, users.county).startswith(b"%PDF")
    pdf = dossier_pdf(approved, users.county, uncompressed_pdf=True)  # font names readable in the bytes
    assert pdf.startswith(b"%PDF") and b"/FontFile" in pdf
    assert b"WenQuanYi" in pdf or b"NotoSansCJK" in pdf


def test_the_pdf_embeds_the_photos_and_flags_an_altered_file(approved, users, needs_pdf):
    from workflows.dossier import dossier_html

    html = dossier_html(approved, users.county, for_pdf=True)
    assert 'data-testid="d-image"' in html and "data:image/png;base64," in html
    attachment = approved.attachments.get()
    with attachment.file.open("wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n altered")
    html = dossier_html(approved, users.county, for_pdf=True)
    assert 'data-testid="d-image-altered"' in html


def test_verify_dossiers_with_files_detects_an_altered_evidence_file(approved):
    call_command("verify_dossiers", "--files")
    attachment = approved.attachments.get()
    with attachment.file.open("wb") as fh:
        fh.write(b"%PDF replaced")
    with pytest.raises(CommandError):
        call_command("verify_dossiers", "--files")
    call_command("verify_dossiers")  # the JSON itself is intact
