"""What goes out live: channel-layer events for sockets, and the reply hand-off from worker to waiting request."""

from __future__ import annotations

import json
from functools import cache
from typing import Any, cast

import redis
from channels.layers import get_channel_layer
from django.conf import settings

REPLY_TTL_S = 300


MAX_WAIT_S = 30.0


@cache
def client() -> redis.Redis:
    """One Redis client per process (its pool re-opens connections after a fork)."""
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=5)


@cache
def _blocking_client() -> redis.Redis:
    """For waits that block in Redis itself: the socket may stay quiet for as long as the wait."""
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=MAX_WAIT_S + 5, socket_connect_timeout=5)


def trace_group(flow_id: Any) -> str:
    return f"flow-{flow_id}-traces"


def conversation_group(conversation_id: Any) -> str:
    return f"conversation-{conversation_id}"


@cache
def _layer_codec() -> tuple[Any, str]:
    layer = get_channel_layer()
    layer_config = cast(dict[str, Any], settings.CHANNEL_LAYERS["default"]["CONFIG"])
    prefix = layer_config.get("prefix", "asgi")
    return layer, prefix


def publish(group: str, message: dict[str, Any]) -> None:
    """A group send without an event loop: one PUBLISH in the pub/sub layer's own wire format."""
    layer, prefix = _layer_codec()
    client().publish(f"{prefix}__group__{group}", layer.serialize(message))


def publish_many(items: list[tuple[str, dict[str, Any]]]) -> None:
    if not items:
        return
    layer, prefix = _layer_codec()
    pipe = client().pipeline(transaction=False)
    for group, message in items:
        pipe.publish(f"{prefix}__group__{group}", layer.serialize(message))
    pipe.execute()


def _reply_key(run_id: Any) -> str:
    return f"fb:reply:{run_id}"


def post_reply(run_id: Any, payload: dict[str, Any]) -> None:
    """Hand a finished turn's reply to whoever waits for it (the list stays a while for late or repeated waiters)."""
    key = _reply_key(run_id)
    pipe = client().pipeline(transaction=False)
    pipe.rpush(key, json.dumps(payload, default=str))
    pipe.expire(key, REPLY_TTL_S)
    pipe.execute()


def wait_reply(run_id: Any, timeout_s: float) -> dict[str, Any] | None:
    """Block until the worker posts the reply, or None after timeout_s; rotating keeps it there for others."""
    key = _reply_key(run_id)
    timeout = min(max(timeout_s, 0.01), MAX_WAIT_S)  # Redis takes fractional seconds; redis-py's stub says int
    raw = _blocking_client().blmove(key, key, timeout, "RIGHT", "LEFT")  # type: ignore[arg-type]
    return json.loads(raw) if raw is not None else None
