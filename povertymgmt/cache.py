"""Cache reads and writes that only make things faster: a cache outage (Redis down) degrades them to no
cache instead of a 500 (issue 12). Never use these for values whose loss matters."""

import logging
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT

log = logging.getLogger(__name__)


def cache_get(key: str, default: Any = None) -> Any:
    try:
        return cache.get(key, default)
    except Exception:  # any backend's connection error: RedisCache raises redis-py's own
        log.warning("cache unavailable: get %s", key, exc_info=True)
        return default


def cache_set(key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        log.warning("cache unavailable: set %s", key, exc_info=True)
