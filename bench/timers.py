"""Timers under load: how long 10,000 timers due in the same second take to fire (claimed, and their turns run), and
how late a timer fires at idle (p50/p99), on each stack (PostgreSQL + Redis, and the embedded SQLite one).

The stack is the one the chat benchmark uses: one web process, one Celery worker whose scheduler thread fires the
timers. Rows are written in bulk by `bench.timers_db` (the state N earlier turns would have left), then armed: their
due time moved to a few seconds ahead. Lateness is measured from the due time to the claim (`fired_at`: the timer is
a queued turn) and to the end of its turn (`finished_at`: the bot's message is stored and sent).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import threading
import time
from typing import Any

import requests

from .common import PYTHON, ROOT, Procs, fmt, say, summary
from .stack import PG_ADMIN_URL, Stack

# A database of its own (not the chat benchmark's `bench`), so the two never drop each other's.
PG_DB = os.environ.get("BENCH_TIMERS_PG_DB", "bench_timers")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
DRAIN_N = int(os.environ.get("BENCH_TIMERS_N", "10000"))
IDLE_N = 60
IDLE_SPREAD_S = 20.0
LOADED_CLIENTS = 16
# BENCH_TIMERS_UNTIL=claimed: the drain stops once every timer has fired (its turn queued), not when all turns ran.
UNTIL_CLAIMED = os.environ.get("BENCH_TIMERS_UNTIL") == "claimed"


def _db(stack: Stack, *args: str, timeout: float = 600) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, "-m", "bench.timers_db", *args],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench.timers_db {' '.join(args)} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _left(stack: Stack, pending_only: bool = False) -> int:
    """Timers still pending plus timer turns still queued, read straight from the database (cheap, no Django)."""
    sql = "SELECT (SELECT count(*) FROM flows_timer WHERE state = 'pending')"
    if not pending_only:
        sql += " + (SELECT count(*) FROM flows_run WHERE trigger = 'timer' AND status = 'queued')"
    if stack.kind == "postgres":
        import psycopg

        with psycopg.connect(PG_URL.replace("postgres://", "postgresql://", 1), connect_timeout=10) as conn:
            return int(conn.execute(sql).fetchone()[0])
    with sqlite3.connect(stack.dir / "var" / "db.sqlite3", timeout=30) as conn:
        return int(conn.execute(sql).fetchone()[0])


def _wait_done(stack: Stack, timeout: float, pending_only: bool = False) -> float:
    t0 = time.monotonic()
    while _left(stack, pending_only):
        if time.monotonic() - t0 > timeout:
            raise RuntimeError(f"timers still pending or queued after {timeout:.0f} s")
        time.sleep(0.5)
    return time.monotonic() - t0


def _lateness(rows: list[dict[str, Any]], since: float | None = None) -> dict[str, Any]:
    fired = [r for r in rows if r["due_at"] is not None and (since is None or r["due_at"] >= since)]
    claim = [(r["fired_at"] - r["due_at"]) * 1000 for r in fired if r["fired_at"]]
    turn = [(r["finished_at"] - r["due_at"]) * 1000 for r in fired if r["finished_at"]]
    return {
        "fired": len(fired),
        "completed": sum(1 for r in fired if r["run_status"] == "completed"),
        "claim_ms": summary(claim),
        "turn_ms": summary(turn),
        "last_claim_s": max((r["fired_at"] for r in fired if r["fired_at"]), default=None),
        "last_turn_s": max((r["finished_at"] for r in fired if r["finished_at"]), default=None),
    }


class TimerStack(Stack):
    """The chat benchmark's stack, on the timer benchmark's own PostgreSQL database."""

    def __init__(self, kind: str, procs: Procs):
        super().__init__(kind, procs)
        self.dir = self.dir.with_name(f"timers-{kind}")
        self.env["VAR_DIR"] = str(self.dir / "var")
        # The heartbeat's sweep re-sends every turn queued longer than STALE_RUN_S (60 s); a backlog of 10,000 turns
        # would have it send thousands of duplicate tasks every beat, and the figures would measure that.
        self.env["STALE_RUN_S"] = "900"
        if kind == "postgres":
            self.env["DATABASE_URL"] = PG_URL
        else:
            self.redis_url = f"unix://{self.dir / 'var' / 'redis.sock'}"

    def _recreate_pg(self) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")


def _chat_load(stack: Stack, stop: threading.Event, turns: list[float]) -> None:
    """One chat client: its own conversation, the next message as soon as the reply is in (wrk-chat.lua's way)."""
    with requests.Session() as http:
        (cid, token) = stack.start_conversations(1)[0]
        url = f"{stack.url}/api/v1/chat/conversations/{cid}/messages/"
        n = 0
        while not stop.is_set():
            n += 1
            t0 = time.monotonic()
            r = http.post(
                url,
                params={"wait": 10},
                json={"text": f"hi {n}", "client_message_id": f"t{n}"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            if r.status_code == 200:
                turns.append(time.monotonic() - t0)


def _loaded(stack: Stack) -> dict[str, Any]:
    """Lateness of timers spread over 20 s while chat clients keep the stack busy (the chat benchmark's echo flow,
    LOADED_CLIENTS clients, each sending its next message once the last one is answered)."""
    say(f"timers/{stack.kind}: lateness under chat load ({LOADED_CLIENTS} chat clients)")
    _db(stack, "setup", str(IDLE_N))
    stop, turns = threading.Event(), []
    clients = [threading.Thread(target=_chat_load, args=(stack, stop, turns)) for _ in range(LOADED_CLIENTS)]
    for c in clients:
        c.start()
    try:
        time.sleep(3)  # every client has its conversation and is talking
        started, before = time.monotonic(), len(turns)
        armed = _db(stack, "arm", "2", str(IDLE_SPREAD_S))
        _wait_done(stack, 180)
        rate = (len(turns) - before) / (time.monotonic() - started)
    finally:
        stop.set()
        for c in clients:
            c.join(60)
    loaded = _lateness(_db(stack, "stats")["timers"], since=armed["at"] - 0.001)
    loaded["chat_turns_per_s"] = rate
    loaded["chat_p50_ms"] = summary([t * 1000 for t in turns])["p50"]
    return loaded


def run_stack(kind: str, procs: Procs) -> dict[str, Any]:
    stack = TimerStack(kind, procs)
    stack.prepare()
    stack.start()
    result: dict[str, Any] = {}

    # Warm-up: the first turn of each fresh pool process loads the node types and compiles the flow (seconds on a
    # loaded machine); a worker that has been running a while has done that long ago.
    _db(stack, "setup", "8")
    _db(stack, "arm", "0")
    _wait_done(stack, 120)

    say(f"timers/{kind}: idle lateness, {IDLE_N} timers spread over {IDLE_SPREAD_S:.0f} s")
    _db(stack, "setup", str(IDLE_N))
    armed = _db(stack, "arm", "3", str(IDLE_SPREAD_S))
    _wait_done(stack, 120)
    result["idle"] = _lateness(_db(stack, "stats")["timers"], since=armed["at"] - 0.001)

    result["loaded"] = _loaded(stack)

    if not DRAIN_N:
        stack.stop()
        return result
    say(f"timers/{kind}: {DRAIN_N} timers due in the same instant")
    _db(stack, "setup", str(DRAIN_N))
    armed = _db(stack, "arm", "5")
    at = armed["at"]
    if UNTIL_CLAIMED:
        # Only until every timer has fired (its turn queued): the turns themselves take the workers minutes.
        _wait_done(stack, 600, pending_only=True)
    else:
        # Turns run at the workers' pace (a loaded 2-core machine: 10-20 a second), so the wait scales with N.
        _wait_done(stack, max(600.0, DRAIN_N / 5))
    drain = _lateness(_db(stack, "stats")["timers"], since=at - 0.001)
    drain["timers"] = armed["armed"]
    drain["claims_drained_s"] = drain["last_claim_s"] - at if drain["last_claim_s"] else None
    drain["turns_drained_s"] = drain["last_turn_s"] - at if drain["last_turn_s"] else None
    if UNTIL_CLAIMED:
        drain["turns_window_s"] = time.time() - at
        drain["turns_per_s"] = drain["completed"] / drain["turns_window_s"]
        drain["turns_drained_s"] = None
        drain["turn_ms"] = {}
    result["drain"] = drain
    say(
        f"timers/{kind}: {drain['fired']} fired, all claimed {fmt(drain['claims_drained_s'])} s after their due time; "
        f"turns done: {drain['completed']} (the last {fmt(drain['turns_drained_s'])} s after)"
    )
    stack.stop()
    return result


def run(procs: Procs) -> dict[str, Any]:
    out: dict[str, Any] = {"errors": [], "drain_n": DRAIN_N, "idle_n": IDLE_N}
    for kind in ("postgres", "embedded"):
        try:
            out[kind] = run_stack(kind, procs)
        except Exception as exc:  # noqa: BLE001 - one stack failing must not lose the other's figures
            out["errors"].append(f"{kind}: {type(exc).__name__}: {exc}")
        finally:
            procs.stop_all()
    return out
