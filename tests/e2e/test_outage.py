"""A dependency outage: Redis killed and restarted, a web process whose database is gone. Each request answers 503
with the JSON error shape, Retry-After and what to do; /healthz names the part that is down; the client's retry with
the same client_message_id loses nothing and duplicates nothing."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import redis
import requests
import websocket
from django.conf import settings
from rest_framework.authtoken.models import Token

from flows.outage import CHAT_MESSAGE, MESSAGE
from tests.e2e.helpers import auth, say, start
from tests.factories import EditorFactory, published_flow
from tests.support import processes
from tests.support.redis_server import OwnRedis

pytestmark = [pytest.mark.e2e]


def assert_unavailable(response: requests.Response, part: str) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/json")
    assert int(response.headers["Retry-After"]) > 0
    assert response.json() == {"error": {"code": "service_unavailable", "message": CHAT_MESSAGE, "unavailable": part}}


def retry_until_answered(send, deadline_s: float = 90) -> requests.Response:
    """What a client does with a 503: send the same request again until the service answers."""
    deadline = time.monotonic() + deadline_s
    while True:
        response = send()
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def transcript(base_url: str, conversation: dict) -> list[dict]:
    response = requests.get(
        f"{base_url}/api/v1/chat/conversations/{conversation['id']}/messages/", headers=auth(conversation), timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def said(messages: list[dict]) -> list[tuple]:
    return [(m["direction"], m["text"], m["client_message_id"]) for m in messages]


# On TCP, as in production. (Over the embedded unix socket, kombu 5.7's redis+socket transport cannot restore its
# unacked messages after the connection drops - AttributeError on a None conninfo - so the worker exits with an
# "Unrecoverable error" and `make run`'s supervisor restarts it.)
@pytest.fixture
def own_redis():
    server = OwnRedis().start()
    yield server
    server.kill()


SLOW_GREETING = {
    "nodes": [
        {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
        {"id": "ask", "type": "question", "position": {"x": 0, "y": 0},
         "data": {"text": "What's your name?", "variable": "name"}},
        {"id": "slow", "type": "test_sleep", "position": {"x": 0, "y": 0}, "data": {"seconds": 2}},
        {"id": "reply", "type": "message", "position": {"x": 0, "y": 0},
         "data": {"text": "Nice to meet you, {{ name }}."}},
        {"id": "again", "type": "question", "position": {"x": 0, "y": 0},
         "data": {"text": "Say anything, {{ name }}.", "variable": "last"}},
        {"id": "echo", "type": "end", "position": {"x": 0, "y": 0}, "data": {"text": "You said: {{ last }}"}},
    ],
    "edges": [
        {"id": "e1", "source": "start", "sourceHandle": "next", "target": "ask"},
        {"id": "e2", "source": "ask", "sourceHandle": "next", "target": "slow"},
        {"id": "e3", "source": "slow", "sourceHandle": "next", "target": "reply"},
        {"id": "e4", "source": "reply", "sourceHandle": "next", "target": "again"},
        {"id": "e5", "source": "again", "sourceHandle": "next", "target": "echo"},
    ],
}  # fmt: skip


def test_redis_killed_mid_turn_and_restarted(child_env, transactional_db, own_redis):
    env = {**child_env, "REDIS_URL": own_redis.url}  # the broker, channel layer, locks and throttles all follow it
    worker = processes.Worker(env, name=f"outage-{uuid.uuid4().hex[:6]}").start()
    server = processes.Server(env).start()
    try:
        flow = published_flow(SLOW_GREETING, slug="outage-redis")
        editor = Token.objects.create(user=EditorFactory())
        conversation = start(server.url, "outage-redis")
        ws = server.url.replace("http://", "ws://")
        trace = websocket.create_connection(f"{ws}/ws/flows/{flow.pk}/traces/?token={editor.key}", timeout=60)
        first = say(server.url, conversation, "Ada", "m1", wait=0)
        assert first.status_code == 202, first.text
        while (frame := json.loads(trace.recv()))["event"] != "step.started" or frame["node_id"] != "slow":
            pass  # the worker has taken the turn and holds it unacknowledged
        trace.close()

        own_redis.kill()  # Redis dies mid-turn: the broker, locks, throttles and live replies with it
        assert_unavailable(say(server.url, conversation, "Bob", "m2"), "redis")
        health = requests.get(f"{server.url}/healthz", timeout=30)
        assert health.status_code == 503 and health.headers["Retry-After"]
        assert health.json()["down"] == ["redis", "worker", "scheduler"], health.text
        assert health.json()["database"]["ok"] is True

        own_redis.start()  # empty, as a Redis without persistence comes back
        second = retry_until_answered(lambda: say(server.url, conversation, "Bob", "m2", wait=20))
        assert second.status_code == 200, second.text
        assert [m["text"] for m in second.json()["messages"]] == ["You said: Bob"]
        # The first message's retry gets the reply its turn stored while Redis was away, from the same run.
        again = say(server.url, conversation, "Ada", "m1", wait=20)
        assert again.status_code == 200 and again.json()["run_id"] == first.json()["run_id"], again.text
        assert [m["text"] for m in again.json()["messages"]] == ["Nice to meet you, Ada.", "Say anything, Ada."]
        # Each message once, in order per side ("Bob" may be stored before the first turn's replies: it was sent
        # while that turn ran, and a refused send may have stored it before the broker refused its task).
        messages = said(transcript(server.url, conversation))
        assert [m for m in messages if m[0] == "in"] == [("in", "Ada", "m1"), ("in", "Bob", "m2")]
        assert [m[1] for m in messages if m[0] == "out"] == [
            "What's your name?",
            "Nice to meet you, Ada.",
            "Say anything, Ada.",
            "You said: Bob",
        ]
        health = retry_until_answered(lambda: requests.get(f"{server.url}/healthz", timeout=30))
        assert health.status_code == 200 and health.json()["down"] == [], health.text
        assert worker.proc.poll() is None, "the worker survived the outage"
    finally:
        server.stop()
        worker.stop()


def broken_database_url() -> str:
    """The test database's URL with its server made unreachable (PostgreSQL: a closed port; SQLite: no such dir)."""
    from django.db import connection

    current = processes.database_url(connection.settings_dict)
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings.VAR_DIR}/no-such-dir-{uuid.uuid4().hex[:8]}/db.sqlite3"
    return current.replace(f":{connection.settings_dict.get('PORT') or 5432}/", f":{processes.free_port()}/", 1)


def test_a_web_process_whose_database_is_gone_answers_503_and_another_takes_the_retry(
    live, child_env, transactional_db
):
    published_flow("greeting", slug="outage-db")
    conversation = start(live.url, "outage-db")
    cut_off = processes.Server({**child_env, "DATABASE_URL": broken_database_url()}).start()
    try:
        assert_unavailable(say(cut_off.url, conversation, "Ada", "m1"), "database")
        health = requests.get(f"{cut_off.url}/healthz", timeout=60)
        assert health.status_code == 503 and health.headers["Retry-After"]
        assert health.json()["down"] == ["database", "scheduler"], (
            health.text
        )  # timers are rows: no database, no firing
        assert health.json()["message"] == "Unavailable: database, scheduler."
        page = requests.get(f"{cut_off.url}/admin/", cookies={"sessionid": "x" * 32}, timeout=60)  # not DRF's
        assert page.status_code == 503 and page.headers["Retry-After"], page.text
        assert page.json()["error"] == {"code": "service_unavailable", "message": MESSAGE, "unavailable": "database"}
        # Nothing of the refused request was stored anywhere; the retry (through a healthy web process) is the
        # only copy, and a second retry is answered from it.
        reply = say(live.url, conversation, "Ada", "m1", wait=20)
        assert reply.status_code == 200, reply.text
        again = say(live.url, conversation, "Ada", "m1", wait=20)
        assert again.json()["run_id"] == reply.json()["run_id"]
        assert said(transcript(live.url, conversation)) == [
            ("out", "Hello! I'm a test bot.", None),
            ("out", "What's your name?", None),
            ("in", "Ada", "m1"),
            ("out", "Nice to meet you, Ada.", None),
            ("out", "Say anything, Ada.", None),
        ]
    finally:
        cut_off.stop()


def test_a_worker_connection_closing_after_redis_died_raises_a_connection_error(own_redis):
    """The broker patch (config/broker_patch.py): closing a channel that holds an unacked message once the transport
    has let go of its client, as Celery's consumer does when Redis dies, fails as a connection error (which kombu
    ignores, and Celery reconnects after) instead of an AttributeError that ends the worker."""
    from kombu import Connection, Exchange, Queue

    from config import broker_patch

    broker_patch.apply()  # as config.celery does in every worker (and in this process, as the test imports it)
    connection = Connection(own_redis.url)
    queue = Queue("outage", Exchange("outage"), "outage")
    with connection.Producer() as producer:
        producer.publish({"turn": 1}, exchange=queue.exchange, routing_key="outage", declare=[queue])
    received: list = []
    channel = connection.default_channel
    connection.Consumer([queue], callbacks=[lambda body, message: received.append(message)]).consume()
    connection.drain_events(timeout=30)
    assert len(received) == 1  # delivered, not acknowledged
    own_redis.kill()
    channel._disconnect_pools()
    connection.transport.client = None  # where Celery's consumer stands when it releases the lost connection
    with pytest.raises(redis.ConnectionError):
        channel.close()
    connection.release()  # and the release Celery calls ignores it
