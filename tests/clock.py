"""One local date for the whole test run.

The tests take "today" once — module constants such as `TODAY = timezone.localdate()` and the dates built
from them at collection — while the application asks at every call (`timezone.localdate()`, `auto_now`,
the audit log, all reading `django.utils.timezone.now`). A run that crossed midnight in Asia/Shanghai
(16:00 UTC) had steps recorded on the new day and inputs dated the day before: 60 tests of the exit
and monitoring chains failed. So when a run starts less than `MARGIN` before local midnight, the clock
of this process is moved back `SHIFT` (the same local date; real seconds keep passing), as the demo's
simulated clock moves it (demo/clock.py). A Celery worker the tests start as a subprocess keeps the real
clock: a test of it that depends on the date could still see the next day after midnight."""

import datetime as dt

from django.utils import timezone

MARGIN = dt.timedelta(hours=3)  # longer than a whole CI run
SHIFT = dt.timedelta(hours=12)


def shift_for(local: dt.datetime) -> dt.timedelta:
    """How far back to move a clock that reads `local` (an aware local time) so the run keeps its date."""
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=local.tzinfo)
    return SHIFT if midnight - local < MARGIN else dt.timedelta(0)


def keep_the_local_date() -> None:
    real = timezone.now
    shift = shift_for(timezone.localtime(real()))
    if shift:
        timezone.now = lambda: real() - shift  # type: ignore[assignment]
