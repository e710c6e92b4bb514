"""The working year is read once per request (villages.working_year), and never stale after an opening."""

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from villages.models import WorkingYear
from villages.working_year import working_year


def test_read_once_per_request_and_again_after_an_opening(db, django_assert_num_queries):
    # The request signals as Django sends them, without its closing of the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _requests(django_assert_num_queries)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _requests(django_assert_num_queries):
    request_started.send(sender=None)
    try:
        with django_assert_num_queries(1):
            assert working_year() == working_year() == working_year() == 2020
        WorkingYear.objects.create(year=2021)
        with django_assert_num_queries(1):
            assert working_year() == working_year() == 2021
    finally:
        request_finished.send(sender=None)
    with django_assert_num_queries(2):  # outside a request: every call reads
        assert working_year() == working_year() == 2021


def test_a_signed_in_request_reads_the_year_with_its_user(client, users, django_assert_num_queries):
    """The user's read carries the working year (accounts.backends): a page showing the year asks no more,
    and a year opened since the last request is the one shown."""
    client.force_login(users.county)
    WorkingYear.objects.create(year=2021)
    with CaptureQueriesContext(connection) as page:
        html = client.get("/reports/").content.decode()
    assert "2021" in html
    assert not [q for q in page.captured_queries if q["sql"].startswith('SELECT "villages_workingyear"')]
    assert [q for q in page.captured_queries if "villages_workingyear" in q["sql"]]  # within the user's read
