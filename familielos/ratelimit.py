"""Hourly allowances counted in the shared cache (the database cache), so a limit holds across every app server and
the task worker.

A counted value (a client address, a login's id) is kept only as a keyed hash, and only for its window.
"""

import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac


def spend(scope: str, value: str, limit: int, window: int = 3600) -> bool:
    """Count one use against `value`'s allowance in `scope` for the current window; True while within `limit`."""
    digest = salted_hmac(f"familielos.ratelimit.{scope}", value, algorithm="sha256").hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{int(time.time()) // window}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def seconds_left(window: int = 3600) -> int:
    """Until the current window ends and every allowance is whole again (a 429's Retry-After)."""
    return window - int(time.time()) % window
