"""A lock per conversation in Redis, so its turns run one at a time whichever worker takes them."""

from __future__ import annotations

import uuid

from django.conf import settings

from . import live

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""
_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end
"""


class ConversationLock:
    def __init__(self, conversation_id: str, ttl_s: float | None = None):
        self.key = f"fb:lock:conversation:{conversation_id}"
        self.token = uuid.uuid4().hex
        self.ttl_ms = int((ttl_s or settings.TURN_LOCK_TTL_S) * 1000)

    def acquire(self) -> bool:
        return bool(live.client().set(self.key, self.token, nx=True, px=self.ttl_ms))

    def extend(self) -> bool:
        """Keep the lock while a long turn is still making progress (called at each step)."""
        return bool(live.client().eval(_EXTEND, 1, self.key, self.token, self.ttl_ms))

    def release(self) -> None:
        live.client().eval(_RELEASE, 1, self.key, self.token)
