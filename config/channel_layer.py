"""The pub/sub channel layer, made to reconnect: a socket handshake right after Redis restarted opens a fresh
connection instead of failing (HTTP 500) on the dead one.

channels_redis's `RedisPubSubChannelLayer` keeps one pub/sub connection per shard and leaves a broken one to redis-py,
whose reconnect races the layer's own receive loop on the same connection: the first subscribe after a restart fails
("Connection closed", "readuntil() called while another coroutine is already waiting"). Here a subscribe, unsubscribe
or publish that fails on a broken connection drops that connection, opens a new one subscribed to everything the shard
had, and tries once more. Redis still down fails as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisSingleShardConnection
from channels_redis.utils import _close_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

# A connection that died under the caller: RuntimeError is asyncio's "another coroutine is already reading" when the
# receive loop and a subscribe both try to revive it.
BROKEN = (RedisConnectionError, RedisTimeoutError, OSError, RuntimeError)


class _ReconnectingShard(RedisSingleShardConnection):
    # Set by channels_redis's __init__ (untyped there).
    _subscribed_to: set[str]
    _receive_task: asyncio.Future[None] | None
    _redis: Any
    _pubsub: Any

    def __init__(self, host: Any, channel_layer: Any):
        super().__init__(host, channel_layer)
        self._lost: set[str] = set()  # subscribed on a connection that broke, not yet on a new one
        self._broken = False

    async def subscribe(self, channel: str) -> None:
        await self._with_reconnect(super().subscribe, channel)

    async def unsubscribe(self, channel: str) -> None:
        self._lost.discard(channel)
        await self._with_reconnect(super().unsubscribe, channel)

    async def publish(self, channel: str, message: Any) -> None:
        await self._with_reconnect(super().publish, channel, message)

    async def _with_reconnect(self, operation: Any, *args: Any) -> None:
        if self._broken:  # an earlier reconnect failed (Redis was still down): try again first
            await self._reconnect()
        try:
            await operation(*args)
        except BROKEN as exc:
            log.warning("channel layer: the Redis connection broke (%s: %s); reconnecting", type(exc).__name__, exc)
            await self._reconnect()
            await operation(*args)

    async def _reconnect(self) -> None:
        """A new connection and receive loop, subscribed to what the old one was."""
        async with self._lock:
            self._broken = True
            self._lost |= self._subscribed_to
            self._subscribed_to = set()
            if self._receive_task is not None:
                self._receive_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, *BROKEN):
                    await self._receive_task
                self._receive_task = None
            if self._redis is not None:
                with contextlib.suppress(*BROKEN):
                    await _close_redis(self._redis)
            self._redis = self._pubsub = None
            self._ensure_redis()
            self._ensure_receiver()
            if self._lost:
                await self._pubsub.subscribe(*self._lost)
            self._subscribed_to, self._lost = self._lost, set()
            self._broken = False


class ReconnectingPubSubChannelLayer(RedisPubSubChannelLayer):
    """`RedisPubSubChannelLayer` whose shard connections are replaced when they break (see the module docstring)."""

    def _get_layer(self) -> Any:
        loop = asyncio.get_running_loop()
        if loop not in self._layers:
            layer = super()._get_layer()
            layer._shards = [_ReconnectingShard(shard.host, layer) for shard in layer._shards]
        return self._layers[loop]

    def receive_nowait(self, channel: str, limit: int = 100) -> list[Any]:
        """The messages already waiting for the channel (at most `limit`), oldest first, without waiting for more."""
        queue = self._get_layer().channels.get(channel)
        found = []
        while queue is not None and not queue.empty() and len(found) < limit:
            found.append(self.deserialize(queue.get_nowait()))
        return found
