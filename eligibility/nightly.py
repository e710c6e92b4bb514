"""The per-county steps that higher apps add to the nightly run (§5.6).

The nightly run tests a county's households (§5.2), then calls every registered county step for the
same county, in the order they were registered, inside that county's task: a step's failure fails the
county like a failure of the test itself (its error is shown on the county's row, §5.6).

Higher apps register their steps in their AppConfig.ready(), so the dependency points up the layering:
they import eligibility, eligibility never imports them (docs/architecture.md). Today monitoring registers
the data-quality checks of §8.2, then the monitoring triggers of §7 (monitoring/apps.py).

A step is called as `step(as_of=date, county_id=int, run_id=int)`; what it returns is ignored.
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
