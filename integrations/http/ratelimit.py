"""Token buckets in Redis: a call over the limit reserves its slot and waits its turn, up to a bound."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

import redis as redis_lib

from integrations.errors import OutboundError, RateLimited

from . import redis

KEY_PREFIX = "fb:rate:"

_UNITS = {
    "s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0,
    "m": 60.0, "min": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hr": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
}  # fmt: skip
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*(?:\.\d+)?)\s*([a-z]+)\s*$")

# GCRA, the token bucket kept as one number per key: the "theoretical arrival time" of the next free slot. Redis
# TIME is the clock, so every process agrees; all buckets are checked before any is charged, so a refused call takes
# no slot anywhere. Returns {allowed, wait_ms, index of the bucket that decided the wait}.
_SCRIPT = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local max_wait = tonumber(ARGV[1])
local wait, worst = 0, 1
local tats = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i])
  local burst = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', key) or '0') or 0
  if tat < now then tat = now end
  tats[i] = tat + interval
  local w = tats[i] - burst * interval - now
  if w > wait then wait, worst = w, i end
end
if wait > max_wait then return {0, string.format('%.3f', wait), worst} end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, string.format('%.3f', tats[i]), 'PX', math.ceil(tats[i] - now) + 1000)
end
return {1, string.format('%.3f', wait), worst}
"""


def parse_rate(text: str) -> tuple[float, float]:
    """ "10/s" | "100/m" | "1000/h" (also "5/10s", "30/min", "100/day") -> (tokens per second, burst)."""
    match = _RATE.match(text.lower()) if isinstance(text, str) else None
    if not match or match.group(3) not in _UNITS:
        raise ValueError(f"{text!r} is not a rate; write it as a count per period, like 10/s, 100/m or 1000/h.")
    count = int(match.group(1))
    period = float(match.group(2) or 1) * _UNITS[match.group(3)]
    if count < 1 or period <= 0:
        raise ValueError(f"The rate {text!r} must allow at least one request per period.")
    return count / period, float(count)


def _label(key: str) -> str:
    kind, sep, name = key.partition(":")
    return f"{kind} {name}" if sep else key


def acquire_many(buckets: Sequence[tuple[str, str]], *, max_wait_s: float) -> float:
    """Take one slot from every (key, rate) bucket at once; sleep until the slowest allows; seconds waited."""
    if not buckets:
        return 0.0
    args: list[float] = [max_wait_s * 1000]
    for _key, rate in buckets:
        per_second, burst = parse_rate(rate)
        args += [1000 / per_second, burst]
    try:
        allowed, wait_ms, worst = redis.client().eval(
            _SCRIPT, len(buckets), *[KEY_PREFIX + key for key, _rate in buckets], *args
        )
    except redis_lib.RedisError as exc:
        raise OutboundError("Could not check the rate limit: Redis did not answer.") from exc
    wait_s = max(0.0, float(wait_ms) / 1000)
    if not int(allowed):
        key, rate = buckets[int(worst) - 1]
        raise RateLimited(
            f"Rate limit {rate} for {_label(key)} reached: this call would have to wait {wait_s:.1f} s, "
            f"longer than the {max_wait_s:g} s allowed. Try again later."
        )
    if wait_s > 0:
        time.sleep(wait_s)
    return wait_s


def acquire(key: str, rate: str, *, max_wait_s: float) -> float:
    """Redis token bucket (Lua, one round trip); sleeps until its turn; seconds waited; RateLimited if too long."""
    return acquire_many([(key, rate)], max_wait_s=max_wait_s)
