"""A turn's task taken from the broker is recorded as unacknowledged in the worker's memory only, not in Redis.

kombu's Redis transport emulates acknowledgements: every message a worker takes is written to an `unacked` hash and
index (one MULTI) and deleted from both on the ack (a second pipeline), so that a message a dead worker held goes
back on its queue after the visibility timeout. A turn does not need that copy: the turn itself is a run queued in
the database, claimed in the transaction that stores its outcome, and the stale-run sweep (flows/heartbeat.py)
sends its task again when no live worker holds its conversation, sooner than the visibility timeout would. The two
writes were a sixth of the worker's CPU a turn (docs/decisions/0051-a-turns-task-is-acknowledged-in-memory.md).

Other tasks (a text's sending, a bulk email's slice, the Intercom bridge) keep kombu's record: their work has no
such sweep. At a warm shutdown a turn's task taken but not finished is put back on its queue from memory, as kombu
puts back the others from the hash.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis as kombu_redis
from kombu.transport import virtual

IN_MEMORY_TASKS = frozenset({"flows.tasks.process_conversation"})


class TurnQoS(kombu_redis.QoS):
    """kombu's Redis QoS, but for tasks in IN_MEMORY_TASKS: their unacknowledged messages are held in memory only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_memory: set[Any] = set()  # delivery tags; acks come from pool threads (set ops are atomic)

    def append(self, message: Any, delivery_tag: Any) -> None:
        if (message.headers or {}).get("task") in IN_MEMORY_TASKS:
            self._in_memory.add(delivery_tag)
            virtual.QoS.append(self, message, delivery_tag)
        else:
            super().append(message, delivery_tag)

    def ack(self, delivery_tag: Any) -> None:
        if delivery_tag in self._in_memory:
            self._in_memory.discard(delivery_tag)
            virtual.QoS.ack(self, delivery_tag)
        else:
            super().ack(delivery_tag)

    def reject(self, delivery_tag: Any, requeue: bool = False) -> None:
        if delivery_tag in self._in_memory:
            self._in_memory.discard(delivery_tag)
            if requeue:
                self._put_back(self.get(delivery_tag), leftmost=True)
            virtual.QoS.ack(self, delivery_tag)
        else:
            super().reject(delivery_tag, requeue=requeue)

    def restore_unacked(self, client: Any = None) -> None:
        """At shutdown: put the turns' tasks still held back on their queues, then kombu restores the rest."""
        self._flush()
        delivered: Any = self._delivered  # kombu's OrderedDict of tag -> message
        for tag in [t for t in delivered if t in self._in_memory]:
            self._put_back(delivered.pop(tag))
            self._in_memory.discard(tag)
        super().restore_unacked(client)

    def _put_back(self, message: Any, leftmost: bool = False) -> None:
        # As kombu restores a message from its hash: the raw message, marked redelivered, pushed back on its queue.
        delivery = message.delivery_info
        with self.channel.conn_or_acquire() as client:
            pipe = client.pipeline()
            exchange, routing_key = delivery["exchange"], delivery["routing_key"]
            self.channel._do_restore_message(message._raw, exchange, routing_key, pipe, leftmost)
            pipe.execute()


def apply() -> None:
    kombu_redis.Channel.QoS = TurnQoS  # type: ignore[misc]
