"""Delivery guarantees with real processes: a worker killed mid-turn, and simultaneous messages in one conversation."""

import threading
import time
import uuid

import pytest
import requests

from flows import live as live_redis
from flows.models import Message, Run
from tests.e2e.helpers import run_reply, say, start, texts
from tests.factories import published_flow
from tests.support import processes

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def own_stack(child_env, transactional_db):
    """A server and a one-process worker on a queue of their own, so only the worker we kill can take the turn."""
    # The stale-run sweeper is kept out of the way: only the broker's redelivery may complete the killed turn.
    env = {**child_env, "CELERY_QUEUE": f"kill-{uuid.uuid4().hex[:6]}", "STALE_RUN_S": "600"}
    server = processes.Server(env).start()
    workers: list[processes.Worker] = []

    def new_worker() -> processes.Worker:
        w = processes.Worker(env, name=f"k-{uuid.uuid4().hex[:6]}", concurrency=1).start()
        workers.append(w)
        return w

    yield server, new_worker
    for w in workers:
        w.stop()
    server.stop()


def test_worker_killed_mid_turn_completes_after_redelivery_and_replies_once(own_stack):
    server, new_worker = own_stack
    first = new_worker()
    published_flow("slow_echo", slug="slow-echo")
    conversation = start(server.url, "slow-echo")
    assert texts(conversation) == ["Say something."]

    posted = say(server.url, conversation, "hello", "c-1", wait=0)
    assert posted.status_code == 202, posted.text
    run_id = posted.json()["run_id"]

    lock_key = f"fb:lock:conversation:{conversation['id']}"
    deadline = time.monotonic() + 20
    while not live_redis.client().exists(lock_key):  # the worker has taken the turn and is inside it
        assert time.monotonic() < deadline, "the worker never took the turn"
        time.sleep(0.02)
    time.sleep(0.3)  # well inside the 1 s sleep node
    first.kill()

    run = Run.objects.get(pk=run_id)
    assert run.status == Run.Status.QUEUED
    assert not Message.objects.filter(run=run).exists()

    new_worker()  # the unacknowledged turn is delivered again after the visibility timeout
    reply = run_reply(server.url, conversation, run_id, wait=25)
    assert reply.status_code == 200, reply.text
    assert texts(reply.json()) == ["echo hello", "Say something."]

    time.sleep(1.5)  # give a duplicate delivery, if there were one, the time to store a second reply
    outbound = list(
        Message.objects.filter(conversation_id=conversation["id"], direction="out").values_list("text", flat=True)
    )
    assert outbound == ["Say something.", "echo hello", "Say something."]
    assert Run.objects.get(pk=run_id).status == Run.Status.COMPLETED
    # Posting the same client_message_id again returns that reply, with nothing new stored.
    again = say(server.url, conversation, "hello", "c-1")
    assert again.status_code == 200 and texts(again.json()) == ["echo hello", "Say something."]
    assert Message.objects.filter(conversation_id=conversation["id"]).count() == 4


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
