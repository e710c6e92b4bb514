"""What a recompute started on demand will replace (§5.6, issue 15 item 3): the runs page asks for the
as-of date and shows this before the run starts.

A run of date D evaluates the policy year of D (rules.run.run_date: an explicit date is its own calendar
year; the working year's policy date is what the nightly run evaluates) and writes the results that hold
from D up to the next date run since (rules.household_sql: a past date changes results only up to the
next run; a date run again replaces its own results). Which pages then change:

- the "current" pages (the household's exit check and its API, the region indicators) read the working
  year Y as of its policy date P (rules.reads.check_for, working_year_check, templatetags
  region_indicators): they show the new results only when D is of year Y, no later than P, and no later
  run of Y up to P exists. A date of another year never changes them: a result of another year is not
  read as Y's (check_for then evaluates the household live);
- the changes since the previous run compare the two latest finished province-wide runs up to P, of any
  year (rules.reads.last_two_dates): they change when D is up to P and becomes one of those two;
- the reports (dashboards, standard tables and their exports, reports.selectors.snapshot_dates) open on
  rules.reads.report_date: the latest complete province-wide run of the working year up to P, else the
  latest of any year (the other dates stay selectable).
"""

import dataclasses
import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.access import scope_of
from accounts.models import User
from povertymgmt.dates import POLICY_FIRST_YEAR
from villages.models import RegionIndicator
from villages.working_year import current_policy_date

from .models import RecomputeRun, RunState
from .policy import PolicyParams, parameters_for
from .rules.reads import last_two_dates, report_date
from .services import recompute_running


class RunDateForm(forms.Form):
    """The as-of date of a run on demand: from 1 January 2013 up to today (a later day has no data yet)."""

    as_of = forms.DateField(
        label=_lazy("As-of date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        attrs = self.fields["as_of"].widget.attrs
        attrs["min"], attrs["max"] = f"{POLICY_FIRST_YEAR}-01-01", timezone.localdate().isoformat()

    def clean_as_of(self) -> dt.date:
        day = self.cleaned_data["as_of"]
        first, today = dt.date(POLICY_FIRST_YEAR, 1, 1), timezone.localdate()
        if day < first:
            raise ValidationError(
                _("Choose a date from %(first)s on."), code="too_early", params={"first": first.isoformat()}
            )
        if day > today:
            raise ValidationError(
                _("Choose a date up to today (%(today)s): a later day has no data yet."),
                code="future",
                params={"today": today.isoformat()},
            )
        return day


def run_year(day: dt.date) -> int:
    """The policy year a run of `day` evaluates: the working year on its policy date (what the nightly
    run evaluates), else the date's own calendar year (rules.run.run_date)."""
    year, policy_day = current_policy_date()
    return year if day == policy_day else day.year


def _done_province_runs():
    return RecomputeRun.objects.filter(state=RunState.DONE, only_county__isnull=True)


@dataclasses.dataclass
class RunPreview:
    as_of: dt.date
    year: int  # the policy year the date evaluates
    params: PolicyParams  # the parameters of that year (version 0: the national defaults)
    working_year: int
    policy_day: dt.date  # the working year's policy date: what the current pages show
    replaced: RecomputeRun | None  # the latest province-wide run of this date: its results are replaced
    previous: RecomputeRun | None  # without one, the latest complete run of the year before the date
    figures: RegionIndicator | None  # the user's region's indicators of that run's date
    next_date: dt.date | None  # the next complete province-wide run after the date
    shown_now: dt.date | None  # the run whose results the current pages show now
    report_default: dt.date | None  # the date the reports open on now
    latest_run: tuple[dt.date, int] | None  # the latest complete province-wide run (as of, policy year)
    changes_now: list[dt.date]  # the two run dates the changes page compares now, newest first
    running: bool  # a run of this date is under way: a second start would only race it

    @property
    def superseded(self) -> RecomputeRun | None:
        return self.replaced or self.previous

    @property
    def other_year(self) -> bool:
        return self.year != self.working_year

    @property
    def resumes(self) -> bool:
        """An incomplete run of the date exists: starting resumes it, redoing only the counties not done."""
        return self.replaced is not None and self.replaced.state != RunState.DONE

    @property
    def changes_current_pages(self) -> bool:
        return (
            not self.other_year
            and self.as_of <= self.policy_day
            and (self.next_date is None or self.next_date > self.policy_day)
        )

    @property
    def changes_after(self) -> list[dt.date]:
        """The two run dates the changes page compares once this run has finished."""
        if self.as_of > self.policy_day:
            return self.changes_now
        return sorted({*self.changes_now, self.as_of}, reverse=True)[:2]

    @property
    def changes_page_changes(self) -> bool:
        return self.as_of in self.changes_after

    @property
    def becomes_report_default(self) -> bool:
        runs = [(self.as_of, self.year)]
        if self.shown_now is not None:
            runs.append((self.shown_now, self.working_year))
        if self.latest_run is not None:
            runs.append(self.latest_run)
        return report_date(runs, self.working_year, self.policy_day) == self.as_of


def run_preview(user: User, day: dt.date) -> RunPreview:
    """What starting a run of `day` will replace (a few queries)."""
    working, policy_day = current_policy_date()
    year = run_year(day)
    province = RecomputeRun.objects.filter(only_county__isnull=True, policy_year=year)
    replaced = province.filter(as_of=day).order_by("-created_at", "-id").first()
    previous = None
    if replaced is None:
        previous = (
            province.filter(state=RunState.DONE, as_of__lt=day, as_of__year=year).order_by("-as_of", "-id").first()
        )
    shown = replaced or previous
    region = scope_of(user)
    figures = None
    if shown is not None and region is not None:
        figures = RegionIndicator.objects.filter(region=region, as_of=shown.as_of).first()
    done = _done_province_runs()
    latest = done.order_by("-as_of", "-id").values_list("as_of", "policy_year").first()
    preview = RunPreview(
        as_of=day,
        year=year,
        params=parameters_for(year),
        working_year=working,
        policy_day=policy_day,
        replaced=replaced,
        previous=previous,
        figures=figures,
        next_date=done.filter(as_of__gt=day).order_by("as_of").values_list("as_of", flat=True).first(),
        shown_now=done.filter(policy_year=working, as_of__lte=policy_day)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first(),
        report_default=None,
        latest_run=latest,
        changes_now=last_two_dates(policy_day),
        running=recompute_running(as_of=day),
    )
    runs = [latest] if latest else []
    if preview.shown_now is not None:
        runs.append((preview.shown_now, working))
    preview.report_default = report_date(runs, working, policy_day)
    return preview
