"""The steps that higher apps add to the nightly run (§5.6): per county, and once at its finish.

The nightly run tests a county's households (§5.2), then calls every registered county step for the
same county, in the order they were registered, inside that county's task: a step's failure fails the
county like a failure of the test itself (its error is shown on the county's row, §5.6).

Higher apps register their steps in their AppConfig.ready(), so the dependency points up the layering:
they import eligibility, eligibility never imports them (docs/architecture.md). Today monitoring registers
the data-quality checks of §8.2, then the monitoring triggers of §7 (monitoring/apps.py).

A step is called as `step(as_of=date, county_id=int, run_id=int)`; what it returns is ignored.

Finish steps run once per run, in the half of the finish that recounts the region pages' tallies
(eligibility.rules.run.FINISH_PARTS: beside the region indicators and the dashboards' summaries, on
another worker), inside the same failure handling (a failing step fails the run, which the next
run redoes). Today reports registers the assistance summary of the dashboards (issue 16, reports/apps.py).
A finish step is called as `step(as_of=date, county_id=int | None, run_id=int)`: county_id is the county of
a one-county run, None for a province-wide one.
"""

import datetime as dt
from typing import Protocol


class CountyStep(Protocol):
    def __call__(self, *, as_of: dt.date, county_id: int, run_id: int) -> object: ...


_county_steps: list[CountyStep] = []


def register_county_step(step: CountyStep) -> CountyStep:
    """Run `step` for every county after its household test, after the steps registered before it.

    Registering the same function again keeps its first place (ready() may run more than once)."""
    if step not in _county_steps:
        _county_steps.append(step)
    return step


def county_steps() -> tuple[CountyStep, ...]:
    """The registered steps, in the order they run."""
    return tuple(_county_steps)


def run_county_steps(*, as_of: dt.date, county_id: int, run_id: int) -> None:
    """Every registered step of one county, in order; the first failure stops the county's steps."""
    for step in _county_steps:
        step(as_of=as_of, county_id=county_id, run_id=run_id)


class FinishStep(Protocol):
    def __call__(self, *, as_of: dt.date, county_id: int | None, run_id: int) -> object: ...


_finish_steps: list[FinishStep] = []


def register_finish_step(step: FinishStep) -> FinishStep:
    """Run `step` once at the end of every run, after the steps registered before it.

    Registering the same function again keeps its first place (ready() may run more than once)."""
    if step not in _finish_steps:
        _finish_steps.append(step)
    return step


def finish_steps() -> tuple[FinishStep, ...]:
    """The registered finish steps, in the order they run."""
    return tuple(_finish_steps)


def run_finish_steps(*, as_of: dt.date, county_id: int | None, run_id: int) -> None:
    """Every registered finish step, in order; the first failure stops the others."""
    for step in _finish_steps:
        step(as_of=as_of, county_id=county_id, run_id=run_id)
