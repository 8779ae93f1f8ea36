"""Real processes for end-to-end tests: a Celery worker and a uvicorn server, on the test database."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from config.run import web_argv, worker_argv

ROOT = Path(__file__).resolve().parents[2]
TEST_NODE_TYPES = "tests.support.nodes.Sleep,tests.support.nodes.Explode"


def fresh_json(code: str, *, drop: tuple[str, ...] = (), **env: str):
    """What `code` prints last, as JSON, run by a fresh interpreter at the checkout's root: settings read anew from
    this environment, less the names in `drop`, plus `env`."""
    base = {k: v for k, v in os.environ.items() if k not in drop}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the test database the test session created."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def child_env(db_url: str, queue: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        CELERY_QUEUE=queue,
        NODE_TYPES_EXTRA=TEST_NODE_TYPES,
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


class Worker:
    """A Celery worker process (as `make run` starts it: a pool of threads), started and stopped by the tests."""

    def __init__(self, env: dict[str, str], name: str, concurrency: int = 2, log: Path | None = None):
        self.env, self.name, self.concurrency = env, name, concurrency
        self.log = log or ROOT / "var" / f"test-{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, ready_timeout: float = 180) -> Worker:
        self.log.parent.mkdir(exist_ok=True)
        self._log_file = open(self.log, "ab")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(
            worker_argv(self.env["CELERY_QUEUE"], self.concurrency, self.name, "--without-mingle", "--without-gossip"),
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}; see {self.log}")
            if b" ready." in self.log.read_bytes():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"worker not ready in {ready_timeout}s; see {self.log}")

    def pids(self) -> list[int]:
        """The main process and its pool children (none with the threads pool)."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [self.proc.pid] + [int(p) for p in out.stdout.split()]

    def kill(self) -> None:
        """SIGKILL the whole worker, pool children included: no chance to ack or clean up."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


class Server:
    """The web process (uvicorn, as `make run` starts it; WEB_SERVER=daphne for daphne) on a free loopback port."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ROOT / "var" / f"test-web-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 180) -> Server:
        self._log_file = open(self.log, "ab")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(
            web_argv("127.0.0.1", self.port),
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # Ready when it answers HTTP at all (a 503 from /healthz is an answer: a test may start it with a part down).
        # Each try may take as long as is left, so a loaded machine's slow first answer is waited for, not an error.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the web process exited with {self.proc.returncode}; see {self.log}")
            try:
                requests.get(self.url + "/healthz", timeout=max(deadline - time.monotonic(), 1))
                return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"the web process did not answer in {timeout}s; see {self.log}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
