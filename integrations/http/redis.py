"""The Redis client integrations use (rate-limit buckets, token caches), from settings.REDIS_URL."""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings


@cache
def client() -> redis.Redis:
    """One client per process; redis-py re-opens its pooled connections after a fork. unix:// URLs work as is."""
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
