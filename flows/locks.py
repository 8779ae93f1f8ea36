"""A lease per conversation in Redis, so its turns run one at a time whichever worker takes them.

The key exists while a worker is inside the conversation's turns: the process's renewer thread renews it every third
of its TTL for as long as the worker is alive, so it lapses only when the worker is gone (killed, frozen, cut off from
Redis) or the turn outlives TURN_MAX_S. The stale-run sweep (flows/heartbeat.py) takes over only conversations whose
lease lapsed.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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

    def acquire_in(self, pipe: Any) -> None:
        """The acquire, queued on a pipeline to share its round trip (its answer is truthy when the lease was taken)."""
        pipe.set(self.key, self.token, nx=True, px=self.ttl_ms)

    def extend(self) -> bool:
        """Renew the lease for another TTL; False when another worker holds it now."""
        return bool(live.client().eval(_EXTEND, 1, self.key, self.token, self.ttl_ms))

    def release(self) -> None:
        live.client().eval(_RELEASE, 1, self.key, self.token)

    def release_in(self, pipe: Any) -> None:
        """The release, queued on a pipeline to share its round trip."""
        pipe.eval(_RELEASE, 1, self.key, self.token)

    @contextmanager
    def held(self, max_s: float | None = None) -> Iterator[None]:
        """Keep the lease alive from the process's renewer while the body runs, however long one step of it takes."""
        lease = _renewer.add(self, max_s if max_s is not None else settings.TURN_MAX_S)
        try:
            yield
        finally:
            _renewer.remove(lease)


class _Lease:
    """A lease held in this process, as the renewer keeps it."""

    __slots__ = ("lock", "max_s", "interval", "deadline", "due", "lost", "busy")

    def __init__(self, lock: ConversationLock, max_s: float):
        now = time.monotonic()
        self.lock, self.max_s = lock, max_s
        self.interval = lock.ttl_ms / 3000
        self.deadline = now + max_s
        self.due = now + self.interval
        self.lost = False
        self.busy = False  # its renewal is on its way to Redis


class _Renewer:
    """One thread per process renews every lease held in it, each every third of its TTL, until it is let go or has
    been held for its max_s (a turn that long is presumed stuck). A thread per turn, started and joined around each
    one, cost about 0.19 ms of CPU a turn (docs/decisions/0050-fewer-costs-a-turn-pays-for-nothing.md)."""

    IDLE_S = 60.0

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a forked child has none of its parent's threads

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._leases: set[_Lease] = set()
        self._thread: threading.Thread | None = None
        self._wakes_at = math.inf

    def add(self, lock: ConversationLock, max_s: float) -> _Lease:
        lease = _Lease(lock, max_s)
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True, name="lease renewer")
                self._thread.start()
            self._leases.add(lease)
            if lease.due < self._wakes_at:
                self._cond.notify()  # the renewer sleeps past this lease's first renewal: wake it to plan again
        return lease

    def remove(self, lease: _Lease) -> None:
        """Stop renewing the lease; once this returns no renewal of it can land (it would take a released one back)."""
        with self._cond:
            self._leases.discard(lease)
            while lease.busy:
                self._cond.wait()

    def _run(self) -> None:
        while True:
            with self._cond:
                now = time.monotonic()
                due = [lease for lease in self._leases if lease.due <= now]
                if not due:
                    self._wakes_at = min([now + self.IDLE_S, *(lease.due for lease in self._leases)])
                    self._cond.wait(self._wakes_at - now)
                    continue
                self._wakes_at = now
                for lease in due:
                    lease.busy = True
            try:
                for lease in due:
                    _renew(lease, now)
            finally:
                with self._cond:
                    for lease in due:
                        lease.busy = False
                    self._cond.notify_all()


def _renew(lease: _Lease, now: float) -> None:
    """Renew one lease that is due, and say when it is due next (never, once its max_s has passed)."""
    lock = lease.lock
    if now >= lease.deadline:
        log.error(
            "%s has been running for over %ss (TURN_MAX_S): its lease is left to lapse, so the turn may be taken over",
            lock.key,
            lease.max_s,
        )
        lease.due = math.inf
        return
    try:
        renewed = lock.extend()
    except Exception:  # noqa: BLE001 - Redis may be restarting; the lease has two more intervals to go
        log.warning("could not renew %s", lock.key, exc_info=True)
        # Soon again: a Redis that restarted empty lost the key, and it must be ours again before anyone's.
        lease.due = now + min(lease.interval, RETRY_AFTER_ERROR_S)
        return
    lease.due = now + lease.interval
    if not renewed and not lease.lost:
        # It lapsed (this process was starved for a whole TTL) and another worker took it: the turn's claim still
        # stores one outcome (flows/tasks.py), but its side effects may run twice.
        log.error("lost the lease %s to another worker while still running its turn", lock.key)
    lease.lost = not renewed


_renewer = _Renewer()
