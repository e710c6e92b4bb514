"""No existence answer across scopes in the household API (issue 12, item 9; §1)."""

from .conftest import household_document

NOWHERE = "2112211000019999"  # a well-formed number of 铁岭县's village D that no household has


def test_api_answers_alike_for_a_number_of_another_county_and_a_number_of_no_household(api, tree, users, homes):
    answers = []
    for number in (homes.d.number, NOWHERE):
        response = api(users.clerk_a).post(
            "/api/v1/households/", household_document(tree.village_a.code, number=number), format="json"
        )
        assert response.status_code == 400
        answers.append(response.json())
    assert answers[0] == answers[1]
    assert homes.d.number not in str(answers[0])
