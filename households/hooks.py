"""What higher apps do right after a household or one of its members is saved in a page (§8.2: the
data-quality checks run "nightly and on save").

The registry sits below the checks (docs/architecture.md), so it never imports them: a higher app
registers a callback in its AppConfig.ready(), as monitoring registers its county steps with the nightly
run (eligibility/nightly.py). Today monitoring registers the data-quality check of one household
(monitoring/apps.py).

A callback is called as `callback(user=User, household=Household)` after the save has committed, and
returns the notes to show the user on the household's page (translated text, already masked for the
user, §9). A failing callback never undoes or hides the save: it is logged and its notes are lost.
"""

import dataclasses
import logging
from collections.abc import Iterable
from typing import Protocol

from django.contrib import messages
from django.http import HttpRequest

from accounts.models import User

from .models import Household

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Note:
    """A note for the page: its text, and whether it is a warning (else information)."""

    text: str
    warning: bool = False


class AfterHouseholdSave(Protocol):
    def __call__(self, *, user: User, household: Household) -> Iterable[Note]: ...


_after_household_save: list[AfterHouseholdSave] = []


def register_after_household_save(callback: AfterHouseholdSave) -> AfterHouseholdSave:
    """Call `callback` after every household or member save of a page, after those registered before it.

    Registering the same function again keeps its first place (ready() may run more than once)."""
    if callback not in _after_household_save:
        _after_household_save.append(callback)
    return callback


def after_household_save_callbacks() -> tuple[AfterHouseholdSave, ...]:
    return tuple(_after_household_save)


def after_household_save(*, user: User, household: Household) -> list[Note]:
    """Every registered callback, in order; their notes, in order."""
    notes: list[Note] = []
    for callback in _after_household_save:
        try:
            notes.extend(callback(user=user, household=household))
        except Exception:
            logger.exception("after_household_save callback %r failed for household %s", callback, household.pk)
    return notes


def show_after_save(request: HttpRequest, *, user: User, household: Household) -> None:
    """Run the callbacks after a page's save and put their notes among the messages that the next page,
    the household's, shows."""
    for note in after_household_save(user=user, household=household):
        (messages.warning if note.warning else messages.info)(request, note.text)
