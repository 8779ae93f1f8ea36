"""Issue 15, target 1: our chat turn against n8n's, run alternately in one bench (ours, n8n, ours, n8n), so both
see the same machine; Node-RED once at the end as the stateless ceiling.

Ours is the PostgreSQL + Redis stack as `make run` starts it (bench/stack.py: one web process, one Celery worker
`-P threads -c 4`), 32 wrk connections with a conversation each (bench/wrk-chat.lua); the peers are those of
/work/shared/peers/setup.sh (n8n on :5678/webhook/chat, Node-RED on :1880/chat), measured with the same wrk settings
and /work/shared/peers/wrk-post.lua. Peers already listening are reused and left running; setup.sh runs only when one
is missing, and only what it started is stopped. Both systems stay up through all rounds, idle while the other is
measured. BENCH_VERSUS_ROUNDS (default 2) sets the rounds per system.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import load, peers
from .chat import SPARES
from .common import OUT, Procs, say, tree_ticks
from .stack import PG_DB, Stack

PAUSE_S = 3.0  # between rounds: turns still in flight when wrk stops finish before the other system is measured
WARMUP_S = 3
TARGET = 5.0
# Our processes for "CPU per turn, the system's own": the web process (its event-loop thread is inside it), the
# worker and the bench database's PostgreSQL backends. The machine's Redis serves the test suites too, so it is
# measured but left out of that sum (0.7 ms a turn when last measured alone); a peer's is its process tree.
SYSTEM = (
    "web (whole process)",
    "celery: main process (consumer)",
    "celery: pool processes (-c 2)",
    load.PG_OWN,
)


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def figures(r: dict[str, Any]) -> dict[str, Any]:
    """What a round reports: answered turns/s (errors and 202s left out), p50, p99, errors, CPU ms per turn."""
    lua = r.get("lua") or {}
    requests = r.get("requests", 0)
    out: dict[str, Any] = {
        "turns_per_s": load.good_turns(r),
        "wrk_rps": r.get("rps"),
        "p50_ms": r.get("p50_ms"),
        "p99_ms": r.get("p99_ms"),
        "requests": requests,
        "errors": r.get("socket_errors", 0) + lua.get("not_ok", r.get("non_2xx", 0)),
        "pending_202": lua.get("pending", 0),
    }
    cpu = r.get("cpu") or {}
    if cpu and requests:
        used = cpu["cpu_s"]
        system = sum(s for name, s in used.items() if name in cpu.get("system", []))
        out["system_cpu_ms_per_turn"] = system * 1000 / requests
        out["machine_cpu_ms_per_turn"] = cpu["machine_busy_s"] * 1000 / requests
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or a != a or b != b or not b:
        return None
    return a / b


def ratios(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, float | None]:
    """Oriented so that above 1 is better for us and TARGET (5) meets the target: turns/s ours over theirs, latency
    theirs over ours."""
    return {
        "turns_per_s": _ratio(ours.get("turns_per_s"), theirs.get("turns_per_s")),
        "p50": _ratio(theirs.get("p50_ms"), ours.get("p50_ms")),
        "p99": _ratio(theirs.get("p99_ms"), ours.get("p99_ms")),
    }


def medians(rounds: list[dict[str, Any]]) -> dict[str, float | None]:
    """The median of each figure over a system's rounds (with two rounds, their mean)."""
    out: dict[str, float | None] = {}
    for key in ("turns_per_s", "p50_ms", "p99_ms", "system_cpu_ms_per_turn", "machine_cpu_ms_per_turn"):
        values = [r[key] for r in rounds if r.get(key) is not None and r[key] == r[key]]
        out[key] = statistics.median(values) if values else None
    return out


def summarise(result: dict[str, Any]) -> None:
    """Per-system medians, each alternated pair's ratios and the ratios of the medians, into the result."""
    by: dict[str, list[dict[str, Any]]] = {}
    for r in result["rounds"]:
        if r.get("figures"):
            by.setdefault(r["system"], []).append(r["figures"])
    result["medians"] = {system: medians(rows) for system, rows in by.items()}
    ours, n8n = by.get("ours", []), by.get("n8n", [])
    result["pair_ratios"] = [ratios(a, b) for a, b in zip(ours, n8n, strict=False)]
    if ours and n8n:
        result["median_ratios"] = ratios(result["medians"]["ours"], result["medians"]["n8n"])
        met = result["median_ratios"]
        result["target_met"] = bool(
            (met["turns_per_s"] or 0) >= TARGET
            and (met["p50"] or 0) >= TARGET
            and all((p["turns_per_s"] or 0) >= TARGET and (p["p50"] or 0) >= TARGET for p in result["pair_ratios"])
        )
    if by.get("node-red") and ours:
        result["nodered_ratios"] = ratios(result["medians"]["ours"], result["medians"]["node-red"])


def _measure(
    result: dict[str, Any],
    system: str,
    n: int,
    url: str,
    script: Path,
    seconds: int,
    args: list[str] | None,
    groups: dict[str, Callable[[], int]],
) -> None:
    """One round; a failed round is recorded and the others still run."""
    row: dict[str, Any] = {"system": system, "round": n, "started": _now(), "loadavg": _loadavg()}
    say(f"versus: round {n}, {system}, wrk {seconds} s (load {row['loadavg']})")
    try:
        r = load.run_wrk(url, script, seconds, args, groups)
        r["cpu"]["system"] = [name for name in groups if name in SYSTEM or name.startswith("its process tree")]
        row["wrk"] = {k: v for k, v in r.items() if k != "raw"}
        row["figures"] = figures(r)
        f = row["figures"]
        say(f"versus: {system} {f['turns_per_s']:.1f} turns/s, p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms")
    except (RuntimeError, subprocess.SubprocessError) as exc:
        row["error"] = f"{type(exc).__name__}: {exc}"
        result["errors"].append(f"{system} round {n}: {row['error']}")
    result["rounds"].append(row)


def _tree(port: int) -> dict[str, Callable[[], int]]:
    pid = peers.listener_pid(port)
    return {f"its process tree (pid {pid})": lambda: tree_ticks(pid)} if pid else {}


def run(procs: Procs, seconds: int, setup_timeout: float, rounds: int = 2) -> dict[str, Any]:
    result: dict[str, Any] = {
        "started": _now(),
        "loadavg_start": _loadavg(),
        "wrk_seconds": seconds,
        "rounds_per_system": rounds,
        "order": ["ours", "n8n"] * rounds + ["node-red"],
        "rounds": [],
        "errors": [],
    }
    stack = Stack("postgres", procs)
    info: dict[str, Any] = {}
    try:
        t0 = time.monotonic()
        stack.prepare()
        stack.start()
        result["stack_setup_s"] = time.monotonic() - t0
        conversations = stack.start_conversations(load.CONNECTIONS * SPARES)
        path = stack.write_conversations(conversations, "versus-conversations.txt")
        lua_args = [str(path), str(load.THREADS)]
        info = peers.ensure(setup_timeout, OUT / "peers-setup.log")
        result["peers"] = {k: v for k, v in info.items() if k != "since"}
        result["errors"] += [f"peers: {e}" for e in info["errors"]]
        missing = [name for name, port in peers.PORTS.items() if not peers._listening(port)]
        for name in missing:
            result["errors"].append(f"{name} is not listening on :{peers.PORTS[name]}; not measured")
        ours_groups = stack.cpu_groups()
        ours_groups.update(load.shared_servers(dbname=PG_DB))
        n8n_groups = _tree(peers.PORTS["n8n"])
        say("versus: warm-up, ours and n8n")
        load.run_wrk(stack.url, load.CHAT_LUA, WARMUP_S, [*lua_args, "vwarm"])
        if "n8n" not in missing:
            load.run_wrk(peers.URLS["n8n"], peers.WRK_LUA, WARMUP_S)
        for n in range(1, rounds + 1):
            time.sleep(PAUSE_S)
            _measure(result, "ours", n, stack.url, load.CHAT_LUA, seconds, [*lua_args, f"v{n}"], ours_groups)
            if "n8n" not in missing:
                time.sleep(PAUSE_S)
                _measure(result, "n8n", n, peers.URLS["n8n"], peers.WRK_LUA, seconds, None, n8n_groups)
        if "node-red" not in missing:
            time.sleep(PAUSE_S)
            load.run_wrk(peers.URLS["node-red"], peers.WRK_LUA, WARMUP_S)
            nr_groups = _tree(peers.PORTS["node-red"])
            _measure(result, "node-red", 1, peers.URLS["node-red"], peers.WRK_LUA, seconds, None, nr_groups)
    except Exception as exc:  # noqa: BLE001 - recorded with what was measured so far
        say(f"versus failed: {type(exc).__name__}: {exc}")
        result["errors"].append(f"{type(exc).__name__}: {exc}")
    finally:
        stack.stop()
        if info.get("since") is not None:
            result["peers"]["stopped"] = peers.stop(info["since"])
            say("peers: stopped " + ("; ".join(result["peers"]["stopped"]) or "nothing"))
        result["finished"] = _now()
        result["loadavg_end"] = _loadavg()
    summarise(result)
    return result
