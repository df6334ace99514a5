"""Every limit of one request counted in one Redis round trip.

Flask-Limiter counts each limit by its own call (one Lua script, one round trip each):
an anonymous contribution, limited per browser ("10 per minute;60 per hour") and per
address, cost three round trips. :func:`hit_all` counts all of them with a single
script, under the same keys and the same fixed-window rule as Flask-Limiter (a
counter per limit, per key and window, that expires with its window; a refused
request counts too), so ``limiter.reset()`` and its storage still apply.

Redis unreachable: the counts go to memory in this process for the moment (as
Flask-Limiter's in-memory fallback does) rather than refuse every participant, and
Redis is tried again after ``RETRY_SECONDS`` (not at every request: a participant does
not wait for a connection that fails).
"""

import functools
import logging
import time
from collections.abc import Iterable, Sequence

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter
from redis.exceptions import RedisError

from consult.core.redisconn import HeldConnections
from consult.extensions import limiter

log = logging.getLogger(__name__)

# KEYS: the counters; ARGV: expiry and cost of each, in turn. Same rule as the
# ``limits`` package's incr_expire.lua, for all the keys at once.
INCR_ALL = """
local counts = {}
for i, key in ipairs(KEYS) do
    local amount = tonumber(ARGV[i * 2])
    local current = redis.call("incrby", key, amount)
    if tonumber(current) == amount then
        redis.call("expire", key, ARGV[i * 2 - 1])
    end
    counts[i] = current
end
return counts
"""

RETRY_SECONDS = 5.0
_fallback = MemoryStorage()
_down_until = [0.0]  # monotonic time until which Redis is not tried again


@functools.lru_cache(maxsize=64)
def limits_of(setting: str) -> tuple[RateLimitItem, ...]:
    """``"10 per minute;60 per hour"`` parsed once per process."""
    return tuple(parse_many(setting))


def hit_all(groups: Iterable[tuple[str, Sequence[str]]], cost: int = 1) -> bool:
    """Count this request against every limit of ``groups`` ((setting, identifiers)
    pairs, e.g. ``("10 per minute;60 per hour", (browser_key, "contribution-browser"))``);
    True when none is exceeded. One round trip to Redis whatever the number of limits."""
    if not limiter.enabled:
        return True
    hits = [
        (item, _prefixed(identifiers))
        for setting, identifiers in groups
        for item in limits_of(setting)
    ]
    if not hits:
        return True
    if not isinstance(limiter.limiter, FixedWindowRateLimiter):  # another strategy configured
        allowed = [limiter.limiter.hit(item, *ids, cost=cost) for item, ids in hits]  # all counted
        return all(allowed)
    counted = [(item, item.key_for(*ids)) for item, ids in hits]
    counts = None
    if time.monotonic() >= _down_until[0]:
        try:
            counts = _incr_all(limiter.storage, counted, cost)
        except (RedisError, OSError):
            log.warning("Rate limit storage unreachable: counting in memory for now")
            _down_until[0] = time.monotonic() + RETRY_SECONDS
    if counts is None:
        counts = [_fallback.incr(key, item.get_expiry(), amount=cost) for item, key in counted]
    return all(count <= item.amount for count, (item, _key) in zip(counts, counted, strict=True))


def _prefixed(identifiers: Sequence[str]) -> list[str]:
    prefix = limiter._key_prefix  # noqa: SLF001 - RATELIMIT_KEY_PREFIX, as Flask-Limiter adds it
    return [prefix, *identifiers] if prefix else list(identifiers)


def _incr_all(storage, counted: list[tuple[RateLimitItem, str]], cost: int) -> list[int]:
    if not isinstance(storage, RedisStorage):
        return [storage.incr(key, item.get_expiry(), amount=cost) for item, key in counted]
    held = getattr(storage, "consult_incr_all", None)
    if held is None:  # registered once per storage: evalsha, the script sent only if missing
        client = storage.get_connection()
        held = storage.consult_incr_all = (
            client.register_script(INCR_ALL),
            HeldConnections(client.connection_pool),  # one connection per thread, kept
        )
    script, connections = held
    keys = [storage.prefixed_key(key) for _item, key in counted]
    args = [value for item, _key in counted for value in (item.get_expiry(), cost)]
    return [int(count) for count in script(keys=keys, args=args, client=connections.client())]
