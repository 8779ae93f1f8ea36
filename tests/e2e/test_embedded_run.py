"""The embedded default: the run command starts and answers /healthz from a clean clone."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis
import requests

from tests.support.processes import free_port

pytestmark = [pytest.mark.e2e]

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 20
# What makes a run a test's or a deployment's rather than a user's first `make run`: none of it reaches the clone.
NOT_INHERITED = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_QUEUE",
    "NODE_TYPES_EXTRA",
    "VAR_DIR",
    "DJANGO_SETTINGS_MODULE",
    "PYTHONPATH",
    "PORT",
    "HOST",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
}


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout


def _clone(dest: Path) -> None:
    """A fresh clone of HEAD, plus the working tree's uncommitted changes (none in CI) so what is tested is what
    is about to be committed; ignored files (.venv, var/) stay behind."""
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(dest)], check=True, capture_output=True)
    for name in filter(None, _git("ls-files", "-z", "--modified", "--others", "--exclude-standard").split("\0")):
        source, target = ROOT / name, dest / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif not source.exists() and target.is_file():
            target.unlink()


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) for every process, from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            found[int(entry)] = (int(fields[1]), fields[0])
    return found


def _descendants(pid: int) -> set[int]:
    table = _processes()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, (parent, _) in table.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper that may never come (in a container, pid 1 may not reap)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _redis_answers(sock: Path) -> bool:
    try:
        return bool(redis.Redis(unix_socket_path=str(sock), socket_timeout=0.5, socket_connect_timeout=0.5).ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False


def test_make_run_from_a_clean_clone_serves_the_demo_and_stops_on_ctrl_c():
    if sys.prefix == sys.base_prefix:
        pytest.fail("run the tests from the project's virtualenv (make test): the clone reuses it via VENV=")
    # Under /tmp, not pytest's deeper tmp_path: var/redis.sock must fit a unix socket path (108 bytes).
    clone = Path(tempfile.mkdtemp(prefix="fb-run-")) / "clone"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED and not k.startswith("PYTEST_")}
    env.update(PORT=str(port), HOST="127.0.0.1")
    log_path = clone.parent / "make-run.log"
    proc: subprocess.Popen | None = None
    children: set[int] = set()

    def log_tail() -> str:
        return log_path.read_text(errors="replace")[-4000:] if log_path.exists() else "(no output)"

    try:
        _clone(clone)
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                ["make", "run", f"VENV={sys.prefix}"],
                cwd=clone,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the test's Ctrl-C goes to make and its children
            )

        health = None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"make run exited with {proc.returncode}:\n{log_tail()}"
            try:
                response = requests.get(f"{base}/healthz", timeout=2)
                if response.status_code == 200:
                    health = response.json()
                    break
            except requests.RequestException:
                pass
            time.sleep(0.25)
        assert health is not None, f"/healthz did not answer 200 within {START_TIMEOUT_S} s:\n{log_tail()}"
        assert health["ok"] and all(health[part]["ok"] for part in ("database", "redis", "worker", "scheduler")), health
        assert health["database"]["vendor"] == "sqlite", health

        started = requests.post(f"{base}/api/v1/chat/demo/conversations/", json={}, timeout=30)
        assert started.status_code == 201, started.text
        conversation = started.json()
        assert [m["text"] for m in conversation["messages"]] == [
            "Hi! I'm the demo bot. I can get you a quote in under a minute.",
            "What's your name?",
        ]
        reply = requests.post(
            f"{base}/api/v1/chat/conversations/{conversation['id']}/messages/",
            json={"text": "Ada", "client_message_id": "m1"},
            headers={"Authorization": f"Bearer {conversation['token']}"},
            timeout=30,
        )
        assert reply.status_code == 200, reply.text
        assert [m["text"] for m in reply.json()["messages"]] == ["Nice to meet you, Ada! What can we help with?"]

        output = log_path.read_text(errors="replace")
        assert "Demo admin created" in output and "Demo flow 'demo' published" in output, log_tail()
        children = _descendants(proc.pid)
        commands = " | ".join(_cmdline(pid) for pid in children)
        for program in ("config.run", "daphne", "celery", "redis-server"):
            assert program in commands, f"no {program} among the run command's processes: {commands}"

        sigint_at = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        while time.monotonic() - sigint_at < STOP_TIMEOUT_S and (
            proc.poll() is None or any(_alive(pid) for pid in children)
        ):
            time.sleep(0.1)
        left = {pid: _cmdline(pid) for pid in children if _alive(pid)}
        assert not left, f"still running {STOP_TIMEOUT_S} s after Ctrl-C: {left}\n{log_tail()}"
        assert proc.poll() is not None, f"make did not exit after Ctrl-C:\n{log_tail()}"
        sock = clone / "var" / "redis.sock"
        assert not sock.exists() or not _redis_answers(sock), "the bundled Redis still answers after Ctrl-C"
        assert "[run] stopped" in log_tail()
    finally:
        # On a failure above, the run command may still be up: its children live in sessions of their own, so
        # killing make's group would orphan them. Ask it to stop, then kill whatever of its tree is left.
        if proc is not None and proc.poll() is None:
            children |= _descendants(proc.pid)
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                children |= _descendants(proc.pid)
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        for pid in children:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(clone.parent, ignore_errors=True)
