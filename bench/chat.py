"""Targets 2 and 4 on one stack: chat turns over HTTP under wrk (32 connections, a conversation each), step events
on the trace socket (idle and under load), and where a turn's time goes."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

from config.run import web_server

from . import load, trace_ws
from .common import PYTHON, ROOT, Procs, profile_row, say
from .stack import PG_DB, Stack

SPARES = 3  # conversations per connection: one in use, the rest take over if a reply ever lacks its marker


def _breakdown(stack: Stack, args: dict[str, Any], timeout: float = 300) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, "-m", "bench.breakdown", json.dumps(args)],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("BREAKDOWN ")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"bench.breakdown failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(lines[-1][len("BREAKDOWN ") :])


def _section(result: dict[str, Any], name: str, fn, *args: Any, **kwargs: Any) -> Any:
    """Run one part; a failure is recorded and the rest of the stack's benchmarks still run."""
    try:
        value = fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - a bench reports what failed and goes on
        say(f"{name} failed: {type(exc).__name__}: {exc}")
        result.setdefault("errors", []).append(f"{name}: {type(exc).__name__}: {exc}")
        return None
    result[name] = value
    return value


def run(kind: str, procs: Procs, seconds: int = 15, breakdown_count: int = 100) -> dict[str, Any]:
    result: dict[str, Any] = {"kind": kind}
    stack = Stack(kind, procs)
    try:
        t0 = time.monotonic()
        stack.prepare()
        stack.start()
        result["setup_s"] = time.monotonic() - t0
        result["info"] = stack.info
        conversations = stack.start_conversations(load.CONNECTIONS * SPARES)
        path = stack.write_conversations(conversations, "conversations.txt")
        groups = stack.cpu_groups()
        groups.update(load.shared_servers(postgres=kind == "postgres", redis=kind == "postgres", dbname=PG_DB))
        lua_args = [str(path), str(load.THREADS)]

        _section(result, "warmup", load.run_wrk, stack.url, load.CHAT_LUA, 3, [*lua_args, "warm"])
        since = time.time()
        say(f"{kind}: chat turns, wrk {seconds} s")
        _section(result, "load", load.run_wrk, stack.url, load.CHAT_LUA, seconds, [*lua_args, "main"], groups)
        _section(result, "queue", lambda: _breakdown(stack, {"since": since})["queue"])

        say(f"{kind}: trace socket, idle")
        token = stack.info["staff_token"]
        probe_args = (stack.url, stack.info["probe_flow_id"], stack.info["probe_slug"], token)
        _section(result, "trace_idle", trace_ws.probe, *probe_args, max_turns=200, max_seconds=8)

        say(f"{kind}: trace socket, under load (wrk on the other flow)")
        result["load_during_trace"] = _loaded_probe(result, "trace_loaded", stack, lua_args, probe_args)
        # The same with the watcher's socket on a second web process that serves no HTTP, as a deployment routes
        # /ws/ to processes of its own (docs/scaling.md): its event loop shares no GIL with request threads.
        say(f"{kind}: trace socket on a web process of its own, under load")
        sockets_url = stack.start_socket_process()
        try:
            _loaded_probe(result, "trace_loaded_apart", stack, lua_args, probe_args, watch_url=sockets_url)
        finally:
            stack.stop_socket_process()

        say(f"{kind}: where the time goes (one client, one turn at a time; then the view and the task in process)")
        fresh = stack.start_conversations(3)
        for name, args in (("sequential", {"http": fresh[0]}), ("floor", {"floor": True})):
            meter = load.CpuMeter(groups)
            meter.start()
            seq_since = time.time()
            _section(result, name, _breakdown, stack, {"url": stack.url, "count": 200, **args})
            result[f"{name}_cpu"] = meter.stop()
            if name == "sequential":
                _section(
                    result, "sequential_queue", lambda since=seq_since: _breakdown(stack, {"since": since})["queue"]
                )
        if kind == "postgres" and web_server() == "daphne":  # a profile of daphne's loop: only when daphne serves
            say(f"{kind}: daphne's event-loop thread under cProfile (a second daphne on the same stack)")
            _section(result, "daphne_profile", profile_daphne, stack, procs)
        _section(
            result,
            "parts",
            _breakdown,
            stack,
            {
                "url": stack.url,
                "view": fresh[1],
                "worker": fresh[2][0],
                "count": breakdown_count,
                "connect": 50 if kind == "postgres" else 0,
            },
        )
    except Exception as exc:  # noqa: BLE001 - recorded; the bench goes on with the next stack
        say(f"{kind} stack failed: {type(exc).__name__}: {exc}")
        result.setdefault("errors", []).append(f"{type(exc).__name__}: {exc}")
    finally:
        stack.stop()
    return result


def _loaded_probe(
    result: dict[str, Any],
    name: str,
    stack: Stack,
    lua_args: list[str],
    probe_args: tuple,
    watch_url: str | None = None,
) -> dict[str, Any] | None:
    """Target 4 under load, recorded as `name`; wrk's figures meanwhile."""
    found = _section(result, name, trace_ws.under_load, stack.url, lua_args, probe_args, watch_url)
    return found.pop("background", None) if found else None


def profile_daphne(stack: Stack, procs: Procs, requests_404: int = 200, turns: int = 100) -> dict[str, Any]:
    """A second daphne on the same stack with its event-loop thread profiled: per request, how many loop
    iterations, thread hops (asgiref) and new threads, and the functions with the most own time."""
    import os
    import signal

    import requests

    from .common import wait_for
    from .stack import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    prefix = stack.dir / "daphne-loop"
    log = stack.dir / "daphne-profiled.log"
    proc = procs.start(
        "daphne (profiled)",
        [
            PYTHON,
            "-m",
            "bench.profiled_daphne",
            str(prefix),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        stack.env,
        log,
    )
    try:
        wait_for(lambda: requests.get(url + "/healthz", timeout=5).status_code == 200, 60, "profiled daphne", proc, log)
        conversation = stack.start_conversations(1)[0]
        out: dict[str, Any] = {}
        with requests.Session() as http:
            headers = {"Authorization": f"Bearer {conversation[1]}"}
            phases = (
                ("404", requests_404, lambda i: http.get(f"{url}/bench-no-such-page/", timeout=30)),
                (
                    "turn",
                    turns,
                    lambda i: http.post(
                        f"{url}/api/v1/chat/conversations/{conversation[0]}/messages/",
                        json={"text": f"p {i}"},
                        headers=headers,
                        timeout=30,
                    ),
                ),
            )
            for n, (name, count, call) in enumerate(phases, start=1):
                for i in range(10):
                    call(i)  # warm
                os.kill(proc.pid, signal.SIGUSR1)
                time.sleep(0.2)
                for i in range(count):
                    call(i)
                os.kill(proc.pid, signal.SIGUSR2)
                path = prefix.parent / f"{prefix.name}-{n}.prof"
                wait_for(lambda path=path: path.exists() and path.stat().st_size > 0, 20, "profile dump", proc, log)
                time.sleep(0.3)
                out[name] = _loop_profile(path, count)
        return out
    finally:
        procs.stop(proc)


def _loop_profile(path, count: int) -> dict[str, Any]:
    import pstats

    stats = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    busy, loops, hops, threads, rows = 0.0, 0, 0, 0, []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.items():
        idle = "poll' of 'select.epoll" in name or name == "<method 'poll' of 'select.epoll' objects>"
        if not idle:
            busy += tottime
        if name == "_run_once" and filename.endswith("asyncio/base_events.py"):
            loops += ncalls
        if name == "__call__" and filename.endswith("asgiref/sync.py"):
            hops += ncalls
        if name == "<built-in method _thread.start_new_thread>":
            threads += ncalls
        if not idle:
            rows.append(profile_row(filename, line, name, ncalls, tottime, cumtime, count))
    rows.sort(key=lambda r: r["own_ms"], reverse=True)
    return {
        "requests": count,
        "busy_ms": busy * 1000 / count,
        "loop_iterations": loops / count,
        "asgiref_calls": hops / count,
        "threads_started": threads / count,
        "top": rows[:12],
    }
