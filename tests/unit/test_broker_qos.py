"""The worker's broker QoS (config/broker_qos.py) against a redis-server of the test's own, with tasks sent by the
Celery app: a turn's task taken is recorded in memory only, other tasks in the broker's `unacked` hash as before, and
a turn's task still held at a warm shutdown or rejected for requeueing goes back on its queue."""

from __future__ import annotations

import base64
import json

import pytest
import redis
from kombu import Connection, Queue

from config import broker_qos
from config.celery import app
from flows.tasks import process_conversation
from tests.support.redis_server import OwnRedis

TURN = "flows.tasks.process_conversation"
TEXT = "flows.messaging.tasks.send_messages"


@pytest.fixture
def broker():
    server = OwnRedis().start()
    yield server.url, redis.Redis.from_url(server.url, socket_timeout=5)
    server.kill()


def take(url: str, *tasks: tuple[str, tuple]) -> tuple[Connection, list]:
    """Send the tasks to the queue `qos` as the web process does, and take them as a worker's consumer does."""
    broker_qos.apply()  # as config.celery does in every worker (also done on importing it here)
    connection = Connection(url)
    taken: list = []
    connection.Consumer([Queue("qos")], callbacks=[lambda body, message: taken.append(message)]).consume()
    for name, args in tasks:
        app.send_task(name, args=args, connection=connection, queue="qos")
    while len(taken) < len(tasks):
        connection.drain_events(timeout=10)
    assert isinstance(connection.default_channel.qos, broker_qos.TurnQoS)
    return connection, taken


def unacked_tasks(client: redis.Redis) -> list[str]:
    return sorted(json.loads(raw)[0]["headers"]["task"] for raw in client.hgetall("unacked").values())


def queued(client: redis.Redis) -> list[tuple[str, list, bool]]:
    """The queue's messages: task name, arguments, whether marked redelivered."""
    found = []
    for raw in client.lrange("qos", 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        redelivered = message["headers"].get("redelivered") or message["properties"]["delivery_info"].get("redelivered")
        found.append((message["headers"]["task"], args, bool(redelivered)))
    return sorted(found)


def test_a_turns_task_is_held_in_memory_and_other_tasks_in_the_broker_until_acknowledged(broker):
    url, client = broker
    connection, taken = take(url, (TURN, ("c-1",)), (TEXT, ([7],)))
    assert [m.headers["task"] for m in taken] == [TURN, TEXT]
    assert process_conversation.name == TURN and TURN in broker_qos.IN_MEMORY_TASKS
    assert unacked_tasks(client) == [TEXT], "a turn's task written to the broker's unacked hash"
    assert client.zcard("unacked_index") == 1
    for message in taken:
        message.ack()
    assert client.hlen("unacked") == 0 and client.zcard("unacked_index") == 0
    assert client.llen("qos") == 0
    connection.release()
    assert client.llen("qos") == 0, "an acknowledged task was put back at shutdown"


def test_a_turns_task_held_at_a_warm_shutdown_goes_back_on_its_queue(broker):
    url, client = broker
    connection, taken = take(url, (TURN, ("c-1",)), (TURN, ("c-2",)), (TEXT, ([7],)))
    taken[1].ack()  # c-2's turn ran; c-1's and the text's did not
    assert client.llen("qos") == 0
    connection.release()  # the channel closes: kombu restores what was taken and not acknowledged
    assert queued(client) == [(TEXT, [[7]], True), (TURN, ["c-1"], True)]
    assert client.hlen("unacked") == 0


def test_a_turns_task_rejected_for_requeue_goes_back_and_one_rejected_outright_does_not(broker):
    url, client = broker
    connection, taken = take(url, (TURN, ("c-1",)), (TURN, ("c-2",)))
    taken[0].reject(requeue=True)
    taken[1].reject()
    assert queued(client) == [(TURN, ["c-1"], True)]
    connection.release()
    assert queued(client) == [(TURN, ["c-1"], True)], "a rejected task was put back again at shutdown"
