"""The embedded default: the run command starts and answers /healthz from a clean clone."""

from __future__ import annotations

import contextlib
import json
import os
import re
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
import websocket

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


# What the README's first-run transcript shows that depends on this machine, not on the code: a venv made or
# filled (the test reuses its own), a vault key made (the test session sets VAULT_KEYS), npm's own summary, elisions.
_MACHINE_LINES = ("$ make run", "creating .venv", "installing requirements-dev.txt", "[run] Created a new vault key")


def readme_transcript() -> list[str]:
    text = (ROOT / "README.md").read_text()
    start = text.index("```text\n$ make run\n") + len("```text\n")
    lines = text[start : text.index("```", start)].splitlines()
    return [line.removeprefix("^C") for line in lines if line.strip() and not line.startswith(_MACHINE_LINES)
            and line != "..." and not line.startswith("added ")]  # fmt: skip


def _pattern(line: str) -> re.Pattern:
    """A transcript line as a pattern: numbers (pids, ports), the password and paths differ from run to run."""
    pattern = re.escape(line)
    pattern = re.sub(r"admin\\ /\\ \S+", r"admin\\ /\\ \\S+", pattern)
    pattern = re.sub(r"unix:///\S+redis\\.sock", r"unix:///\\S+redis\\.sock", pattern)
    pattern = pattern.replace(re.escape(".venv/bin/python"), r"\S*bin/python")  # make's VENV= names another
    return re.compile(re.sub(r"\d+", r"\\d+", pattern))


def assert_prints_the_readme_transcript(log: str) -> None:
    """Every line of the README's first-run transcript, in order, and none of Vite's timing noise."""
    printed = log.splitlines()
    at = 0
    for line in readme_transcript():
        pattern = _pattern(line)
        found = next((i for i in range(at, len(printed)) if pattern.fullmatch(printed[i])), None)
        assert found is not None, f"the README's first run shows {line!r}; make run printed:\n{log[-4000:]}"
        at = found + 1
    assert "PLUGIN_TIMINGS" not in log and "built in" not in log, log[:4000]


class RunningClone:
    """`make run` in a fresh clone of the working tree, as a user's first run: its URL, process and output."""

    def __init__(self, clone: Path, port: int):
        self.clone, self.port = clone, port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = clone.parent / "make-run.log"
        self.proc: subprocess.Popen | None = None
        self.children: set[int] = set()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else "(no output)"

    def log_tail(self) -> str:
        return self.log()[-4000:]

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> dict:
        """/healthz's report once it answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, (
                f"make run exited with {self.proc and self.proc.returncode}:\n{self.log_tail()}"
            )
            try:
                response = requests.get(f"{self.base}/healthz", timeout=2)
                if response.status_code == 200:
                    return response.json()
            except requests.RequestException:
                pass
            time.sleep(0.25)
        raise AssertionError(f"/healthz did not answer 200 within {timeout} s:\n{self.log_tail()}")

    def programs(self) -> dict[int, str]:
        """pid -> command line of every process the run command started."""
        assert self.proc is not None
        self.children |= _descendants(self.proc.pid)
        return {pid: _cmdline(pid) for pid in _descendants(self.proc.pid)}


@contextlib.contextmanager
def make_run():
    if sys.prefix == sys.base_prefix:
        pytest.fail("run the tests from the project's virtualenv (make test): the clone reuses it via VENV=")
    # Under /tmp, not pytest's deeper tmp_path: var/redis.sock must fit a unix socket path (108 bytes).
    app = RunningClone(Path(tempfile.mkdtemp(prefix="fb-run-")) / "clone", free_port())
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED and not k.startswith("PYTEST_")}
    env.update(PORT=str(app.port), HOST="127.0.0.1")
    try:
        _clone(app.clone)
        with open(app.log_path, "wb") as log:
            app.proc = subprocess.Popen(
                ["make", "run", f"VENV={sys.prefix}"],
                cwd=app.clone,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the test's Ctrl-C goes to make and its children
            )
        yield app
    finally:
        # On a failure, the run command may still be up: its children live in sessions of their own, so killing
        # make's group would orphan them. Ask it to stop, then kill whatever of its tree is left.
        proc = app.proc
        if proc is not None and proc.poll() is None:
            app.children |= _descendants(proc.pid)
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                app.children |= _descendants(proc.pid)
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        for pid in app.children:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(app.clone.parent, ignore_errors=True)


def test_make_run_from_a_clean_clone_serves_the_demo_and_stops_on_ctrl_c():
    with make_run() as app:
        base, proc, log_tail = app.base, app.proc, app.log_tail
        health = app.wait_healthy()
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
        # `make run` built the chat widget too: its loader, its hashed bundle (compressed, cached for good), the page.
        loader = requests.get(f"{base}/widget.js", timeout=10)
        assert loader.status_code == 200, loader.text
        bundle = loader.text.split('new URL("', 1)[1].split('"', 1)[0]
        served = requests.get(f"{base}{bundle}", headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert served.status_code == 200 and served.headers.get("Content-Encoding") == "gzip", served.headers
        assert "immutable" in served.headers["Cache-Control"], served.headers
        assert requests.get(f"{base}/c/demo/", timeout=10).status_code == 200

        output = app.log_path.read_text(errors="replace")
        assert "Demo admin created" in output and "Demo flow 'demo' published" in output, log_tail()
        children = set(app.programs())
        commands = " | ".join(_cmdline(pid) for pid in children)
        for program in ("config.run", "uvicorn", "celery", "redis-server"):
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
        sock = app.clone / "var" / "redis.sock"
        assert not sock.exists() or not _redis_answers(sock), "the bundled Redis still answers after Ctrl-C"
        assert "[run] stopped" in log_tail()
        assert_prints_the_readme_transcript(app.log_path.read_text(errors="replace"))


def _redis_server(app: RunningClone) -> int:
    found = [pid for pid, command in app.programs().items() if "redis-server" in command and _alive(pid)]
    assert len(found) == 1, f"not one bundled redis-server among the run command's processes: {app.programs()}"
    return found[0]


def test_the_bundled_redis_is_restarted_when_it_dies_and_chat_and_sockets_work_at_once():
    with make_run() as app:
        app.wait_healthy()
        sock = app.clone / "var" / "redis.sock"
        redis_client = redis.Redis(unix_socket_path=str(sock), socket_timeout=2, socket_connect_timeout=2)
        chat = f"{app.base}/api/v1/chat"
        ws_base = app.base.replace("http://", "ws://")

        def start_chat() -> dict:
            started = requests.post(f"{chat}/demo/conversations/", json={}, timeout=30)
            assert started.status_code == 201, started.text
            return started.json()

        def say(conversation: dict, text: str, message_id: str) -> list[str]:
            reply = requests.post(
                f"{chat}/conversations/{conversation['id']}/messages/",
                json={"text": text, "client_message_id": message_id},
                headers={"Authorization": f"Bearer {conversation['token']}"},
                timeout=40,
            )
            assert reply.status_code == 200, f"{reply.status_code} {reply.text[:300]}\n{app.log_tail()}"
            return [m["text"] for m in reply.json()["messages"]]

        def socket_url(conversation: dict) -> str:
            return f"{ws_base}/ws/chat/conversations/{conversation['id']}/?token={conversation['token']}"

        # The web process has a channel-layer connection to Redis (a widget came and went) when Redis dies.
        before = start_chat()
        websocket.create_connection(socket_url(before), timeout=10).close()
        group = f"fb__group__conversation-{before['id']}"
        deadline = time.monotonic() + 20
        while redis_client.pubsub_numsub(group)[0][1]:
            assert time.monotonic() < deadline, "the closed socket never left its group"
            time.sleep(0.05)

        old = _redis_server(app)
        os.kill(old, signal.SIGKILL)
        killed_at = time.monotonic()
        deadline = killed_at + 30
        while not (_redis_answers(sock) and any("redis-server" in c for p, c in app.programs().items() if p != old)):
            assert time.monotonic() < deadline, f"the bundled Redis did not come back within 30 s:\n{app.log_tail()}"
            time.sleep(0.05)
        back_at = time.monotonic()
        health = app.wait_healthy(timeout=60)
        healthy_at = time.monotonic()
        assert health["redis"]["ok"] and health["worker"]["ok"], health
        assert _redis_server(app) != old
        # The whole output: the 503s /healthz logged while the worker reconnected can push the line out of the tail.
        assert "redis (bundled redis-server) exited with -9; restarting" in app.log(), app.log_tail()

        # The first socket handshake after the restart succeeds, and the socket gets the bot's messages.
        after = start_chat()
        ws = websocket.create_connection(socket_url(after), timeout=10)
        try:
            assert say(after, "Lin", "a-1") == ["Nice to meet you, Lin! What can we help with?"]
            frames = []
            while not any(f.get("type") == "status" for f in frames):
                frames.append(json.loads(ws.recv()))
            assert [f["message"]["text"] for f in frames if f["type"] == "message"] == [
                "Nice to meet you, Lin! What can we help with?"
            ]
        finally:
            ws.close()
        # A conversation begun before Redis died goes on where it was.
        assert say(before, "Ada", "b-1") == ["Nice to meet you, Ada! What can we help with?"]
        answered_at = time.monotonic()
        print(
            f"redis back {back_at - killed_at:.2f} s after the kill; /healthz 200 after {healthy_at - killed_at:.2f} s;"
            f" socket and two chat turns done after {answered_at - killed_at:.2f} s"
        )
