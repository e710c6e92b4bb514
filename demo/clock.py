"""A simulated clock for the demo's year of work (issue 15, "a living demo").

The demo's cases, projects, payments and visits are written through the apps' own services, which date
what they record with "now" (`django.utils.timezone.now`, behind `timezone.localdate()`, `auto_now` and the
audit log). To give the demo a year of work *in its working year* (cases proposed in October, notices that
ran their seven days, projects approved in spring), the seeder moves this clock to each day it acts on;
the services then check and record exactly what they would have on that day. Every call returns a moment
one millisecond later than the one before, so steps taken on one day keep their order.

Only the seeder uses it, inside `running()`; the real clock is restored when the block ends.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

TICK = dt.timedelta(milliseconds=1)


class SimulatedClock:
    def __init__(self, start: dt.date) -> None:
        self._moment = self._at(start, 8)

    @staticmethod
    def _at(day: dt.date, hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)), timezone.get_default_timezone())

    def set(self, day: dt.date, hour: int = 9) -> None:
        """Move to `hour` o'clock of `day` (local time); the next call of now() is just after it."""
        self._moment = self._at(day, hour)

    def today(self) -> dt.date:
        return timezone.localtime(self._moment).date()

    def now(self) -> dt.datetime:
        self._moment += TICK
        return self._moment

    @contextlib.contextmanager
    def running(self) -> Iterator["SimulatedClock"]:
        """Within the block, timezone.now() (and so localdate(), auto_now, the audit log) reads this clock."""
        real = timezone.now
        timezone.now = self.now  # type: ignore[assignment]
        try:
            yield self
        finally:
            timezone.now = real  # type: ignore[assignment]
