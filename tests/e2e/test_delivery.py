"""Delivery guarantees with real processes: a worker killed mid-turn, and simultaneous messages in one conversation."""

import json
import threading
import time
import uuid

import pytest
import requests
import websocket
from rest_framework.authtoken.models import Token

from flows import live as live_redis
from flows.models import Message, Run
from tests.e2e.helpers import run_reply, say, start, texts
from tests.factories import EditorFactory, load_graph, published_flow
from tests.support import processes

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def own_stack(child_env, transactional_db):
    """A server and a one-process worker on a queue of their own, so only the worker we kill can take the turn; a
    short lease TTL and stale threshold, so the sweep sends the killed worker's turn again within seconds."""
    env = {
        **child_env,
        "CELERY_QUEUE": f"kill-{uuid.uuid4().hex[:6]}",
        "TURN_LOCK_TTL_S": "3",
        "STALE_RUN_S": "1",
        "WORKER_HEARTBEAT_S": "0.5",
    }
    server = processes.Server(env).start()
    workers: list[processes.Worker] = []

    def new_worker() -> processes.Worker:
        w = processes.Worker(env, name=f"k-{uuid.uuid4().hex[:6]}", concurrency=1).start()
        workers.append(w)
        return w

    yield server, new_worker, env["CELERY_QUEUE"]
    for w in workers:
        w.stop()
    server.stop()


def test_worker_killed_mid_turn_completes_once_sent_again_and_replies_once(own_stack):
    server, new_worker, queue = own_stack
    first = new_worker()
    flow = published_flow(slow_echo(seconds=3), slug="slow-echo")
    editor = Token.objects.create(user=EditorFactory())
    conversation = start(server.url, "slow-echo")
    assert texts(conversation) == ["Say something."]

    ws = server.url.replace("http://", "ws://")
    trace = websocket.create_connection(f"{ws}/ws/flows/{flow.pk}/traces/?token={editor.key}", timeout=60)
    posted = say(server.url, conversation, "hello", "c-1", wait=0)
    assert posted.status_code == 202, posted.text
    run_id = posted.json()["run_id"]
    while (frame := json.loads(trace.recv()))["event"] != "step.started" or frame["node_id"] != "slow":
        pass  # until the worker is inside the turn's slow step (3 s): it has taken the turn and not stored it
    trace.close()
    broker = live_redis.client()
    # The turn's task is held in the worker's memory only (config/broker_qos.py): its run, queued in the database,
    # is what survives the worker; the broker keeps no copy to redeliver.
    assert not broker.llen(queue) and not any(queue.encode() in raw for raw in broker.hvals("unacked"))
    first.kill()

    run = Run.objects.get(pk=run_id)
    assert run.status == Run.Status.QUEUED
    assert not Message.objects.filter(run=run).exists()

    new_worker()  # its heartbeat's sweep sends the turn again once the dead worker's lease has lapsed
    reply = run_reply(server.url, conversation, run_id, wait=30)
    assert reply.status_code == 200, reply.text
    assert texts(reply.json()) == ["echo hello", "Say something."]

    # A duplicate could only come from a copy of the turn's task still in the broker: wait until it holds none.
    deadline = time.monotonic() + 60
    while broker.hlen("unacked") or broker.llen(queue):
        assert time.monotonic() < deadline, "the broker still holds the turn's task"
        time.sleep(0.05)
    outbound = list(
        Message.objects.filter(conversation_id=conversation["id"], direction="out").values_list("text", flat=True)
    )
    assert outbound == ["Say something.", "echo hello", "Say something."]
    assert Run.objects.get(pk=run_id).status == Run.Status.COMPLETED
    # Posting the same client_message_id again returns that reply, with nothing new stored.
    again = say(server.url, conversation, "hello", "c-1")
    assert again.status_code == 200 and texts(again.json()) == ["echo hello", "Say something."]
    assert Message.objects.filter(conversation_id=conversation["id"]).count() == 4


def slow_echo(seconds: float) -> dict:
    """The slow_echo fixture flow with its slow step taking this long."""
    graph = load_graph("slow_echo")
    next(n for n in graph["nodes"] if n["id"] == "slow")["data"]["seconds"] = seconds
    return graph


def test_simultaneous_messages_run_in_arrival_order_one_at_a_time(live):
    published_flow("slow_echo", slug="slow-echo-2")
    conversation = start(live.url, "slow-echo-2")
    barrier = threading.Barrier(2)
    replies: dict[str, requests.Response] = {}

    def send(text: str) -> None:
        barrier.wait()
        replies[text] = say(live.url, conversation, text, f"id-{text}", wait=20)

    threads = [threading.Thread(target=send, args=(t,)) for t in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert {t: r.status_code for t, r in replies.items()} == {"one": 200, "two": 200}
    for text, response in replies.items():
        assert texts(response.json()) == [f"echo {text}", "Say something."]

    runs = list(Run.objects.filter(conversation_id=conversation["id"], trigger="message").order_by("inbound_id"))
    assert [r.inbound.text for r in runs] == sorted(["one", "two"], key=lambda t: runs_order(runs).index(t))
    first, second = runs
    assert first.status == second.status == Run.Status.COMPLETED
    assert first.finished_at <= second.started_at, "the two turns overlapped"
    outbound = list(
        Message.objects.filter(conversation_id=conversation["id"], direction="out")
        .order_by("id")
        .values_list("text", flat=True)
    )
    assert outbound == [
        "Say something.",
        f"echo {first.inbound.text}",
        "Say something.",
        f"echo {second.inbound.text}",
        "Say something.",
    ]


def runs_order(runs: list[Run]) -> list[str]:
    return [r.inbound.text for r in runs]


def test_a_turn_whose_task_was_lost_is_sent_again_and_answered(live):
    """The broker restarted empty (the embedded Redis keeps nothing on disk): the stored message is still answered."""
    from flows.models import Conversation

    published_flow("greeting", slug="lost-task")
    conversation = start(live.url, "lost-task")
    conv = Conversation.objects.get(pk=conversation["id"])
    # Stored as post_message stores it, but no task is ever sent for it.
    message = Message.objects.create(conversation=conv, direction="in", text="Lin", client_message_id="lost-1")
    run = Run.objects.create(conversation=conv, flow_id=conv.flow_id, trigger="message", inbound=message)

    reply = run_reply(live.url, conversation, str(run.pk))
    assert reply.status_code == 200, reply.text
    assert texts(reply.json()) == ["Nice to meet you, Lin.", "Say anything, Lin."]
