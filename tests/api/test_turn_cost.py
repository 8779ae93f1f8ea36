"""What a chat turn costs: the database queries of the chat view and of the worker's task are counted, so a change
that adds some fails here; step events go to Redis only while a socket watches the flow."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import redis
from django.conf import settings
from rest_framework.test import APIClient

from flows import actions, live
from flows.models import Message, Run, Step
from flows.tasks import process_conversation
from tests.factories import published_flow

pytestmark = pytest.mark.django_db(transaction=True)

# The benchmark's echo loop (bench/setup_db.py): a turn runs question -> message -> question.
ECHO = {
    "nodes": [
        {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
        {
            "id": "ask",
            "type": "question",
            "position": {"x": 240, "y": 0},
            "data": {"text": "Say something.", "input_type": "text", "variable": "said"},
        },
        {"id": "echo", "type": "message", "position": {"x": 480, "y": 0}, "data": {"text": "You said: {{ said }}"}},
    ],
    "edges": [
        {"id": "e1", "source": "start", "sourceHandle": "next", "target": "ask"},
        {"id": "e2", "source": "ask", "sourceHandle": "next", "target": "echo"},
        {"id": "e3", "source": "echo", "sourceHandle": "next", "target": "ask"},
    ],
}

# The view: one transaction (lock the conversation row and check the token against it, look up the client_message_id,
# insert the message and the run; SQLite adds a savepoint pair inside the test's connection handling); with ?wait=0,
# one read of the run's status. The task: the queued runs (one lookup), then one transaction: claim the run, update the
# conversation, insert the messages, insert the steps.
VIEW_MAX_QUERIES = 7
TASK_MAX_QUERIES = 7


@pytest.fixture
def quiet_queue():
    """The turns' tasks go to a queue of this test's own, which no worker reads: a live worker of the session must not
    take the turns this test runs in process (it would hold the lease, or do the work the test counts)."""
    from config.celery import app

    queue, before = f"turn-cost-{uuid.uuid4().hex[:8]}", app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield
    finally:
        app.conf.task_default_queue = before
        live.client().delete(queue)


@pytest.fixture
def conversation(quiet_queue):
    flow = published_flow(ECHO)
    conversation, token, _run = actions.start_conversation(flow)
    process_conversation(str(conversation.pk))  # the first turn: the bot asks
    return flow, conversation, token


def post(conversation, token: str, text: str, message_id: str):
    return APIClient().post(
        f"/api/v1/chat/conversations/{conversation.pk}/messages/?wait=0",
        {"text": text, "client_message_id": message_id},
        format="json",
        headers={"Authorization": f"Bearer {token}"},
    )


def bot_texts(conversation) -> list[str]:
    return list(
        Message.objects.filter(conversation=conversation, direction=Message.Direction.OUT)
        .order_by("id")
        .values_list("text", flat=True)
    )


def test_the_chat_view_and_the_task_stay_within_their_queries(conversation, django_assert_max_num_queries):
    flow, conv, token = conversation
    with django_assert_max_num_queries(VIEW_MAX_QUERIES):
        response = post(conv, token, "hello", "m-1")
    assert response.status_code == 202, response.content  # no worker in this test: the turn is queued
    run_id = response.json()["run_id"]

    with django_assert_max_num_queries(TASK_MAX_QUERIES):
        process_conversation(str(conv.pk))

    run = Run.objects.get(pk=run_id)
    assert run.status == Run.Status.COMPLETED
    assert bot_texts(conv)[-2:] == ["You said: hello", "Say something."]
    assert list(Step.objects.filter(run=run).order_by("seq").values_list("node_type", flat=True)) == [
        "question",
        "message",
        "question",
    ]
    reply = live.wait_reply(run_id, 1)  # the waiting request's hand-off, posted with the events in one round trip
    assert reply is not None and [m["text"] for m in reply["messages"]] == ["You said: hello", "Say something."]


def test_a_task_takes_every_turn_queued_before_it_in_order(conversation):
    flow, conv, token = conversation
    first, second = post(conv, token, "one", "m-1"), post(conv, token, "two", "m-2")
    assert first.status_code == second.status_code == 202

    process_conversation(str(conv.pk))  # one task: both turns, oldest first

    assert Run.objects.filter(conversation=conv, status=Run.Status.QUEUED).count() == 0
    assert bot_texts(conv)[-4:] == ["You said: one", "Say something.", "You said: two", "Say something."]


def _events(pubsub: redis.client.PubSub) -> list[str]:
    """Trace events received by the pattern subscriber so far (it is not a watcher: NUMSUB counts no patterns)."""
    from flows.live import _layer_codec

    layer, _prefix = _layer_codec()
    found = []
    while (message := pubsub.get_message(timeout=0.5)) is not None:
        if message["type"] == "pmessage":
            event = layer.deserialize(message["data"])
            if event.get("type") == "trace.event":
                found.append(event["event"]["event"])
    return found


def redis_round_trips(monkeypatch) -> list[int]:
    """Counts what this process sends Redis, a pipeline as one (what the task waits for, not what it asks)."""
    sent: list[int] = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(1)
        return send(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    return sent


@pytest.mark.parametrize("with_flow_id", [True, False], ids=["sent-by-a-chat-message", "sent-by-the-sweep"])
def test_a_turns_task_waits_on_redis_twice_when_sent_the_flows_id(conversation, monkeypatch, with_flow_id):
    flow, conv, token = conversation
    response = post(conv, token, "hello", "m-1")
    assert response.status_code == 202, response.content
    sent = redis_round_trips(monkeypatch)

    # The lease and the watched check in one round trip; the reply, the events and the release in another (the
    # sweep's task, without the flow's id, asks whether the flow is watched on its own).
    process_conversation(str(conv.pk), str(flow.pk)) if with_flow_id else process_conversation(str(conv.pk))

    assert len(sent) == (2 if with_flow_id else 3)
    monkeypatch.undo()
    reply = live.wait_reply(response.json()["run_id"], 1)
    assert reply is not None and [m["text"] for m in reply["messages"]] == ["You said: hello", "Say something."]
    assert not live.client().exists(f"fb:lock:conversation:{conv.pk}"), "the lease outlived the turn"


@pytest.mark.parametrize("with_flow_id", [True, False], ids=["sent-by-a-chat-message", "sent-by-the-sweep"])
def test_step_events_go_out_only_while_a_socket_watches_the_flow(conversation, with_flow_id):
    flow, conv, token = conversation
    flow_id = [str(flow.pk)] if with_flow_id else []
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    channel = f"{prefix}__group__{live.trace_group(flow.pk)}"
    spy = redis.Redis.from_url(settings.REDIS_URL).pubsub()
    watcher = redis.Redis.from_url(settings.REDIS_URL).pubsub()
    try:
        spy.psubscribe(channel)
        assert spy.get_message(timeout=2)["type"] == "psubscribe"

        assert post(conv, token, "unwatched", "m-1").status_code == 202
        process_conversation(str(conv.pk), *flow_id)
        assert _events(spy) == []  # nobody watched: neither step events nor the run's end go to the flow's trace

        watcher.subscribe(channel)  # what the trace socket's group_add does in the pub/sub layer
        assert watcher.get_message(timeout=2)["type"] == "subscribe"
        assert post(conv, token, "watched", "m-2").status_code == 202
        process_conversation(str(conv.pk), *flow_id)
        assert _events(spy) == ["step.started", "step.finished"] * 3 + ["run.finished"]
        received = [m for m in iter(lambda: watcher.get_message(timeout=0.5), None) if m["type"] == "message"]
        assert len(received) == 7  # what the watching socket's layer gets
    finally:
        spy.close()
        watcher.close()


def test_a_turns_task_message_names_its_task_and_shows_its_arguments(quiet_queue):
    """What a worker and a monitoring tool read of the message send_turn puts on the queue."""
    from config.celery import app
    from flows.tasks import send_turn

    conversation_id, flow_id = uuid.uuid4(), uuid.uuid4()
    send_turn(conversation_id, flow_id=flow_id)
    (raw,) = live.client().lrange(app.conf.task_default_queue, 0, -1)
    message = json.loads(raw)
    headers = message["headers"]
    assert headers["task"] == "flows.tasks.process_conversation"
    assert json.loads(base64.b64decode(message["body"]))[0] == [str(conversation_id), str(flow_id)]
    assert headers["argsrepr"] == f"('{conversation_id}', '{flow_id}')" and headers["kwargsrepr"] == "{}"
