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
import threading

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db.models import Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import WorkingYear

# The working year is read by every policy-date bound, form validator and page: within one request it
# is read once (a page of 50 validated rows asked 50 times). Outside requests (tasks, commands) every
# call reads the database; opening a year clears the memo of the request that opened it.
_request = threading.local()


def _request_begins(**kwargs) -> None:
    _request.memo = {}


def _request_ends(**kwargs) -> None:
    _request.memo = None


def _year_changed(**kwargs) -> None:
    memo = getattr(_request, "memo", None)
    if memo:
        memo.clear()


request_started.connect(_request_begins, dispatch_uid="working_year_memo_begin")
request_finished.connect(_request_ends, dispatch_uid="working_year_memo_end")
post_save.connect(_year_changed, sender=WorkingYear, dispatch_uid="working_year_memo_save")
post_delete.connect(_year_changed, sender=WorkingYear, dispatch_uid="working_year_memo_delete")


def working_year() -> int:
    """The province's current working year."""
    memo = getattr(_request, "memo", None)
    if memo is not None and "year" in memo:
        return memo["year"]
    year = _year(_newest().values_list("year", flat=True).first())
    if memo is not None:
        memo["year"] = year
    return year


def working_year_subquery() -> Subquery:
    """The newest year as a subquery, for a read every request makes anyway (the signed-in user's,
    accounts.backends) to carry it; that read hands it to remember_working_year()."""
    return Subquery(_newest().values("year")[:1])


def remember_working_year(found: int | None) -> None:
    """This request's working year, read alongside another read (working_year_subquery): the request
    then asks the database no more (one query less on every page that shows the year)."""
    memo = getattr(_request, "memo", None)
    if memo is not None:
        memo["year"] = _year(found)


def _newest():
    return WorkingYear.objects.order_by("-year")


def _year(found: int | None) -> int:
    return int(found) if found is not None else int(settings.WORKING_YEAR_DEFAULT)


def policy_date(year: int, on: datetime.date | None = None) -> datetime.date:
    """The date year `year` is evaluated on when the run happens on `on` (default today): min(on, 31 Dec)."""
    on = on or timezone.localdate()
    return min(on, datetime.date(year, 12, 31))


def current_policy_date(on: datetime.date | None = None) -> tuple[int, datetime.date]:
    """(Y, D): the working year and the date the nightly run and every "current" page evaluate it on."""
    year = working_year()
    return year, policy_date(year, on)
