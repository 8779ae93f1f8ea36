"""Access tokens cached in Redis, encrypted by the vault, until shortly before they expire (OAuth2, Google)."""

from __future__ import annotations

import logging

import redis

from integrations import vault
from integrations.http.redis import client as redis_client

log = logging.getLogger(__name__)


def cached(key: str, what: str) -> str | None:
    """The token cached under key, or None (none, unreadable, or encrypted under a key since removed)."""
    try:
        raw = redis_client().get(key)
    except redis.RedisError as exc:
        log.warning("could not read a cached %s: %s", what, type(exc).__name__)
        return None
    if not raw:
        return None
    try:
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        return str(vault.decrypt(text, label=f"A cached {what}")["access_token"])
    except (vault.VaultError, KeyError, ValueError):
        return None


def store(key: str, token: str, lifetime_s: float, margin_s: float, what: str) -> None:
    """Cache the token until margin_s before it expires; a token that short-lived is not cached at all."""
    ttl = int(lifetime_s - margin_s)
    try:
        if ttl > 0:
            redis_client().set(key, vault.encrypt({"access_token": token}), ex=ttl)
        else:
            redis_client().delete(key)
    except redis.RedisError as exc:
        log.warning("could not cache a %s: %s", what, type(exc).__name__)
