"""Per-process caches for small reference data read on every page.

The branding and the lists of publics and territories change a few times a
year but are read by every participant's request: each process keeps them for
``REFERENCE_CACHE_SECONDS`` (0 switches the cache off, as the tests do). Writes
in this process clear the cache at once; other processes see them within the delay.
"""

import time
from collections.abc import Callable
from functools import wraps

from flask import current_app


def reference_cache(func: Callable[[], object]) -> Callable[[], object]:
    """Cache a zero-argument function's (immutable) result for a few seconds."""
    stored: dict[str, tuple[float, object]] = {}

    @wraps(func)
    def wrapper():
        ttl = current_app.config.get("REFERENCE_CACHE_SECONDS", 0)
        now = time.monotonic()
        hit = stored.get("value")
        if ttl and hit is not None and now - hit[0] < ttl:
            return hit[1]
        value = func()
        if ttl:
            stored["value"] = (now, value)
        return value

    wrapper.cache_clear = stored.clear
    return wrapper
