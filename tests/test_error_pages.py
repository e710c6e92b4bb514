"""Refusals and missing pages speak the user's language and give a way back (issue 15, item 2)."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_missing_page_is_chinese_with_a_way_back(client, users):
    client.force_login(users.clerk_a)
    response = client.get("/households/no-such-household/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and "返回首页" in text
    assert "Not Found" not in text


@override_settings(DEBUG=False)
def test_a_missing_page_in_english_for_an_english_user(client, users):
    client.force_login(users.clerk_a)
    client.cookies["django_language"] = "en"
    response = client.get("/households/no-such-household/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_refusal_is_chinese_and_says_why(client, users):
    client.force_login(users.auditor)
    response = client.get("/imports/")
    assert response.status_code in (403, 404)
    text = response.content.decode()
    assert "返回首页" in text and "Forbidden" not in text and "Not Found" not in text


@override_settings(DEBUG=False)
def test_a_server_error_page_is_chinese(client, users, settings):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("zh-hans"):
        text = render_to_string("500.html")
    assert "服务器出错" in text and "返回首页" in text
