"""Target 3: Node-RED and n8n as anchors, in the same run and with the same wrk settings as our chat turn.

/work/shared/peers/setup.sh installs them (first time only; npm) and starts them on loopback with a one-message
chat flow each: Node-RED on :1880/chat (stateless function node), n8n on :5678/webhook/chat (executions saved).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from . import load
from .common import OUT, descendants, say

SETUP = Path("/work/shared/peers/setup.sh")
WRK_LUA = Path("/work/shared/peers/wrk-post.lua")
PIDS = {"node-red": Path("/tmp/peers/nodered/pid"), "n8n": Path("/tmp/peers/n8n/pid")}
URLS = {"node-red": "http://127.0.0.1:1880/chat", "n8n": "http://127.0.0.1:5678/webhook/chat"}
PORTS = {"node-red": 1880, "n8n": 5678}


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _ours(pid: int) -> bool:
    """Only processes that are the peers (or setup.sh's subshell) are ever signalled."""
    cmd = _cmdline(pid)
    return any(word in cmd for word in ("node", "n8n", "setup.sh"))


def stop(since: float) -> list[str]:
    """Stop what setup.sh started in this run (pid files written after `since`), with their process trees."""
    stopped = []
    targets: list[int] = []
    for name, pid_file in PIDS.items():
        if not pid_file.exists() or pid_file.stat().st_mtime < since:
            continue
        with contextlib.suppress(ValueError, OSError):
            pid = int(pid_file.read_text().strip())
            tree = [p for p in descendants(pid) if _ours(p)]
            targets.extend(tree)
            stopped.append(f"{name} (pids {', '.join(map(str, tree))})")
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in targets:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                # A group leader takes its group with it (n8n's task runner); others get the signal alone.
                if os.getpgid(pid) == pid:
                    os.killpg(pid, sig)
                else:
                    os.kill(pid, sig)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() and _alive(p) for p in targets):
            time.sleep(0.2)
    return stopped


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def listener_pid(port: int) -> int | None:
    """The process listening on a loopback port (from `ss`), or None."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, timeout=10).stdout
    m = re.search(r"pid=(\d+)", out)
    return int(m.group(1)) if m else None


def _run_setup(setup_timeout: float, log: Path) -> tuple[dict[str, Any], str | None]:
    """Run setup.sh, bounded (killed with its whole group when it overruns); what it did, and what went wrong."""
    log.parent.mkdir(parents=True, exist_ok=True)
    say(f"peers: running {SETUP} (installs on first use; at most {setup_timeout:.0f} s)")
    t0 = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["bash", str(SETUP)],
            cwd="/tmp",
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        code: int | None = proc.wait(setup_timeout)
    except subprocess.TimeoutExpired:
        code = None
    finally:
        if proc.poll() is None:  # timed out, or the bench is being stopped: npm and all go with it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    done = {"seconds": time.monotonic() - t0, "exit": code, "log": str(log)}
    if code is None:
        return done, f"setup.sh did not finish within {setup_timeout:.0f} s (see {log})"
    if code != 0:
        return done, f"setup.sh exited with {code} (see {log})"
    return done, None


def ensure(setup_timeout: float, log: Path) -> dict[str, Any]:
    """Both peers listening: those already up are reused (and left running afterwards); setup.sh runs only when one
    is missing. `since` is set when it ran: stop(since) then stops what it started, and only that."""
    info: dict[str, Any] = {"reused": [], "setup": {}, "errors": [], "since": None}
    info["reused"] = [name for name, port in PORTS.items() if _listening(port)]
    if len(info["reused"]) == len(PORTS):
        say(f"peers: reusing {', '.join(info['reused'])}, already listening (left running afterwards)")
        return info
    if not SETUP.exists():
        info["errors"].append(f"{SETUP} is not there")
        return info
    info["since"] = time.time() - 1
    info["setup"], error = _run_setup(setup_timeout, log)
    if error:  # one peer already up makes setup.sh's second copy of it fail to bind; the missing one may be fine
        info["errors"].append(error)
    return info


def run(seconds: int, setup_timeout: float) -> dict[str, Any]:
    """Start the peers, measure both with wrk, stop them; every failure is recorded, none is raised."""
    result: dict[str, Any] = {"setup": {}, "results": {}, "errors": []}
    if not SETUP.exists():
        result["errors"].append(f"{SETUP} is not there")
        return result
    already = [name for name, port in PORTS.items() if _listening(port)]
    if already:
        result["errors"].append(f"already listening before the bench started them: {', '.join(already)}")
    since = time.time() - 1
    try:
        result["setup"], error = _run_setup(setup_timeout, OUT / "peers-setup.log")
        if error:
            result["errors"].append(error)
        for name, url in URLS.items():
            if not _listening(PORTS[name]):
                result["errors"].append(f"{name} is not listening on :{PORTS[name]}; not measured")
                continue
            try:
                load.run_wrk(url, WRK_LUA, 3)  # warm-up
                result["results"][name] = load.run_wrk(url, WRK_LUA, seconds)
            except (RuntimeError, subprocess.SubprocessError) as exc:
                result["errors"].append(f"wrk against {name} failed: {exc}")
    finally:
        result["stopped"] = stop(since)
        say("peers: stopped " + ("; ".join(result["stopped"]) or "nothing"))
    return result
