"""tests/clock.py: a run that starts near local midnight keeps its local date."""

import datetime as dt
from zoneinfo import ZoneInfo

from tests.clock import SHIFT, shift_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_run_starting_late_in_the_evening_is_moved_back_within_the_same_date():
    late = dt.datetime(2026, 12, 6, 23, 58, tzinfo=SHANGHAI)
    assert shift_for(late) == SHIFT
    assert (late - SHIFT).date() == late.date() and (late - SHIFT + dt.timedelta(hours=3)).date() == late.date()


def test_a_run_in_the_day_keeps_the_real_clock():
    assert shift_for(dt.datetime(2026, 12, 6, 10, 0, tzinfo=SHANGHAI)) == dt.timedelta(0)
    assert shift_for(dt.datetime(2026, 12, 6, 0, 1, tzinfo=SHANGHAI)) == dt.timedelta(0)
