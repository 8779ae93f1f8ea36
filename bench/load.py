"""Running wrk (always the same settings for us and the peers), reading its figures, and CPU use per component."""

from __future__ import annotations

import json
import re
import resource
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import ROOT, TICK_S, cpu_ticks, descendants, root_of, say, tree_ticks

THREADS, CONNECTIONS = 2, 32
TIMEOUT = "10s"  # wrk's default 2 s would drop slow turns from the latency figures instead of counting them
CHAT_LUA = ROOT / "bench" / "wrk-chat.lua"
PG_OWN = "postgres (backends of the bench database)"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk_argv(url: str, script: Path, seconds: int, args: list[str] | None = None) -> list[str]:
    argv = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        TIMEOUT,
        "-s",
        str(script),
        url,
    ]
    return argv + (["--", *args] if args else [])


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        return float("nan")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse(output: str) -> dict[str, Any]:
    """wrk's own report (--latency): requests, duration, turns/s, percentiles in ms, errors; plus our JSON line."""
    out: dict[str, Any] = {}
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)\s*$", output, re.M)
        out[f"p{pct}_ms"] = _ms(m.group(1)) if m else float("nan")
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+),", output)
    if m:
        out["requests"] = int(m.group(1))
        out["duration_s"] = _ms(m.group(2) + m.group(3)) / 1000
    m = re.search(r"Requests/sec:\s+([\d.]+)", output)
    out["rps"] = float(m.group(1)) if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    out["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    out["socket_errors"] = sum(int(g) for g in m.groups()) if m else 0
    m = re.search(r"^BENCHJSON (.*)$", output, re.M)
    if m:
        out["lua"] = json.loads(m.group(1))
        out["p999_ms"] = out["lua"]["p999_us"] / 1000
        out["max_ms"] = out["lua"]["max_us"] / 1000
    return out


Ticks = Callable[[], int]


class CpuMeter:
    """CPU seconds used by each group of processes, and by the whole machine, between start() and stop().

    A group is a function returning its CPU ticks so far (a process tree, a thread, a server)."""

    def __init__(self, groups: dict[str, Ticks]):
        self.groups = groups

    @staticmethod
    def _machine() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields[:8]) - idle, sum(fields[:8])

    def _snap(self) -> dict[str, int]:
        return {name: ticks() for name, ticks in self.groups.items()}

    def start(self) -> None:
        self.t0, self.before, self.machine0 = time.monotonic(), self._snap(), self._machine()
        self.children0 = resource.getrusage(resource.RUSAGE_CHILDREN)

    def stop(self) -> dict[str, Any]:
        after, machine1 = self._snap(), self._machine()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.monotonic() - self.t0
        used = {name: (after[name] - self.before[name]) * TICK_S for name in self.groups}
        # wrk (and any short-lived child we waited for meanwhile) counts in RUSAGE_CHILDREN once reaped.
        used["load generator (wrk, or the Python client)"] = (children.ru_utime + children.ru_stime) - (
            self.children0.ru_utime + self.children0.ru_stime
        )
        busy = (machine1[0] - self.machine0[0]) * TICK_S
        total = (machine1[1] - self.machine0[1]) * TICK_S
        return {"wall_s": wall, "cpu_s": used, "machine_busy_s": busy, "machine_total_s": total}


def run_wrk(
    url: str,
    script: Path,
    seconds: int,
    args: list[str] | None = None,
    cpu_groups: dict[str, Ticks] | None = None,
) -> dict[str, Any]:
    """One bounded wrk run (killed if it overruns); figures from its report, CPU per component when asked."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    argv = wrk_argv(url, script, seconds, args)
    say("wrk: " + " ".join(a if len(a) < 60 else "…" + a[-40:] for a in argv))
    meter = CpuMeter(cpu_groups or {})
    meter.start()
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30, cwd=ROOT)
    cpu = meter.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"wrk exited with {proc.returncode}: {proc.stderr[-1000:]}")
    result = parse(proc.stdout)
    result["raw"] = proc.stdout
    result["argv"] = argv
    if cpu_groups is not None:
        result["cpu"] = cpu
    return result


class DatabaseBackends:
    """CPU ticks of the PostgreSQL backends serving one database (their process title names it), so other users of
    a shared server are left out. A backend that exits keeps the ticks it had when last seen (read at least at the
    start and the end of a measurement: the stack's connections are pooled, so backends live through a run)."""

    def __init__(self, postmaster: int, dbname: str):
        self.postmaster, self.marker = postmaster, f" {dbname} "
        self.seen: dict[int, int] = {}

    def __call__(self) -> int:
        for pid in descendants(self.postmaster):
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if self.marker in f" {title} ":
                ticks = cpu_ticks(pid)
                if ticks:
                    self.seen[pid] = max(ticks, self.seen.get(pid, 0))
        return sum(self.seen.values())


def shared_servers(postgres: bool = True, redis: bool = True, dbname: str | None = None) -> dict[str, Ticks]:
    """The machine's PostgreSQL and Redis. With dbname, only the backends serving that database; otherwise the
    postmaster and every backend (also short-lived ones), including anything else that uses them meanwhile. Redis
    is one process: its CPU includes other users' commands."""
    groups: dict[str, Ticks] = {}
    postmaster = root_of("postgres") if postgres else None
    if postmaster is not None and dbname:
        groups[PG_OWN] = DatabaseBackends(postmaster, dbname)
    elif postmaster is not None:
        groups["postgres (all backends)"] = lambda: tree_ticks(postmaster)
    redis_pid = root_of("redis-server") if redis else None
    if redis_pid is not None:
        groups["redis-server (machine's)"] = lambda: cpu_ticks(redis_pid)
    return groups


def good_turns(result: dict[str, Any]) -> float:
    """Turns/s answered 200 with their reply (wrk's Requests/sec counts errors and 202s too)."""
    lua = result.get("lua") or {}
    bad = lua.get("not_ok", result.get("non_2xx", 0)) + lua.get("pending", 0)
    duration = result.get("duration_s") or float("nan")
    return (result.get("requests", 0) - bad) / duration
