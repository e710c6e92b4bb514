"""Login throttling on every password entry point (§9): the login page, the Django admin login and the
API token endpoint all call `guard`, `failed` and `succeeded` here.

Failures are counted per username and per client address in Django's cache (LocMem in development,
Redis in production, so every web process shares the counts). After MAX_FAILURES failures within WINDOW
seconds of the first, that username or address is refused for a wait that starts at BASE_WAIT and
doubles with each further lock-out, up to MAX_WAIT. A successful login clears the username's count;
the address's count stays, so one known password does not reopen guessing at every other account.

With the shared cache unreachable (Redis down, issue 12) logins keep working and stay throttled: the
counts are kept in the web process's own memory until the shared cache answers again (so per process
rather than across them), and after a failed call the shared cache is left alone for RETRY_SHARED
seconds, so an outage costs a login at most one connect timeout (BROKER_WAIT_SECONDS) per process and
period, never one per cache call.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest
from django.utils.translation import ngettext

MAX_FAILURES = 5
WINDOW = 15 * 60
BASE_WAIT = 60
MAX_WAIT = 60 * 60
# Lock-outs double the wait as long as the key is remembered: a day after the last failure.
MEMORY = 24 * 60 * 60

_PREFIX = "login-throttle"
RETRY_SHARED = 30

log = logging.getLogger(__name__)
# The counts while the shared cache is unreachable: this process only, bounded in size.
_local = LocMemCache("login-throttle-fallback", {"TIMEOUT": MEMORY, "OPTIONS": {"MAX_ENTRIES": 10_000}})
# Until when (on _clock) the shared cache is left alone after a failed call, for the whole process.
_shared_down = {"until": 0.0}


def _clock() -> float:
    """The clock of the outage pause: monotonic, unlike the wall clock of now()."""
    return time.monotonic()


def _cache_call(op: str, *args: Any) -> Any:
    """cache.<op>(*args) on the shared cache, or on the process's own memory while that is unreachable."""
    if _clock() >= _shared_down["until"]:
        try:
            return getattr(cache, op)(*args)
        except Exception:  # any backend's connection error: RedisCache raises redis-py's own
            log.warning("login throttle: shared cache unavailable, counting in this process", exc_info=True)
            _shared_down["until"] = _clock() + RETRY_SHARED
    return getattr(_local, op)(*args)


def forget_outage() -> None:
    """Try the shared cache again at the next call and drop the process's own counts (tests)."""
    _shared_down["until"] = 0.0
    _local.clear()


class LoginLocked(Exception):
    """Raised by `guard` while the username or the address is locked out; `wait` is in seconds."""

    def __init__(self, wait: int) -> None:
        self.wait = wait
        super().__init__(message(wait))


@dataclass
class _State:
    failures: int = 0
    first: float = 0.0
    strikes: int = 0
    until: float = 0.0


def now() -> float:
    """The throttle's clock (tests move it)."""
    return time.time()


def message(wait: int) -> str:
    minutes = max(1, math.ceil(wait / 60))
    return ngettext(
        "Too many failed logins. Try again in %(minutes)d minute.",
        "Too many failed logins. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def client_address(request: HttpRequest | None) -> str:
    """The client's address. Behind the TLS proxy of the README every request comes from the proxy, so
    the address is the last entry of X-Forwarded-For, the one the proxy itself appended."""
    if request is None:
        return ""
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or ""


def _keys(username: str, address: str) -> list[str]:
    keys = []
    if username:
        # Usernames are hashed into the key: any text is a valid cache key then (memcached, Redis).
        keys.append(f"{_PREFIX}:user:{_digest(username.strip().casefold())}")
    if address:
        keys.append(f"{_PREFIX}:addr:{_digest(address)}")
    return keys


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _load(key: str) -> _State:
    raw = _cache_call("get", key)
    return _State(**raw) if isinstance(raw, dict) else _State()


def _store(key: str, state: _State) -> None:
    _cache_call("set", key, state.__dict__, MEMORY)


def remaining(*, username: str, address: str) -> int:
    """Seconds until a login for this username from this address may be tried again; 0 if it may now."""
    moment = now()
    waits = [_load(key).until - moment for key in _keys(username, address)]
    return max([0, *(math.ceil(wait) for wait in waits)])


def guard(request: HttpRequest | None, username: str) -> None:
    """Raise LoginLocked while the username or the client's address is locked out."""
    wait = remaining(username=username, address=client_address(request))
    if wait > 0:
        raise LoginLocked(wait)


def failed(request: HttpRequest | None, username: str) -> None:
    """Count a failed login; on the MAX_FAILURES-th within WINDOW, lock out and write an audit entry."""
    from .models import AuditAction, User
    from .services import audit_record

    address = client_address(request)
    moment = now()
    for key in _keys(username, address):
        state = _load(key)
        if moment - state.first > WINDOW:
            state.failures, state.first = 0, moment
        state.failures += 1
        if state.failures >= MAX_FAILURES:
            wait = min(BASE_WAIT * 2**state.strikes, MAX_WAIT)
            state.strikes += 1
            state.failures, state.first, state.until = 0, moment, moment + wait
            kind = "user" if ":user:" in key else "address"
            detail: dict[str, Any] = {"username": username, "address": address, "locked": kind, "wait": wait}
            audit_record(
                user=User.objects.filter(username=username).first() if username else None,
                action=AuditAction.LOGIN_LOCKED,
                object_type="login",
                object_id=username[:50],
                **detail,
            )
        _store(key, state)


def succeeded(request: HttpRequest | None, username: str) -> None:
    """A successful login clears the username's failures and lock-outs."""
    del request
    _cache_call("delete_many", _keys(username, ""))


def reset(*, username: str = "", address: str = "") -> None:
    """Forget the failures and lock-outs of a username and/or an address (administrators, tests)."""
    _cache_call("delete_many", _keys(username, address))
