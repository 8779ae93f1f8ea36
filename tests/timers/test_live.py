"""Timers with real processes: Celery workers with their scheduler threads, Redis, uvicorn and the database.

A 2 s wait fires once and its message reaches the chat socket; a worker SIGKILLed while timers fire; Redis restarted
empty while timers are pending; two schedulers at once. Each waits for the state it needs, never a fixed time.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import websocket
from django.conf import settings
from django.utils import timezone

from config import embedded_redis
from flows import actions
from flows import live as live_redis
from flows.models import Message, Run, Timer
from tests.e2e.helpers import auth, say, start
from tests.factories import published_flow
from tests.support import processes
from tests.unit import edge, flow, node

from .support import run_queued, wait_flow

pytestmark = [pytest.mark.e2e]

BACK = "I'm back."


def eventually(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not within {timeout}s: {what}"
        time.sleep(0.05)


def ws_url(server, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


def test_a_2s_wait_fires_once_and_its_message_reaches_the_chat_socket_and_the_transcript(live):
    doc = wait_flow("2s")
    doc["nodes"].insert(1, node("ready", "question", text="Ready?"))
    doc["edges"][0] = edge("start", "ready")
    doc["edges"].insert(1, edge("ready", "hello"))
    published_flow(doc, slug="live-wait")
    conversation = start(live.url, "live-wait")
    path = f"/ws/chat/conversations/{conversation['id']}/?token={conversation['token']}"
    sock = websocket.create_connection(ws_url(live, path), timeout=30)  # listening before the wait starts
    try:
        reply = say(live.url, conversation, "yes", "m1")
        assert [m["text"] for m in reply.json()["messages"]] == ["Hello, back in a moment."]
        assert reply.json()["input"]["type"] == "wait" and reply.json()["input"]["wake_at"]
        pushed: list[str] = []
        while "Your name?" not in pushed:
            event = json.loads(sock.recv())
            if event["type"] == "message":
                pushed.append(event["message"]["text"])
        # The reply to "yes", then two messages of the timer's turn: proactive, nobody said anything.
        assert pushed == ["Hello, back in a moment.", BACK, "Your name?"]
    finally:
        sock.close()

    (timer,) = Timer.objects.filter(conversation_id=conversation["id"])
    assert (timer.state, timer.fired_count) == ("done", 1)
    (run,) = Run.objects.filter(timer=timer)
    assert run.status == "completed" and run.started_at >= timer.due_at
    transcript = requests.get(
        f"{live.url}/api/v1/chat/conversations/{conversation['id']}/messages/", headers=auth(conversation), timeout=10
    ).json()
    said = ["Ready?", "yes", "Hello, back in a moment.", BACK, "Your name?"]
    assert [m["text"] for m in transcript["messages"]] == said
    assert transcript["input"]["node_id"] == "ask"


@pytest.fixture
def own_workers(worker, child_env, transactional_db):
    """Workers on a queue of their own, with the session's worker (and its scheduler) stopped meanwhile, so only
    the schedulers this test starts can fire its timers."""
    worker.stop()
    env = {**child_env, "CELERY_QUEUE": f"timers-{uuid.uuid4().hex[:6]}"}
    started: list[processes.Worker] = []

    def new_worker(concurrency: int = 1, **extra: str) -> processes.Worker:
        w = processes.Worker({**env, **extra}, name=f"t-{uuid.uuid4().hex[:6]}", concurrency=concurrency).start()
        started.append(w)
        return w

    yield new_worker
    for w in started:
        w.stop()
    worker.log = worker.log.with_name(f"{worker.log.stem}-{uuid.uuid4().hex[:4]}.log")  # "ready." again, not before
    worker.start()


def waiting_conversations(doc: dict, slug: str, count: int) -> list[str]:
    """Conversations started and run up to their wait in this process; their timers pending, far from due."""
    published = published_flow(doc, slug=slug)
    ids = []
    for _ in range(count):
        conversation, _token, _run = actions.start_conversation(published)
        run_queued(conversation.pk)
        ids.append(str(conversation.pk))
    assert Timer.objects.filter(conversation_id__in=ids, state="pending").count() == count
    return ids


def make_due(ids: list[str], in_s: float = 0.5) -> None:
    """Move the pending timers' due time to just now (the clock reaching it), all in the same instant."""
    Timer.objects.filter(conversation_id__in=ids, state="pending").update(
        due_at=timezone.now() + timedelta(seconds=in_s)
    )


def backs(ids: list[str]) -> Counter:
    return Counter(
        Message.objects.filter(conversation_id__in=ids, direction="out", text=BACK).values_list(
            "conversation_id", flat=True
        )
    )


def assert_each_fired_once(ids: list[str]) -> None:
    counts = backs(ids)
    assert sorted(counts.values()) == [1] * len(ids), counts
    per_timer = Counter(Run.objects.filter(conversation_id__in=ids, trigger="timer").values_list("timer_id", flat=True))
    assert sorted(per_timer.values()) == [1] * len(ids)
    assert not Run.objects.filter(conversation_id__in=ids).exclude(status="completed").exists()
    assert set(Timer.objects.filter(conversation_id__in=ids).values_list("state", flat=True)) == {"done"}


def slow_wait_flow() -> dict:
    """A wait whose turn takes a second (a slow node), so a worker can be killed inside it."""
    return flow(
        node("hello", "message", text="Hello, back in a moment."),
        node("pause", "wait", delay="1h"),
        node("slow", "test_sleep", seconds=1.0),
        node("later", "message", text=BACK),
        node("ask", "question", text="Your name?"),
    )


def test_a_worker_killed_while_firing_timers_runs_each_turn_once(own_workers):
    ids = waiting_conversations(slow_wait_flow(), "kill-timers", 6)
    first = own_workers(concurrency=1)
    make_due(ids, in_s=0)
    locks = [f"fb:lock:conversation:{i}" for i in ids]
    eventually(lambda: live_redis.client().exists(*locks) > 0, 30, "a fired turn is running")
    first.kill()  # inside the slow node of a fired turn, with other fired turns queued
    assert Timer.objects.filter(conversation_id__in=ids, state="done").exists()
    assert len(backs(ids)) < len(ids)

    own_workers(concurrency=1)
    eventually(lambda: len(backs(ids)) == len(ids), 90, "every conversation got its turn")
    # A duplicate, had there been one, would be queued behind the stale-run sweep (2 s here): wait it out by state.
    eventually(
        lambda: not Run.objects.filter(conversation_id__in=ids, status="queued").exists(), 30, "nothing left queued"
    )
    assert_each_fired_once(ids)


def test_two_schedulers_fire_each_timer_once(own_workers):
    ids = waiting_conversations(wait_flow("1h"), "two-schedulers", 150)
    own_workers(concurrency=2)
    own_workers(concurrency=2)
    make_due(ids)
    eventually(lambda: len(backs(ids)) == len(ids), 120, "every conversation got its turn")
    eventually(
        lambda: not Run.objects.filter(conversation_id__in=ids, status="queued").exists(), 30, "nothing left queued"
    )
    assert_each_fired_once(ids)


def test_timers_pending_while_redis_restarts_empty_still_fire(own_workers, tmp_path):
    # A Redis of this test's own (never the machine's): started, emptied by a restart, while the timers wait.
    sock = Path(settings.VAR_DIR) / f"t-{uuid.uuid4().hex[:6]}.sock"
    url = f"unix://{sock}"
    redis_proc = embedded_redis.start(url, tmp_path / "redis.log")
    try:
        ids = waiting_conversations(wait_flow("1h"), "redis-restart", 5)
        own_workers(concurrency=1, REDIS_URL=url)
        assert embedded_redis.answers(url)
        redis_proc.terminate()
        redis_proc.wait(10)
        redis_proc = embedded_redis.start(url, tmp_path / "redis-2.log")  # a new, empty one on the same socket
        assert redis_proc is not None
        make_due(ids)
        eventually(lambda: len(backs(ids)) == len(ids), 90, "every pending timer fired after the restart")
        assert_each_fired_once(ids)
    finally:
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(10)
        if sock.exists():
            os.unlink(sock)
