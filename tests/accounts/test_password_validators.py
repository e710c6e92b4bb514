"""Password validators (issue 12, item 9; §9): no dates, no pure digits, nothing like the username."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import User
from accounts.validators import looks_like_a_date


def refusal(password, user=None):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


def test_a_date_is_refused_in_chinese():
    assert "日期" in refusal("20201231")
    assert "日期" in refusal("2020-12-31")
    assert "日期" in refusal("31.12.2020")


def test_pure_digits_are_refused_in_chinese():
    assert "数字" in refusal("12345678")
    assert "数字" in refusal("83920174")


def test_a_password_like_the_username_is_refused_in_chinese():
    user = User(username="username")
    assert "相似" in refusal("username1", user)


def test_a_good_password_passes():
    validate_password("Hei-Long-Jiang-7", User(username="clerk"))


@pytest.mark.parametrize(
    "password, date_like",
    [
        ("20201231", True),
        ("2020/1/5x", False),
        ("2020年12月31日", True),
        ("12312020", True),
        ("20201399", False),
        ("abcdefgh", False),
        ("１２３４５６７８", False),
    ],
)
def test_what_looks_like_a_date(password, date_like):
    assert looks_like_a_date(password) is date_like
