"""Per-process caches for small reference data read on every page.

The branding and the lists of publics and territories change a few times a
year but are read by every participant's request: each process keeps them for
``REFERENCE_CACHE_SECONDS`` (0 switches the cache off, as the tests do). Writes
in this process clear the cache at once; other processes see them within the delay.

Slow documents (a bilan's PDF) are kept as files instead: :func:`rendered_file`.
"""

import hashlib
import os
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path

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


def rendered_file(family: str, key: str, render: Callable[[], bytes]) -> bytes:
    """A slow document (a PDF) rendered once per ``key`` and kept in the instance folder.

    ``family`` names the object ("bilan-12"); ``key`` says what the bytes depend on
    (its generation date, its status…). Writing a new key removes the family's older
    files; a file is written under a temporary name then renamed, so that a reader in
    another process never sees half of it.
    """
    folder = Path(current_app.config["INSTANCE_DIR"]) / "cache"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    path = folder / f"{family}-{digest}.bin"
    if path.exists():
        return path.read_bytes()
    body = render()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{family}-*.bin"):
        old.unlink(missing_ok=True)
    partial = folder / f".{path.name}.{os.getpid()}.tmp"
    partial.write_bytes(body)
    os.replace(partial, path)
    return body
