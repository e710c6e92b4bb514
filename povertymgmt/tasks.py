"""Enqueueing Celery tasks from a request without letting a broker outage become a 500 (issue 12).

When Redis (the broker) is down, publishing a task raises after the bounded waits of settings.py; the
request must still answer at once, with the job recorded as failed so that the user can start it again.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError

try:  # redis-py is there whenever REDIS_URL is used; without it only kombu's errors can occur
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = OSError  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

# What a publish raises when the broker (or the Redis result backend) cannot be reached. Celery's Redis
# result backend, subscribing to the task's result before the publish, gives up with a RuntimeError
# ("Retry limit exceeded while trying to reconnect to the Celery result store backend").
PUBLISH_ERRORS: tuple[type[BaseException], ...] = (KombuError, RedisError, OSError, RuntimeError)


def queue_unavailable_message() -> str:
    return _(
        "The task queue is not available, so this job could not be started. "
        "Try again later; if it keeps failing, tell the administrator."
    )


@dataclass
class Enqueued:
    """What became of an enqueue: `error` is set (in the user's language) when the publish failed.

    Outside a transaction the publish happens during `enqueue`, so the caller can read it at once."""

    error: str = ""


def enqueue(task: Any, *args: Any, on_failure: Callable[[str], None], **kwargs: Any) -> Enqueued:
    """Publish `task(*args, **kwargs)` once the current transaction commits.

    If the broker cannot be reached, `on_failure(message)` records the job as failed with a Chinese (the
    user's language) message and the error is logged; nothing is raised, so the request still succeeds.
    In eager mode (no broker) the task runs in-process and its own exceptions propagate as before."""
    outcome = Enqueued()
    message = queue_unavailable_message()  # translated now, in the request's language

    def publish() -> None:
        if task.app.conf.task_always_eager:
            task.apply_async(args, kwargs)
            return
        try:
            task.apply_async(args, kwargs)
        except PUBLISH_ERRORS:
            log.exception("could not enqueue %s%r: broker unreachable", task.name, args)
            outcome.error = message
            on_failure(message)

    transaction.on_commit(publish)
    return outcome
