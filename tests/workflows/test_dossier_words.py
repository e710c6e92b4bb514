"""The dossier in words (issue 15, item 9): an evidence file's kind rather than its MIME type, its size
readable, and the income calculation's amounts grouped by thousands with two decimals."""

import pytest
from django.utils import translation

from workflows import services as s
from workflows.dossier import dossier_html, file_kind

from .conftest import walk_exit_to_township

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content_type", "words"),
    [("application/pdf", "PDF file"), ("image/png", "Image"), ("image/jpeg", "Image"), ("text/plain", "File")],
)
def test_a_file_kind_is_said_in_words(content_type, words):
    with translation.override("en"):
        assert file_kind(content_type) == words


def test_the_dossier_shows_no_mime_type_and_groups_amounts(users, eligible):
    case = walk_exit_to_township(users, eligible)
    s.case_transition(user=users.township, case=case, transition="township_approve")
    case = s.case_transition(user=users.county, case=case, transition="county_approve")
    with translation.override("en"):
        html = dossier_html(case, users.county)
    assert 'data-testid="d-file-kind">Image<' in html
    assert "image/png" not in html and "application/pdf" not in html
    assert "20,000.00" in html  # the net income of 20000.00
