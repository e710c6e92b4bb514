"""The working year is read once per request (villages.working_year), and never stale after an opening."""

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

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
