"""Shared by the benchmarks: statistics, the machine, and child processes that are always cleaned up."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / ".out"
PYTHON = sys.executable


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def percentile(values: Iterable[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of the values; nan when there are none."""
    data = sorted(values)
    if not data:
        return float("nan")
    rank = max(1, min(len(data), round(p / 100 * len(data) + 0.5)))
    return data[rank - 1]


def summary(values: list[float]) -> dict[str, float]:
    """n, median, p90, p99 and mean of a sample (same unit as the values)."""
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "mean": sum(values) / len(values) if values else float("nan"),
    }


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:  # None or nan
        return "-"
    return f"{value:,.{digits}f}"


def run_text(argv: list[str], timeout: float = 10) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout).stdout.rstrip()
    except (OSError, subprocess.SubprocessError):
        return ""


def calibration_ms(repeats: int = 5) -> float:
    """CPU milliseconds of a fixed pure-Python workload (median): the same code runs in proportion to it, so runs on
    machines of different speed can be compared (on 2026-12-07 one machine ran at half the speed of the morning's)."""
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        total = 0
        for i in range(200_000):
            total += i * i % 7
        json.loads(json.dumps([{"key": str(i), "value": i, "items": [i, total]} for i in range(2_000)]))
        times.append((time.process_time() - t0) * 1000)
    return statistics.median(times)


def machine() -> dict[str, str]:
    """What the figures were measured on: cores, memory, CPU model, Python, versions, load, date."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    wrk = run_text(["wrk", "--version"]).split(" Copyright")
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": run_text(["nproc"]) or str(os.cpu_count()),
        "free_h": run_text(["free", "-h"]),
        "cpu_model": model,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "loadavg": " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "",
        "wrk": wrk[0] if wrk else "not installed",
        "postgres": run_text(["psql", "--version"]),
        "redis": " ".join(run_text(["redis-server", "--version"]).split()[:3]),
        "git": run_text(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "git_dirty": "yes" if run_text(["git", "-C", str(ROOT), "status", "--porcelain"]) else "no",
        "calibration_ms": f"{calibration_ms():.1f}",
    }


class Procs:
    """Children started in sessions of their own, stopped (SIGTERM, then SIGKILL) when the bench leaves."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(
        self, name: str, argv: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
    ) -> subprocess.Popen:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                argv,
                cwd=cwd or ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.children.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen, grace: float = 10) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(grace)
        # The group may outlive its leader (pool children): make sure nothing of it stays.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
        self.children = [(n, p) for n, p in self.children if p is not proc]

    def stop_all(self) -> None:
        for _name, proc in reversed(list(self.children)):
            self.stop(proc)

    def __enter__(self) -> Procs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()


def wait_for(check, timeout: float, what: str, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {proc.returncode}" + (f"; see {log}" if log else ""))
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what}: not ready within {timeout:.0f} s" + (f"; see {log}" if log else ""))


def _stat(path: str) -> list[str]:
    try:
        return Path(path).read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def cpu_ticks(pid: int | str, reaped: bool = False) -> int:
    """utime + stime of a process (or of one thread: "pid/task/tid") in clock ticks; 0 when it is gone.

    With reaped, also the CPU of its children that have exited and been waited for (cutime + cstime)."""
    fields = _stat(f"/proc/{pid}/stat")
    if not fields:
        return 0
    ticks = int(fields[11]) + int(fields[12])
    return ticks + int(fields[13]) + int(fields[14]) if reaped else ticks


def _children_map() -> dict[int, list[int]]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(f"/proc/{entry.name}/stat")
            if fields:
                parents.setdefault(int(fields[1]), []).append(int(entry.name))
    return parents


def descendants(pid: int) -> list[int]:
    """The process and everything below it (from the parent ids in /proc)."""
    parents = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, []))
    return out


def tree_ticks(root: int, exclude_root: bool = False) -> int:
    """CPU ticks of a process tree, counting processes that came and went in between (short-lived postgres
    backends, recycled pool processes): every live member's own and reaped children's time."""
    members = descendants(root)
    if exclude_root:
        members = [p for p in members if p != root]
    return sum(cpu_ticks(p, reaped=True) for p in members)


def pids_named(name: str) -> list[int]:
    """Processes whose command name is `name`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
    return found


def root_of(name: str) -> int | None:
    """The top process among those named `name` (postgres' postmaster), or None."""
    pids = set(pids_named(name))
    for pid in sorted(pids):
        fields = _stat(f"/proc/{pid}/stat")
        if fields and int(fields[1]) not in pids:
            return pid
    return None


def short_name(filename: str, line: int, name: str) -> str:
    for marker in ("site-packages/", f"{ROOT}/", "lib/python3."):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            if marker == "lib/python3.":
                filename = filename.split("/", 1)[-1]
            break
    return f"{name} ({filename}:{line})" if filename != "~" else name


TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def profile_row(filename: str, line: int, name: str, ncalls: int, tottime: float, cumtime: float, per: int) -> dict:
    """One cProfile entry as a table row, in ms per profiled call of the whole (own and cumulative)."""
    return {
        "function": short_name(filename, line, name),
        "calls": ncalls / per,
        "own_ms": tottime * 1000 / per,
        "cum_ms": cumtime * 1000 / per,
    }
