"""A slow turn runs once: its worker's lease outlives the lock TTL, the stale-run threshold and the broker's
visibility timeout; a worker killed inside it is taken over once, by the stale-run sweep, after its lease lapses.

Real processes (uvicorn, Celery workers, Redis) and a real HTTP peer that answers slowly, on loopback.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from flows import live as live_redis
from flows.locks import lock_key
from flows.models import Message, Run
from tests.e2e.helpers import run_reply, say, start, texts
from tests.factories import published_flow
from tests.support import processes
from tests.support.graphs import edge, node
from tests.support.redis_server import OwnRedis

# The stack's broker: a redis-server of its own, so the unacked hash these tests read holds this stack's tasks only.
BROKER: dict[str, redis.Redis] = {}

pytestmark = [pytest.mark.e2e]

LEASE_TTL_S = 3.0  # renewed every second by the worker's timer
STALE_RUN_S = 1.0
HEARTBEAT_S = 0.5
VISIBILITY_S = 3  # the broker would redeliver an unacknowledged task after this long (a turn's task: never)
SLOW_S = 12.0  # the peer's answer: 4x the lease TTL, 12x the stale threshold, 4x the visibility timeout


class SlowPeer:
    """An HTTP API that notes each request as it arrives and answers it after `delay_s`; `hang_first` never answers
    the first request (its caller is killed while it waits)."""

    def __init__(self, delay_s: float, hang_first: bool = False):
        self.delay_s, self.hang_first = delay_s, hang_first
        self.arrivals: list[float] = []
        self.leases: list[bytes | None] = []  # the conversation's lease token as each request arrived
        self.lease_at_answer: list[bytes | None] = []
        self.changed = threading.Condition()
        self.conversation_id = ""
        self._closing = threading.Event()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                lease = live_redis.client().get(lock_key(peer.conversation_id))
                with peer.changed:
                    peer.arrivals.append(time.monotonic())
                    peer.leases.append(lease)
                    first = len(peer.arrivals) == 1
                    peer.changed.notify_all()
                if first and peer.hang_first:
                    peer._closing.wait()
                    return
                peer._closing.wait(peer.delay_s)
                peer.lease_at_answer.append(live_redis.client().get(lock_key(peer.conversation_id)))
                body = json.dumps({"ok": True}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/orders"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float) -> float:
        """The arrival time of request number `count`, waiting for it."""
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.arrivals) >= count, timeout), (
                f"the peer got {len(self.arrivals)} request(s), not {count}, within {timeout} s"
            )
            return self.arrivals[count - 1]

    def close(self) -> None:
        self._closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def slow_graph(url: str) -> dict:
    return {
        "nodes": [
            node("start", "start"),
            node("ask", "question", text="Order what?", variable="item"),
            node(
                "order",
                "rest_api",
                method="POST",
                url=url,
                body='{"item": "{{ item }}"}',
                body_type="json",
                timeout_s=120,  # the killed worker's request is never answered: it must not time out first
                retry={"attempts": 1},
                save_as="placed",
            ),
            node("done", "message", text="Ordered {{ item }}."),
            node("oops", "message", text="The order failed."),
        ],
        "edges": [
            edge("start", "next", "ask"),
            edge("ask", "next", "order"),
            edge("order", "success", "done"),
            edge("done", "next", "ask"),
            edge("order", "error", "oops"),
            edge("oops", "next", "ask"),
        ],
    }


@pytest.fixture
def lease_stack(child_env, transactional_db):
    """A server and workers on a queue of their own, with a short lease TTL, stale threshold and visibility timeout."""
    broker = OwnRedis().start()
    BROKER["client"] = redis.Redis.from_url(broker.url, socket_timeout=5)
    env = {
        **child_env,
        "CELERY_BROKER_URL": broker.url,
        "CELERY_QUEUE": f"lease-{uuid.uuid4().hex[:6]}",
        "TURN_LOCK_TTL_S": str(LEASE_TTL_S),
        "STALE_RUN_S": str(STALE_RUN_S),
        "WORKER_HEARTBEAT_S": str(HEARTBEAT_S),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_S),
    }
    server = processes.Server(env).start()
    workers: list[processes.Worker] = []
    peers: list[SlowPeer] = []

    def new_worker(concurrency: int) -> processes.Worker:
        w = processes.Worker(env, name=f"l-{uuid.uuid4().hex[:6]}", concurrency=concurrency).start()
        workers.append(w)
        return w

    def new_peer(**kwargs) -> SlowPeer:
        peer = SlowPeer(**kwargs)
        peers.append(peer)
        return peer

    yield server, env["CELERY_QUEUE"], new_worker, new_peer
    for w in workers:
        w.stop()
    server.stop()
    for peer in peers:
        peer.close()
    broker.kill()


def unacked_tags(queue: str) -> set[bytes]:
    """The broker's delivery tags of the queue's tasks that a worker took and has not acknowledged."""
    return {tag for tag, raw in BROKER["client"].hgetall("unacked").items() if json.loads(raw)[2] == queue}


def wait_until_nothing_is_queued(queue: str, timeout: float = 30) -> None:
    """Until the broker holds no task of the queue, neither waiting nor taken (copies retrying included)."""
    client = BROKER["client"]

    def busy() -> bool:
        return client.llen(queue) > 0 or bool(unacked_tags(queue))

    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 3:  # three looks in a row: a task between the queue and the unacked index is not missed
        assert time.monotonic() < deadline, f"tasks of {queue} still queued or running after {timeout} s"
        quiet = 0 if busy() else quiet + 1
        time.sleep(0.2)


def outbound(conversation: dict) -> list[str]:
    return list(
        Message.objects.filter(conversation_id=conversation["id"], direction="out")
        .order_by("id")
        .values_list("text", flat=True)
    )


def test_a_step_outlasting_the_lease_ttl_stale_threshold_and_visibility_timeout_reaches_its_peer_once(lease_stack):
    server, queue, new_worker, new_peer = lease_stack
    new_worker(concurrency=2)  # a second process free to take a redelivered or re-sent copy of the turn
    peer = new_peer(delay_s=SLOW_S)
    flow = published_flow(slow_graph(peer.url), slug=f"slow-api-{uuid.uuid4().hex[:6]}")
    conversation = start(server.url, flow.slug)
    peer.conversation_id = conversation["id"]
    assert texts(conversation) == ["Order what?"]

    posted = say(server.url, conversation, "tea", "m-1", wait=0)
    assert posted.status_code == 202, posted.text
    run_id = posted.json()["run_id"]

    reply = run_reply(server.url, conversation, run_id, wait=30)
    assert reply.status_code == 200, reply.text
    assert texts(reply.json()) == ["Ordered tea.", "Order what?"]

    wait_until_nothing_is_queued(queue)
    assert len(peer.arrivals) == 1, f"the peer got the POST {len(peer.arrivals)} times"
    # One lease, held by the same worker from the request's start to its answer, 4 TTLs later: renewed by its timer.
    assert peer.leases[0] is not None and peer.lease_at_answer == [peer.leases[0]]
    assert Run.objects.get(pk=run_id).status == Run.Status.COMPLETED
    assert outbound(conversation) == ["Order what?", "Ordered tea.", "Order what?"]
    assert not live_redis.client().exists(lock_key(conversation["id"])), "the lease outlived the turn"


# Who takes over: the stale-run sweep, once the lease has been missing for a whole TTL. The broker keeps no copy of a
# turn's task to redeliver (config/broker_qos.py), however short its visibility timeout (here 3 s).
def test_a_worker_killed_inside_the_slow_step_is_taken_over_once_after_its_lease_lapses(lease_stack):
    server, queue, new_worker, new_peer = lease_stack
    first = new_worker(concurrency=1)
    peer = new_peer(delay_s=SLOW_S, hang_first=True)  # the killed worker's request is never answered
    flow = published_flow(slow_graph(peer.url), slug=f"slow-kill-{uuid.uuid4().hex[:6]}")
    conversation = start(server.url, flow.slug)
    peer.conversation_id = conversation["id"]

    posted = say(server.url, conversation, "tea", "m-1", wait=0)
    assert posted.status_code == 202, posted.text
    run_id = posted.json()["run_id"]
    peer.wait_for(1, timeout=30)  # the first worker is inside the step
    new_worker(concurrency=1)  # ready to take over; meanwhile its sweep sees the lease alive
    client = live_redis.client()
    key = lock_key(conversation["id"])
    assert peer.leases[0] is not None
    assert client.get(key) == peer.leases[0], "the lease changed hands while its worker was alive"
    assert len(peer.arrivals) == 1, "the turn was taken over while its worker was alive"
    assert unacked_tags(queue) == set(), "the broker holds a copy of the running turn's task"

    lapse_ms = client.pttl(key)
    lapse_by = time.monotonic() + lapse_ms / 1000  # at the latest renewal: the lease cannot lapse before this
    first.kill()
    killed_at = time.monotonic()

    takeover_at = peer.wait_for(2, timeout=60)
    reply = run_reply(server.url, conversation, run_id, wait=30)
    assert reply.status_code == 200, reply.text
    assert texts(reply.json()) == ["Ordered tea.", "Order what?"]
    wait_until_nothing_is_queued(queue)

    print(
        f"lease left at the kill: {lapse_ms} ms; takeover request "
        f"{takeover_at - killed_at:.2f} s after the kill, {takeover_at - lapse_by:.2f} s after the lapse "
        f"(TTL {LEASE_TTL_S} s, stale threshold {STALE_RUN_S} s, heartbeat {HEARTBEAT_S} s)"
    )
    # The sweep waits for the lease to stay missing a whole TTL after it lapsed: a Redis restart must not fool it.
    assert takeover_at >= lapse_by + LEASE_TTL_S - 0.1, "the turn was taken over before its lease was gone a TTL"
    assert peer.leases[1] is not None and peer.leases[1] != peer.leases[0], "the takeover ran without a lease"
    assert len(peer.arrivals) == 2, f"the peer got the POST {len(peer.arrivals)} times: the kill, then one takeover"
    assert Run.objects.get(pk=run_id).status == Run.Status.COMPLETED
    assert outbound(conversation) == ["Order what?", "Ordered tea.", "Order what?"]
