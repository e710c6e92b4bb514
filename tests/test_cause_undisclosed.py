"""§9, households/causes.py: to a role that may not view health data, a household poor by illness looks
exactly like one poor for "other" reasons, on the household list, the household page, the household roster
table and its CSV, and in the API. A mask (or a null) given to illness alone would itself say "someone
here is ill"; illness, disability and other are one cause, "Other (incl. undisclosed)", instead. The
clerk, who may view health data, tells them apart."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from households import choices as c
from households.causes import UNDISCLOSED_LABEL
from households.models import Household
from reports.tables import REGISTRY
from tests import factories as f
from tests.reports.conftest import run_nightly

pytestmark = pytest.mark.django_db

CAUSES = (c.Cause.ILLNESS, c.Cause.OTHER)


@pytest.fixture
def pair(tree, users, django_capture_on_commit_callbacks) -> list[Household]:
    """Two households of village A alike in everything but the number, the head's ID number and the main
    cause: illness for the first, other for the second."""
    made = [
        f.household(
            tree.village_a,
            by=users.admin,
            main_cause=cause,
            phone="13812345678",
            members=[f.member(name="王大山")],
        )
        for cause in CAUSES
    ]
    run_nightly(timezone.localdate(), django_capture_on_commit_callbacks)  # the roster reads its snapshot
    return made


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def own(text: str, h: Household) -> str:
    """A page or a document with what is the household's own (its number, id, head's ID number, the
    form tokens of the request) written the same for both."""
    text = text.replace(h.number, "NUMBER")
    head = h.members.get()
    masked = re.escape(head.id_number[:4]) + r"\*+" + re.escape(head.id_number[-4:])
    text = re.sub(masked, "MASKED_ID", text)  # the masked number keeps the first and last four
    text = re.sub(r"\b\d{2}:\d{2}(:\d{2})?\b", "HH:MM", text)  # two saves may fall in two minutes
    text = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1TOKEN", text)
    text = re.sub(r'(CSRFToken": ")[^"]+', r"\1TOKEN", text)
    text = re.sub(rf"/members/{head.pk}/", "/members/MEMBER/", text)  # before the household's id: they can be equal
    return re.sub(rf"/{h.pk}/", "/PK/", text)


def list_row(client, h: Household) -> str:
    page = client.get(reverse("households:list"), {"q": h.number}).content.decode()
    [row] = re.findall(r'<tr data-testid="household-row">.*?</tr>', page, re.S)
    return own(row, h)


def detail_page(client, h: Household) -> str:
    response = client.get(reverse("households:detail", args=[h.number]))
    assert response.status_code == 200
    return own(response.content.decode(), h)


def roster_rows(client, user, households: list[Household]) -> tuple[list, list]:
    """The roster's page rows and CSV rows of the two households, the number and the head's ID dropped."""
    table = REGISTRY["households"]
    keys = [col.key for col in table.columns]
    drop = {keys.index("number"), keys.index("head_id")}
    number = keys.index("number")
    region = user.scope.code
    page = client.get(reverse("reports:table", args=["households"]), {"region": region})
    assert page.status_code == 200
    by_number = {row[number]: row for row in page.context["page"].object_list}
    shown = [[str(v) for i, v in enumerate(by_number[h.number]) if i not in drop] for h in households]
    export = client.post(reverse("reports:export", args=["households"]) + f"?region={region}", {"format": "csv"})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))[1:]
    csv_by_number = {row[number]: row for row in rows}
    exported = [[v for i, v in enumerate(csv_by_number[h.number]) if i not in drop] for h in households]
    return shown, exported


def api_document(client, h: Household) -> dict:
    data = client.get(f"/api/v1/households/{h.number}/").json()
    for name in ("number", "created_at", "updated_at"):
        data.pop(name, None)
    for m in data.get("members", []):
        for name in ("id", "id_number", "created_at", "updated_at"):
            m.pop(name, None)
    return data


@pytest.mark.parametrize("role", ["township", "province"])
def test_illness_and_other_render_identically_to_a_masked_role(client, users, pair, role):
    user = getattr(users, role)
    client.force_login(user)
    ill, other = pair
    assert list_row(client, ill) == list_row(client, other)
    assert zh(UNDISCLOSED_LABEL) in list_row(client, ill)
    assert detail_page(client, ill) == detail_page(client, other)
    assert f'data-testid="main-cause">{zh(UNDISCLOSED_LABEL)}<' in detail_page(client, ill)
    shown, exported = roster_rows(client, user, pair)
    assert shown[0] == shown[1] and exported[0] == exported[1]
    assert zh(UNDISCLOSED_LABEL) in shown[0] and zh(UNDISCLOSED_LABEL) in exported[0]
    documents = [api_document(client, h) for h in pair]
    assert documents[0] == documents[1] and documents[0]["main_cause"] is None


def test_the_clerk_tells_illness_from_other(client, users, pair):
    client.force_login(users.clerk_a)
    ill, other = pair
    assert zh(c.Cause.ILLNESS.label) in list_row(client, ill) and zh(c.Cause.OTHER.label) in list_row(client, other)
    assert detail_page(client, ill) != detail_page(client, other)
    shown, exported = roster_rows(client, users.clerk_a, pair)
    assert shown[0] != shown[1] and exported[0] != exported[1]
    documents = [api_document(client, h) for h in pair]
    assert (documents[0]["main_cause"], documents[1]["main_cause"]) == (c.Cause.ILLNESS, c.Cause.OTHER)
