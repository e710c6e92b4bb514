"""The working year 工作年度 (issue 13): the one answer to "which policy year is current".

The policy runs as a yearly cycle: cadres survey the year's incomes in autumn and winter, exits are
decided on that year's figures, and province staff close the year and open the next (年度切换). So the
current policy year is never the calendar year: it is the newest `WorkingYear` row, or
`settings.WORKING_YEAR_DEFAULT` on a database where no year was ever opened.

The date a policy year is evaluated on is `policy_date`: the run date, but never later than 31 December
of the year, so that a nightly run on 5 January of Y+1 with the working year still Y gives the results
of 31 December Y.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import WorkingYear


def working_year() -> int:
    """The province's current working year."""
    year = WorkingYear.objects.order_by("-year").values_list("year", flat=True).first()
    return int(year) if year is not None else int(settings.WORKING_YEAR_DEFAULT)


def policy_date(year: int, on: datetime.date | None = None) -> datetime.date:
    """The date year `year` is evaluated on when the run happens on `on` (default today): min(on, 31 Dec)."""
    on = on or timezone.localdate()
    return min(on, datetime.date(year, 12, 31))


def current_policy_date(on: datetime.date | None = None) -> tuple[int, datetime.date]:
    """(Y, D): the working year and the date the nightly run and every "current" page evaluate it on."""
    year = working_year()
    return year, policy_date(year, on)
