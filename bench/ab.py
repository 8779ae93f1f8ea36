"""A/B of stack variants on one prepared stack, run alternately (A B A B ...), for a shared, noisy machine.

`python -m bench.ab KIND VARIANT_A VARIANT_B [VARIANT ...] [ROUNDS]`. KIND: postgres or embedded; a variant is a name
in VARIANTS, or `base:NAME` to run NAME from the checkout at BENCH_AB_BASE (e.g. the commit before a change: a
before/after pair). Each round starts the web process and the worker as the variant says, runs wrk (32 connections,
BENCH_SECONDS, default 8), then one client sending one turn at a time (BENCH_AB_SEQUENTIAL turns, default 150), and
stops them. Reported per variant as medians over the rounds: turns/s, latency, and CPU per turn per process (the
figures that hold on a loaded machine); then the ratio of each variant's median to the first's, and the median of the
ratios within each round (paired, so the machine's drift between rounds cancels). Raw figures:
bench/.out/ab-<kind>.json. With BENCH_PYSPY naming a py-spy binary, each round's web process and worker are sampled
during the measured load (`--gil`, 200 Hz; its pauses slow them, so read shares, not that round's turns/s) into
bench/.out/spy-<variant>-<round>-<role>.txt. With BENCH_AB_TRACE=1, each round also measures target 4 under load (a
step event's way to a watching socket while wrk loads the other flow, as `make bench` does). The web process is
uvicorn as `make run` starts it, except in the daphne variants (decision 0047).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
import requests

from config.run import web_argv, worker_argv

from . import load, trace_ws
from .common import OUT, Procs, machine, say, wait_for
from .stack import PG_DB, QUEUE, Stack


def _worker(*extra: str, concurrency: int = 2) -> Callable[[Stack, str], list[str]]:
    return lambda stack, name: worker_argv(QUEUE, concurrency, name, *extra)


def _web(stack: Stack) -> list[str]:
    return web_argv("127.0.0.1", stack.port)  # as `make run` starts it (uvicorn, unless WEB_SERVER says otherwise)


def _daphne(stack: Stack) -> list[str]:
    return web_argv("127.0.0.1", stack.port, "daphne")


# name -> (web argv, worker argv, extra environment)
VARIANTS: dict[str, tuple[Callable[[Stack], list[str]], Callable[[Stack, str], list[str]], dict[str, str]]] = {
    "prefork": (_web, _worker("-P", "prefork"), {}),
    "threads4": (_web, _worker("-P", "threads", concurrency=4), {}),
    "solo": (_web, _worker("-P", "solo", concurrency=1), {}),
    "unprepared": (_web, _worker("-P", "threads", concurrency=4), {"DB_PREPARED_STATEMENTS": "false"}),
    "reconnect": (_web, _worker("-P", "threads", concurrency=4), {"DB_CONN_MAX_AGE": "0"}),  # SQLite: no kept one
    "daphne-threads4": (_daphne, _worker("-P", "threads", concurrency=4), {}),
}


def _sequential(stack: Stack, conversation: tuple[str, str], count: int) -> list[float]:
    """One client, one turn at a time: each turn's time from POST to reply, ms."""
    cid, token = conversation
    times = []
    with requests.Session() as http:
        headers = {"Authorization": f"Bearer {token}"}
        for i in range(count):
            t0 = time.perf_counter()
            r = http.post(
                f"{stack.url}/api/v1/chat/conversations/{cid}/messages/",
                json={"text": f"s {i}"},
                headers=headers,
                timeout=30,
            )
            times.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200:
                raise RuntimeError(f"sequential turn answered {r.status_code}: {r.text[:300]}")
    return times


def _per_turn(cpu: dict[str, Any], turns: int) -> dict[str, float]:
    used = dict(cpu["cpu_s"])
    used["machine busy (all cores)"] = cpu["machine_busy_s"]
    worker = used.get("celery: main process (consumer)", 0) + used.get("celery: pool processes (-c 2)", 0)
    used["celery: whole worker"] = worker
    return {name: seconds * 1000 / turns if turns else float("nan") for name, seconds in used.items()}


def _spy(stack: Stack, label: str, seconds: int) -> list[subprocess.Popen]:
    """With BENCH_PYSPY (a py-spy binary), sample the web process and the worker during the measured load."""
    spy = os.environ.get("BENCH_PYSPY")
    if not spy:
        return []
    procs = []
    for role, proc in (("web", stack.web), ("worker", stack.worker)):
        assert proc is not None
        out = OUT / f"spy-{label}-{role}.txt"
        argv = [
            spy,
            "record",
            "-p",
            str(proc.pid),
            "-r",
            "200",
            "-d",
            str(seconds),
            "--gil",  # where the interpreter works; unpaused (--nonblocking) a third of the samples failed
            "-f",
            "raw",
            "-o",
            str(out),
        ]
        with out.with_suffix(".log").open("w") as log:  # py-spy's own words, if it could not sample
            procs.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT))
    return procs


def one_round(stack: Stack, variant: str, lua_args: list[str], seconds: int, seq_count: int, n: int) -> dict:
    base = variant.startswith("base:")
    web, worker, env = VARIANTS[variant.removeprefix("base:")]
    cwd = Path(os.environ["BENCH_AB_BASE"]) if base else None
    saved = dict(stack.env)
    stack.env.update(env)
    if cwd is not None:
        stack.env["PYTHONPATH"] = str(cwd)
    name = f"ab-{n}-{variant.replace(':', '-')}-{os.getpid()}"
    try:
        stack.start(web(stack), worker(stack, name), cwd)
        # /healthz may still see the last round's worker beat: wait for this one's own.
        beats = redis.Redis.from_url(stack.redis_url)
        wait_for(lambda: any(beats.scan_iter(f"fb:worker:{name}@*")), 90, f"worker {name}", stack.worker)
        groups = stack.cpu_groups()
        groups.update(load.shared_servers(postgres=stack.kind == "postgres", redis=False, dbname=PG_DB))
        load.run_wrk(stack.url, load.CHAT_LUA, 2, [*lua_args, f"w{variant}{n}"])
        spies = _spy(stack, f"{variant.replace(':', '-')}-{n}", seconds)
        r = load.run_wrk(stack.url, load.CHAT_LUA, seconds, [*lua_args, f"m{variant}{n}"], groups)
        for spy in spies:
            spy.wait(timeout=60)
        trace = _trace_loaded(stack, lua_args) if os.environ.get("BENCH_AB_TRACE") else {}
        fresh = stack.start_conversations(1)[0]
        _sequential(stack, fresh, 10)
        meter = load.CpuMeter(groups)
        meter.start()
        times = _sequential(stack, fresh, seq_count)
        seq_cpu = meter.stop()
    finally:
        stack.stop_web_and_worker()
        stack.env.clear()
        stack.env.update(saved)
    good = load.good_turns(r)
    return {
        "variant": variant,
        "turns_s": good,
        "p50_ms": r["p50_ms"],
        "p99_ms": r["p99_ms"],
        "errors": r.get("non_2xx", 0) + r.get("socket_errors", 0) + (r.get("lua") or {}).get("pending", 0),
        "cpu_ms_per_turn_loaded": _per_turn(r["cpu"], r.get("requests", 0)),
        "sequential_p50_ms": statistics.median(times),
        "cpu_ms_per_turn_sequential": _per_turn(seq_cpu, seq_count),
        "trace_loaded_ms": trace,
    }


def _trace_loaded(stack: Stack, lua_args: list[str]) -> dict[str, float]:
    """With BENCH_AB_TRACE: target 4's step event to a watching socket while wrk loads the other flow, as `make
    bench` measures it (bench/chat.py), so a change to that path can be alternated too."""
    info = stack.info
    probe_args = (stack.url, info["probe_flow_id"], info["probe_slug"], info["staff_token"])
    found = trace_ws.under_load(stack.url, lua_args, probe_args)
    return {"step.finished p50": found["step_finished_ms"]["p50"], "all steps p50": found["all_steps_ms"]["p50"]}


def _median(rounds: list[dict], *path: str) -> float:
    values = []
    for r in rounds:
        v: Any = r
        for key in path:
            v = v.get(key) if isinstance(v, dict) else None
        if isinstance(v, int | float) and v == v:  # a round with no turn has no per-turn figure (nan)
            values.append(float(v))
    return statistics.median(values) if values else float("nan")


def _paired(first: list[dict], other: list[dict], path: tuple[str, ...]) -> float:
    """The median over rounds of other's figure divided by first's in the same round."""
    ratios = []
    for a, b in zip(first, other, strict=False):
        x, y = _median([a], *path), _median([b], *path)
        if x == x and y == y and x:
            ratios.append(y / x)
    return statistics.median(ratios) if ratios else float("nan")


def report(kind: str, variants: list[str], rounds: list[dict]) -> str:
    a = variants[0]
    by = {v: [r for r in rounds if r["variant"] == v] for v in variants}
    others = variants[1:]
    lines = [
        f"{kind}: {', '.join(variants)}, {len(by[a])} rounds each, alternately; medians, the ratio of each median to "
        f"{a}'s, and the median of the ratios within each round (paired: the machine's drift between rounds cancels)",
        "",
        "| figure | " + " | ".join(variants) + " | " + " | ".join(f"{v} / {a} | paired" for v in others) + " |",
        "|---" * (1 + len(variants) + 2 * len(others)) + "|",
    ]
    rows: list[tuple[str, tuple[str, ...]]] = [
        ("turns/s, 32 clients", ("turns_s",)),
        ("p50 ms, 32 clients", ("p50_ms",)),
        ("p99 ms", ("p99_ms",)),
    ]
    rows.append(("one client, p50 ms", ("sequential_p50_ms",)))
    names = sorted({k for r in rounds for k in r["cpu_ms_per_turn_loaded"]})
    rows += [(f"CPU ms/turn loaded: {n}", ("cpu_ms_per_turn_loaded", n)) for n in names]
    rows += [(f"CPU ms/turn one client: {n}", ("cpu_ms_per_turn_sequential", n)) for n in names]
    traced = sorted({k for r in rounds for k in r.get("trace_loaded_ms", {})})
    rows += [(f"step event to a socket under load, ms: {n}", ("trace_loaded_ms", n)) for n in traced]
    for label, path in rows:
        values = {v: _median(by[v], *path) for v in variants}
        ratios = [
            f"{values[v] / values[a] if values[a] else float('nan'):.2f} | {_paired(by[a], by[v], path):.2f}"
            for v in others
        ]
        lines.append(
            f"| {label} | " + " | ".join(f"{values[v]:.2f}" for v in variants) + " | " + " | ".join(ratios) + " |"
        )
    lines.append("\nerrors: " + ", ".join(f"{v} {sum(r['errors'] for r in by[v])}" for v in variants))
    return "\n".join(lines)


def main() -> int:
    kind, *variants = sys.argv[1:]
    rounds_n = int(variants.pop()) if variants[-1].isdigit() else 3
    seconds = int(os.environ.get("BENCH_SECONDS", "8"))
    seq_count = int(os.environ.get("BENCH_AB_SEQUENTIAL", "150"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    say(f"machine: {machine()['nproc']} cores, load {machine()['loadavg']}")
    rounds: list[dict] = []
    with Procs() as procs:
        stack = Stack(kind, procs)
        stack.prepare()
        stack.start()
        conversations = stack.start_conversations(load.CONNECTIONS * 3)
        path = stack.write_conversations(conversations, "conversations.txt")
        stack.stop_web_and_worker()
        lua_args = [str(path), str(load.THREADS)]
        try:
            for n in range(rounds_n):
                for variant in variants:
                    say(f"round {n + 1}: {variant}")
                    rounds.append(one_round(stack, variant, lua_args, seconds, seq_count, n))
        finally:
            stack.stop()
    text = report(kind, variants, rounds)
    out = OUT / f"ab-{kind}.json"
    out.write_text(json.dumps({"machine": machine(), "rounds": rounds, "report": text}, indent=1))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
