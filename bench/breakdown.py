"""Where a chat turn's time goes. Run in the stack's environment (`python -m bench.breakdown URL`) while its web process
and worker run; prints one JSON line.

- http: one client, one turn at a time, over HTTP to the web process (the unloaded turn), and a 404 (the floor);
- view: the chat view in this process through Django's test client (no web server), its parts timed by wrapping the
  functions it calls: database queries and commits, throttles (Redis), the Celery send, the wait for the reply;
- worker: the worker's task body in this process (no Celery around it), its parts timed the same way: queries and
  commit, the engine, step events published to Redis, the conversation lock, the reply hand-off;
- profiles: cProfile of the view and of the task body, the functions with the most own time;
- queue: from the database after a load run, how long turns waited between being queued and a worker starting them.
"""

from __future__ import annotations

import contextlib
import cProfile
import json
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import django

from .common import profile_row, summary

perf = time.perf_counter


class Timers:
    """Accumulated seconds and calls per named part, for the current iteration."""

    def __init__(self) -> None:
        self.now: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def reset(self) -> None:
        self.now.clear()
        self.calls.clear()

    def wrap(self, name: str, fn: Callable) -> Callable:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = perf()
            try:
                return fn(*args, **kwargs)
            finally:
                self.now[name] += perf() - t0
                self.calls[name] += 1

        return timed

    def db_wrapper(self, execute, sql, params, many, context):
        t0 = perf()
        try:
            return execute(sql, params, many, context)
        finally:
            self.now["db queries"] += perf() - t0
            self.calls["db queries"] += 1


def _collect(samples: dict[str, list[float]], timers: Timers, total_s: float) -> None:
    samples["total"].append(total_s * 1000)
    for name, seconds in timers.now.items():
        samples[name].append(seconds * 1000)
    for name, count in timers.calls.items():
        samples[f"{name} (calls)"].append(count)


def _stats(samples: dict[str, list[float]], n: int) -> dict[str, dict[str, float]]:
    """Per part: median and mean over the iterations (a part absent from an iteration counts as 0 there)."""
    out = {}
    for name, values in samples.items():
        values = values + [0.0] * (n - len(values))
        out[name] = summary(values)
    return out


def http_part(url: str, conversation: tuple[str, str], count: int) -> dict[str, Any]:
    """One client, one turn at a time, over HTTP (keep-alive): the unloaded turn latency."""
    import requests

    cid, token = conversation
    turns = []
    with requests.Session() as http:
        headers = {"Authorization": f"Bearer {token}"}
        for i in range(count + 10):
            t0 = perf()
            r = http.post(
                f"{url}/api/v1/chat/conversations/{cid}/messages/",
                json={"text": f"seq {i}"},
                headers=headers,
                timeout=30,
            )
            if i >= 10:
                turns.append((perf() - t0) * 1000)
            if r.status_code != 200:
                raise RuntimeError(f"sequential turn gave {r.status_code}: {r.text[:300]}")
    return {"turn_ms": summary(turns), "count": count}


def floor_part(url: str, count: int) -> dict[str, Any]:
    """A 404 through the web server and Django's middleware: what any request costs before the chat view."""
    import requests

    floor = []
    with requests.Session() as http:
        for i in range(count + 10):
            t0 = perf()
            http.get(f"{url}/bench-no-such-page/", timeout=30)
            if i >= 10:
                floor.append((perf() - t0) * 1000)
    from django.test import Client

    client, inproc = Client(), []
    for i in range(count + 10):
        t0 = perf()
        client.get("/bench-no-such-page/")
        if i >= 10:
            inproc.append((perf() - t0) * 1000)
    return {"http_404_ms": summary(floor), "inprocess_404_ms": summary(inproc), "count": count}


def view_part(conversation: tuple[str, str], count: int) -> dict[str, Any]:
    from django.db import connections
    from django.test import Client

    from flows import live, tasks
    from flows.api import throttles

    cid, token = conversation
    timers = Timers()
    originals = {
        "wait": live.wait_reply,
        "delay": tasks.process_conversation.delay,
        "throttle": throttles.ChatThrottle.allow_request,
    }
    live.wait_reply = timers.wrap("wait for the worker's reply (Redis BLMOVE)", originals["wait"])
    tasks.process_conversation.delay = timers.wrap("send the Celery task (Redis)", originals["delay"])
    throttles.ChatThrottle.allow_request = timers.wrap("throttles (Redis, one round trip)", originals["throttle"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    path = f"/api/v1/chat/conversations/{cid}/messages/"
    samples: dict[str, list[float]] = defaultdict(list)
    profiler = cProfile.Profile()
    connection = connections["default"]
    connection._commit = timers.wrap("db commits", type(connection)._commit.__get__(connection))
    try:
        for i in range(count + 10):
            timers.reset()
            with connection.execute_wrapper(timers.db_wrapper):
                t0 = perf()
                r = client.post(path, {"text": f"view {i}"}, content_type="application/json")
                total = perf() - t0
            if r.status_code != 200:
                raise RuntimeError(f"in-process turn gave {r.status_code}: {r.content[:300]}")
            if i >= 10:
                _collect(samples, timers, total)
        for i in range(count):
            profiler.enable()
            client.post(path, {"text": f"profile {i}"}, content_type="application/json")
            profiler.disable()
    finally:
        del connection._commit
        live.wait_reply = originals["wait"]
        tasks.process_conversation.delay = originals["delay"]
        throttles.ChatThrottle.allow_request = originals["throttle"]
    return {
        "parts_ms": _stats(samples, count),
        "profile": top_functions(profiler, count),
        "blocks": blocks(profiler, count, VIEW_BLOCKS),
    }


RUN_TURN = "engine run_turn (incl. the step events below)"
EVENTS = "step events (Redis PUBLISH, in run_turn)"
EXTEND = "conversation lease renewals (Redis EVAL, from a timer thread every TTL/3)"
NESTED_IN_RUN_TURN = (EVENTS,)
FIXUP = "Celery's Django fixup: close the connection, and the pool if on (before and after the task)"
CONNECT = "db connect (a new connection, since Celery closed it)"


def worker_part(conversation_id: str, count: int, celery_fixup: bool = False) -> dict[str, Any]:
    """The task body in this process. With celery_fixup, what Celery 5.7's Django fixup does around every task in
    a prefork worker when Django's connection pool is on: close the connection and the pool, so that the task opens
    a new database connection each time."""
    from django.db import connections

    from flows import live, tasks
    from flows.locks import ConversationLock
    from flows.models import Conversation, Message, Run

    conversation = Conversation.objects.get(pk=conversation_id)
    timers = Timers()
    saved = {
        "run_turn": tasks.run_turn,
        "announce": tasks._announce,
        "publish": live.publish,
        "acquire": ConversationLock.acquire,
        "extend": ConversationLock.extend,
        "release": ConversationLock.release,
    }
    tasks.run_turn = timers.wrap(RUN_TURN, saved["run_turn"])
    tasks._announce = timers.wrap("reply + events after commit (Redis)", saved["announce"])
    live.publish = timers.wrap(EVENTS, saved["publish"])
    ConversationLock.acquire = timers.wrap("conversation lock acquire + release (Redis)", saved["acquire"])
    ConversationLock.extend = timers.wrap(EXTEND, saved["extend"])
    ConversationLock.release = timers.wrap("conversation lock acquire + release (Redis)", saved["release"])

    def queue_turn(i: int) -> None:
        # What post_message stores, without sending the task: this process runs it instead of the worker.
        message = Message.objects.create(conversation=conversation, direction=Message.Direction.IN, text=f"w {i}")
        Run.objects.create(
            conversation=conversation, flow_id=conversation.flow_id, trigger=Run.Trigger.MESSAGE, inbound=message
        )

    samples: dict[str, list[float]] = defaultdict(list)
    profiler = cProfile.Profile()
    connection = connections["default"]
    connection._commit = timers.wrap("db commits", type(connection)._commit.__get__(connection))
    connection.connect = timers.wrap(CONNECT, type(connection).connect.__get__(connection))
    pooled = bool(connection.settings_dict.get("OPTIONS", {}).get("pool"))

    def fixup_close() -> None:
        t0 = perf()
        connection.close()
        if pooled:
            with contextlib.suppress(KeyError):
                connection.close_pool()
        timers.now[FIXUP] += perf() - t0
        timers.calls[FIXUP] += 1

    try:
        for i in range(count + 10):
            queue_turn(i)
            timers.reset()
            with connection.execute_wrapper(timers.db_wrapper):
                t0 = perf()
                if celery_fixup:
                    fixup_close()
                tasks.process_conversation(str(conversation.pk))
                if celery_fixup:
                    fixup_close()
                total = perf() - t0
            if i >= 10:
                _collect(samples, timers, total)
        for i in range(count if not celery_fixup else 0):
            queue_turn(i)
            profiler.enable()
            tasks.process_conversation(str(conversation.pk))
            profiler.disable()
    finally:
        del connection._commit
        del connection.connect
        tasks.run_turn = saved["run_turn"]
        tasks._announce = saved["announce"]
        live.publish = saved["publish"]
        ConversationLock.acquire = saved["acquire"]
        ConversationLock.extend = saved["extend"]
        ConversationLock.release = saved["release"]
    parts = _stats(samples, count)
    nested = sum(parts.get(name, {}).get("mean", 0.0) for name in NESTED_IN_RUN_TURN)
    parts["engine alone (run_turn minus step events), mean"] = {
        "mean": parts.get(RUN_TURN, {}).get("mean", 0.0) - nested
    }
    if celery_fixup:
        return {"parts_ms": parts}
    return {
        "parts_ms": parts,
        "profile": top_functions(profiler, count),
        "blocks": blocks(profiler, count, WORKER_BLOCKS),
    }


def connect_part(count: int) -> dict[str, Any]:
    """What opening (and closing) one PostgreSQL connection costs here, as a pool that was closed must do."""
    import os

    import psycopg

    url = os.environ["DATABASE_URL"]
    times = []
    for _ in range(count):
        t0 = perf()
        psycopg.connect(url, connect_timeout=10).close()
        times.append((perf() - t0) * 1000)
    return {"connect_ms": summary(times)}


def queue_part(since: float) -> dict[str, Any]:
    """Per message turn started after `since` (epoch s): queued -> started (waiting for a worker), and run time."""
    import datetime as dt

    from flows.models import Run

    rows = Run.objects.filter(
        trigger=Run.Trigger.MESSAGE,
        queued_at__gte=dt.datetime.fromtimestamp(since, tz=dt.UTC),
        started_at__isnull=False,
    ).values_list("queued_at", "started_at", "finished_at", "duration_ms")
    waits, runs, engine = [], [], []
    for queued, started, finished, duration in rows:
        waits.append((started - queued).total_seconds() * 1000)
        if finished:
            runs.append((finished - started).total_seconds() * 1000)
        if duration is not None:
            engine.append(duration)
    return {
        "queued_to_started_ms": summary(waits),
        "started_to_finished_ms": summary(runs),
        "engine_with_events_ms": summary(engine),
    }


def top_functions(profiler: cProfile.Profile, per: int, count: int = 14) -> list[dict[str, Any]]:
    """The functions with the most own time, in ms per profiled call of the whole (own and cumulative)."""
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(profile_row(filename, line, name, ncalls, tottime, cumtime, per))
    rows.sort(key=lambda r: r["own_ms"], reverse=True)
    return rows[:count]


VIEW_BLOCKS = [
    ("django/core/handlers/base.py", "get_response", "the whole request in Django (middleware included)"),
    ("rest_framework/views.py", "initial", "DRF initial: negotiation, auth, permissions, throttles"),
    ("rest_framework/views.py", "check_throttles", "  of which the throttles (Redis)"),
    ("flows/api/chat.py", "conversation", "bearer token check (conversation query + hash)"),
    ("rest_framework/serializers.py", "is_valid", "request body validation (serializer)"),
    ("flows/actions.py", "post_message", "post_message: the transaction (lock row, insert message, insert run)"),
    ("celery/app/task.py", "apply_async", "  of which sending the Celery task, on commit"),
    ("flows/api/chat.py", "_await_reply", "waiting for the reply"),
    ("rest_framework/response.py", "rendered_content", "rendering the JSON response"),
]
WORKER_BLOCKS = [
    ("flows/tasks.py", "process_conversation", "the whole task body"),
    ("flows/locks.py", "acquire", "conversation lock acquire"),
    ("flows/tasks.py", "_next_queued", "finding the queued run (this one, then none left)"),
    ("flows/tasks.py", "execute_run", "execute_run"),
    ("flows/compiled.py", "compiled", "  compiled graph (cached per process)"),
    ("flows/engine.py", "run_turn", "  engine run_turn, step events included"),
    ("flows/tasks.py", "__call__", "    step events: publish + lock extend"),
    ("django/db/models/query.py", "update", "  UPDATE run and conversation"),
    ("django/db/models/query.py", "bulk_create", "  INSERT messages and steps (bulk)"),
    ("flows/tasks.py", "_announce", "  reply + events after commit"),
    ("flows/locks.py", "release", "conversation lock release"),
]


def blocks(profiler: cProfile.Profile, per: int, wanted: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Cumulative time of chosen functions, per profiled call (cProfile's overhead included: proportions)."""
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = []
    for suffix, func, label in wanted:
        cum, calls = 0.0, 0
        for (filename, _line, name), (_cc, ncalls, _tt, cumtime, _callers) in stats.items():
            if name == func and filename.endswith(suffix):
                cum, calls = cum + cumtime, calls + ncalls
        rows.append({"block": label, "calls": calls / per, "cum_ms": cum * 1000 / per})
    return rows


def main() -> None:
    django.setup()
    args = json.loads(sys.argv[1])
    out: dict[str, Any] = {}
    if args.get("since") is not None:
        out["queue"] = queue_part(args["since"])
    if args.get("http"):
        out["http"] = http_part(args["url"], tuple(args["http"]), args["count"])
    if args.get("floor"):
        out["floor"] = floor_part(args["url"], args["count"])
    if args.get("view"):
        out["view"] = view_part(tuple(args["view"]), args["count"])
    if args.get("connect"):
        out["connect"] = connect_part(args["connect"])
    if args.get("worker"):
        out["worker"] = worker_part(args["worker"], args["count"])
        out["worker_celery_fixup"] = worker_part(args["worker"], args["count"], celery_fixup=True)
    print("BREAKDOWN " + json.dumps(out))


if __name__ == "__main__":
    main()
