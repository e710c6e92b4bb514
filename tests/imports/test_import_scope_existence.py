"""No existence answer across scopes (issue 12, item 9; §1): a number of another county gets the same
answer as a number that exists nowhere, in the import checks and in the household API."""

from imports.models import ImportJob
from tests.conftest import login

from .conftest import household_row, member_row, post_file, xlsx_bytes

NOWHERE = "2112211000019999"  # a well-formed number of 铁岭县's village D that no household has


def _number_issues():
    job = ImportJob.objects.latest("id")
    return {i.household_key: (i.code, i.message) for i in job.issues.filter(code="household_not_in_scope")}


def test_import_answers_alike_for_a_number_of_another_county_and_a_number_of_no_household(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    data = xlsx_bytes(
        [household_row(homes.d.number), household_row(NOWHERE)],
        [member_row(homes.d.number), member_row(NOWHERE)],
    )
    login(client, users.county)
    post_file(client, django_capture_on_commit_callbacks, data)
    issues = _number_issues()
    assert issues[homes.d.number] == issues[NOWHERE]
    code, message = issues[NOWHERE]
    assert code == "household_not_in_scope" and message == "您的管辖范围内没有这个户编号。"


def test_a_person_registered_elsewhere_is_refused_without_naming_the_household(
    client, users, tree, homes, django_capture_on_commit_callbacks
):
    """§3.2 still holds (one current household per person); the other household is not named."""
    elsewhere = homes.d.members.get()
    data = xlsx_bytes([household_row("1")], [member_row("1", id_number=elsewhere.id_number)])
    login(client, users.clerk_a)
    post_file(client, django_capture_on_commit_callbacks, data)
    issue = ImportJob.objects.latest("id").issues.get(code="duplicate_person")
    assert homes.d.number not in issue.message and tree.village_d.name not in issue.message
