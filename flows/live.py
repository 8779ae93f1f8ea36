"""What goes out live: channel-layer events for sockets, and the reply hand-off from worker to waiting request."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, cast

import redis
from channels.layers import get_channel_layer
from django.conf import settings

log = logging.getLogger(__name__)

REPLY_TTL_S = 300
DELTA_INTERVAL_S = 0.05  # live text goes out in batches: at most ~20 publishes a second per stream


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


def watched(group: str) -> bool:
    """Whether a socket listens to the group now: one PUBSUB NUMSUB (the pub/sub layer subscribes per group)."""
    return is_watched(client().pubsub_numsub(_group_channel(group)))


def watched_in(pipe: Any, group: str) -> None:
    """The watched check, queued on a pipeline to share its round trip; `is_watched` reads its answer."""
    pipe.pubsub_numsub(_group_channel(group))


def _group_channel(group: str) -> str:
    _layer, prefix = _layer_codec()
    return f"{prefix}__group__{group}"


def is_watched(answer: Any) -> bool:
    return any(count for _channel, count in answer)


def post_reply(
    run_id: Any,
    payload: dict[str, Any],
    events: Sequence[tuple[str, dict[str, Any]]] = (),
    then: Callable[[Any], None] | None = None,
) -> None:
    """Hand a finished turn's reply to whoever waits for it (the list stays a while for late or repeated waiters),
    and publish the turn's events, in one round trip; `then` queues more commands on it (their errors raise, as the
    reply's do)."""
    key = _reply_key(run_id)
    pipe = client().pipeline(transaction=False)
    pipe.rpush(key, json.dumps(payload, default=str))
    pipe.expire(key, REPLY_TTL_S)
    if events:
        layer, prefix = _layer_codec()
        for group, message in events:
            pipe.publish(f"{prefix}__group__{group}", layer.serialize(message))
    if then is not None:
        then(pipe)
    results = pipe.execute(raise_on_error=False)
    published = results[2 : 2 + len(events)]
    for result in [*results[:2], *results[2 + len(events) :]]:
        if isinstance(result, Exception):
            raise result
    failed = [r for r in published if isinstance(r, Exception)]
    if failed:  # stored already; sockets are a live view, the transcript is the record
        log.warning("could not publish %d events of run %s: %s", len(failed), run_id, failed[0])


def wait_reply(run_id: Any, timeout_s: float) -> dict[str, Any] | None:
    """Block until the worker posts the reply, or None after timeout_s; rotating keeps it there for others."""
    key = _reply_key(run_id)
    timeout = min(max(timeout_s, 0.01), MAX_WAIT_S)  # Redis takes fractional seconds; redis-py's stub says int
    raw = _blocking_client().blmove(key, key, timeout, "RIGHT", "LEFT")  # type: ignore[arg-type]
    return json.loads(raw) if raw is not None else None


class LiveText:
    """A bot message's text sent to the conversation's sockets (and the flow's trace) as it is written.

    Pieces are batched: one publish per DELTA_INTERVAL_S at most. Every batch is redacted, and a tail that could be
    the start of a secret waits for the next piece, so no secret goes out even split across pieces.
    """

    def __init__(self, *, conversation_id: Any, flow_id: Any, run_id: Any, step: dict[str, Any], redactor: Any):
        self.id = uuid.uuid4().hex
        self.chat = conversation_group(conversation_id)
        self.trace = trace_group(flow_id)
        # A trace frame of the running step (seq, node_id, node_type), so the canvas merges it into that step.
        self.base = {"run_id": str(run_id), "conversation_id": str(conversation_id), **step, "status": "running"}
        self.redactor = redactor
        self.pieces: list[str] = []
        self.sent = ""  # the redacted text published so far
        self.last = time.monotonic()
        self.closed = False

    def write(self, text: str) -> None:
        if text and not self.closed:
            self.pieces.append(text)
            if time.monotonic() - self.last >= DELTA_INTERVAL_S:
                self._flush()

    def close(self, *, discard: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        if discard:
            self._publish("", discarded=True)
        else:
            self._flush(final=True)

    def _flush(self, final: bool = False) -> None:
        self.last = time.monotonic()
        text = "".join(self.pieces)
        self.pieces = [text]
        cut = len(text) if final else len(text) - self.redactor.pending(text)
        shown = self.redactor.text(text[:cut])
        if not shown.startswith(self.sent):
            return  # a secret ended inside what went out already masked differently: the final message corrects it
        if len(shown) > len(self.sent):
            delta, self.sent = shown[len(self.sent) :], shown
            self._publish(delta)

    def _publish(self, text: str, discarded: bool = False) -> None:
        chat: dict[str, Any] = {"type": "chat.delta", "stream_id": self.id, "text": text}
        trace: dict[str, Any] = {**self.base, "event": "step.delta", "stream_id": self.id, "text": text}
        if discarded:
            chat["discarded"] = trace["discarded"] = True
        try:
            publish_many([(self.chat, chat), (self.trace, {"type": "trace.event", "event": trace})])
        except Exception:  # noqa: BLE001 - live text is a preview; the stored message is the record
            log.warning("could not publish live text of run %s", self.base["run_id"], exc_info=True)
