"""The signed-in user is read with their region scope (accounts.backends): every page asks the scope."""

import pytest

from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_comes_with_their_scope(client, users, tree, django_assert_num_queries):
    login(client, users.clerk_a)
    response = client.get("/households/")
    assert response.status_code == 200
    with django_assert_num_queries(0):
        assert response.wsgi_request.user.scope == tree.village_a


def test_an_inactive_user_is_signed_out(client, users):
    login(client, users.clerk_a)
    users.clerk_a.is_active = False
    users.clerk_a.save(update_fields=["is_active"])
    response = client.get("/households/")
    assert response.status_code == 302 and "/login/" in response.url
