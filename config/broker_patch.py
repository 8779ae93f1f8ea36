"""Keep a Celery worker alive when Redis goes away while it holds unacknowledged messages (kombu 5.7).

On a lost connection kombu closes the channel, whose close restores the unacked messages through a fresh
connection pool built from the transport's client; the client is already gone by then, so the close raises
AttributeError, which is not a connection error: Celery calls it "Unrecoverable" and the worker exits. Raised as the
connection error it is, the close is ignored as such and the consumer reconnects once Redis is back; the messages
are redelivered after the visibility timeout (or, with Redis restarted empty, their runs are re-sent by the
stale-run sweep).
"""

from __future__ import annotations

from typing import Any

import redis
from kombu.transport import redis as kombu_redis

_connparams = kombu_redis.Channel._connparams


def _connparams_or_connection_error(self: Any, asynchronous: bool = False) -> dict:
    if self.connection.client is None:
        raise redis.ConnectionError("the broker connection is closed")
    return _connparams(self, asynchronous=asynchronous)


def apply() -> None:
    kombu_redis.Channel._connparams = _connparams_or_connection_error  # type: ignore[method-assign]
