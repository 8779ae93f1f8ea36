"""A lease per conversation in Redis, so its turns run one at a time whichever worker takes them.

The key exists while a worker is inside the conversation's turns: a timer thread renews it every third of its TTL for
as long as the worker is alive, so it lapses only when the worker is gone (killed, frozen, cut off from Redis) or the
turn outlives TURN_MAX_S. The stale-run sweep (flows/heartbeat.py) takes over only conversations whose lease lapsed.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from . import live

log = logging.getLogger(__name__)

KEY_PREFIX = "fb:lock:conversation:"
RETRY_AFTER_ERROR_S = 0.25

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""
# Renew our lease; if the key is gone (it lapsed, or Redis restarted empty) and nobody took it, take it back.
_EXTEND = """
local held = redis.call('get', KEYS[1])
if held == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if not held then return redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) and 1 or 0 end
return 0
"""


def lock_key(conversation_id: object) -> str:
    return f"{KEY_PREFIX}{conversation_id}"


class ConversationLock:
    def __init__(self, conversation_id: str, ttl_s: float | None = None):
        self.key = lock_key(conversation_id)
        self.token = uuid.uuid4().hex
        self.ttl_ms = int((ttl_s or settings.TURN_LOCK_TTL_S) * 1000)

    def acquire(self) -> bool:
        return bool(live.client().set(self.key, self.token, nx=True, px=self.ttl_ms))

    def extend(self) -> bool:
        """Renew the lease for another TTL; False when another worker holds it now."""
        return bool(live.client().eval(_EXTEND, 1, self.key, self.token, self.ttl_ms))

    def release(self) -> None:
        live.client().eval(_RELEASE, 1, self.key, self.token)

    @contextmanager
    def held(self, max_s: float | None = None) -> Iterator[None]:
        """Keep the lease alive from a timer while the body runs, however long one step of it takes."""
        renewer = _Renewer(self, max_s if max_s is not None else settings.TURN_MAX_S)
        renewer.start()
        try:
            yield
        finally:
            renewer.stop()


class _Renewer(threading.Thread):
    """Renews a lease every ttl/3 until stopped, or until max_s have passed (a turn that long is presumed stuck)."""

    def __init__(self, lock: ConversationLock, max_s: float):
        super().__init__(daemon=True, name=f"lease {lock.key[len(KEY_PREFIX) :]}")
        self.lock, self.max_s = lock, max_s
        self.interval = lock.ttl_ms / 3000
        self._stop_event = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + self.max_s
        lost = False
        wait = self.interval
        while not self._stop_event.wait(wait):
            wait = self.interval
            if time.monotonic() >= deadline:
                log.error(
                    "%s has been running for over %ss (TURN_MAX_S): its lease is left to lapse, so the turn may be "
                    "taken over",
                    self.lock.key,
                    self.max_s,
                )
                return
            try:
                renewed = self.lock.extend()
            except Exception:  # noqa: BLE001 - Redis may be restarting; the lease has two more intervals to go
                log.warning("could not renew %s", self.lock.key, exc_info=True)
                # Soon again: a Redis that restarted empty lost the key, and it must be ours again before anyone's.
                wait = min(self.interval, RETRY_AFTER_ERROR_S)
                continue
            if not renewed and not lost:
                # It lapsed (this process was starved for a whole TTL) and another worker took it: the turn's claim
                # still stores one outcome (flows/tasks.py), but its side effects may run twice.
                log.error("lost the lease %s to another worker while still running its turn", self.lock.key)
            lost = not renewed

    def stop(self) -> None:
        self._stop_event.set()
        # Joined, so no renewal can land after the caller releases the lease (it would take it back, see _EXTEND).
        self.join()
