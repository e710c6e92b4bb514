"""§9, issue 12: a cause of poverty hidden from the writer (illness, disability, and other with them, so
that null is no health fact) stays as stored through the API, and no answer tells which of the three it is,
as in the form (households/causes.py, households/forms.py): while a cause is hidden, any of the three
chosen for another cause gets the same refusal whichever one is hidden, never "cannot repeat the main
cause"."""

import pytest

from households import choices as c
from households.models import Household
from households.serializers import HIDDEN_CAUSE_KEPT_MESSAGE, HIDDEN_CAUSE_MESSAGE
from tests import factories as f

pytestmark = pytest.mark.django_db


def detail(h: Household) -> str:
    return f"/api/v1/households/{h.number}/"


def causes(h: Household) -> tuple[str, str, str]:
    h.refresh_from_db()
    return h.main_cause, h.other_cause_1, h.other_cause_2


UNDISCLOSED = [c.Cause.ILLNESS, c.Cause.DISABILITY, c.Cause.OTHER]


@pytest.fixture
def ill_and_disabled(tree, users):
    """Households of village A poor by illness, by disability and by other; the township reviewer (a
    writer who may not view health data) sees each main cause as null."""
    return tuple(f.household(tree.village_a, by=users.admin, main_cause=cause) for cause in UNDISCLOSED)


@pytest.mark.parametrize("probe", UNDISCLOSED)
@pytest.mark.parametrize("field", ["other_cause_1", "other_cause_2"])
def test_a_probe_gets_the_same_answer_whichever_cause_is_hidden(api, users, ill_and_disabled, probe, field):
    client = api(users.township)
    answers = []
    for h in ill_and_disabled:
        assert client.get(detail(h)).json()["main_cause"] is None
        before = causes(h)
        response = client.patch(detail(h), {field: probe}, format="json")
        assert response.status_code == 400
        answers.append(response.json())
        assert causes(h) == before  # nothing changed
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][field] == [str(HIDDEN_CAUSE_MESSAGE)]
    assert "main_cause" not in answers[0]


def test_a_hidden_cause_stays_as_stored_while_the_visible_ones_change(api, users, ill_and_disabled):
    ill = ill_and_disabled[0]
    client = api(users.township)
    # Null (what the writer was shown) keeps it; another value is refused, with the same answer for any.
    response = client.patch(detail(ill), {"main_cause": None, "other_cause_1": c.Cause.LACK_SKILLS}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["main_cause"] is None and response.json()["other_cause_1"] == c.Cause.LACK_SKILLS
    assert causes(ill) == (c.Cause.ILLNESS, c.Cause.LACK_SKILLS, "")
    for value in (c.Cause.LACK_FUNDS, *UNDISCLOSED):
        response = client.patch(detail(ill), {"main_cause": value}, format="json")
        assert response.status_code == 400 and response.json()["main_cause"] == [str(HIDDEN_CAUSE_KEPT_MESSAGE)]
        assert set(response.json()) == {"main_cause", "detail", "code"}
    assert causes(ill) == (c.Cause.ILLNESS, c.Cause.LACK_SKILLS, "")
    # A repeat among the causes the writer sees is still reported as such.
    response = client.patch(detail(ill), {"other_cause_2": c.Cause.LACK_SKILLS}, format="json")
    assert response.status_code == 400 and "other_cause_2" in response.json()


@pytest.mark.parametrize("hidden", UNDISCLOSED)
def test_a_hidden_other_cause_is_not_given_away_by_the_rule_that_other_causes_differ(api, tree, users, hidden):
    h = f.household(tree.village_a, by=users.admin, main_cause=c.Cause.LACK_FUNDS, other_cause_1=hidden)
    client = api(users.township)
    data = client.get(detail(h)).json()
    assert (data["main_cause"], data["other_cause_1"]) == (c.Cause.LACK_FUNDS, None)
    answers = [client.patch(detail(h), {"other_cause_2": probe}, format="json") for probe in UNDISCLOSED]
    assert [r.status_code for r in answers] == [400, 400, 400]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert (
        answers[0].json()["other_cause_2"] == [str(HIDDEN_CAUSE_MESSAGE)] and "other_cause_1" not in answers[0].json()
    )
    assert causes(h) == (c.Cause.LACK_FUNDS, hidden, "")


def test_a_writer_who_may_view_health_data_gets_the_repeat_answer(api, users, ill_and_disabled):
    ill = ill_and_disabled[0]
    response = api(users.clerk_a).patch(detail(ill), {"other_cause_1": c.Cause.ILLNESS}, format="json")
    assert response.status_code == 400
    assert response.json()["other_cause_1"] != [str(HIDDEN_CAUSE_MESSAGE)]
    assert (
        api(users.clerk_a).patch(detail(ill), {"other_cause_1": c.Cause.DISABILITY}, format="json").status_code == 200
    )
    assert causes(ill) == (c.Cause.ILLNESS, c.Cause.DISABILITY, "")


@pytest.mark.parametrize("cause", UNDISCLOSED)
def test_a_masked_writer_may_still_record_a_health_cause_or_other_where_none_is_hidden(api, tree, users, cause):
    h = f.household(tree.village_a, by=users.admin, main_cause=c.Cause.LACK_FUNDS)
    response = api(users.township).patch(detail(h), {"other_cause_1": cause}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["other_cause_1"] is None  # now hidden from them
    assert causes(h) == (c.Cause.LACK_FUNDS, cause, "")
