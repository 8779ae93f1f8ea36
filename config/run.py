"""`make run`: migrate, bootstrap the demo, then supervise Redis (embedded), the web process and a Celery worker.

Ctrl-C (or SIGTERM) stops them all; a process that dies (the bundled Redis included) is restarted, a few times a
minute at most.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _say(text: str) -> None:
    print(f"[run] {text}", flush=True)


class Child:
    def __init__(self, name: str, argv: list[str]):
        self.name, self.argv = name, argv
        self.proc: subprocess.Popen | None = None
        self.restarts: list[float] = []

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, start_new_session=True)
        _say(f"{self.name} started (pid {self.proc.pid})")

    def exit_code(self) -> int | None:
        """The code it exited with, or None while it runs (or was not started here)."""
        return self.proc.poll() if self.proc else None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)


class EmbeddedRedis(Child):
    """The bundled redis-server, restarted like the others: on the same socket, with the same data dir and log."""

    def __init__(self, url: str, log_file: Path):
        super().__init__("redis (bundled redis-server)", [])
        self.url, self.log_file = url, log_file
        self.failed = False

    def start(self) -> None:
        from . import embedded_redis

        try:
            self.proc, self.failed = embedded_redis.start(self.url, self.log_file), False
        except RuntimeError as exc:
            _say(str(exc))  # the supervisor sees it as exited and tries again, a few times at most
            self.proc, self.failed = None, True
            return
        if self.proc is None:
            _say(f"redis on {self.url} is already running (not started here)")
        else:
            _say(f"{self.name} on {self.url} (pid {self.proc.pid})")

    def exit_code(self) -> int | None:
        return 1 if self.failed else super().exit_code()


WEB_SERVERS = ("uvicorn", "daphne")


def web_server() -> str:
    """The ASGI server of the web process (WEB_SERVER): uvicorn by default, daphne still on offer (decision 0047)."""
    name = os.environ.get("WEB_SERVER", "uvicorn").strip().lower()
    if name not in WEB_SERVERS:
        raise ValueError(f"WEB_SERVER must be one of {', '.join(WEB_SERVERS)}, not {name!r}.")
    return name


def web_argv(host: str, port: int | str, server: str | None = None) -> list[str]:
    """The web process's command, the same for `make run`, the tests and the benchmarks (server: WEB_SERVER's)."""
    if (server or web_server()) == "daphne":
        return [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), "config.asgi:application"]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--host",
        host,
        "--port",
        str(port),
        # uvloop and httptools: the event loop spends a third of daphne's CPU a turn, so step events under load
        # reach sockets sooner (docs/decisions/0047-uvicorn-serves-the-web-process.md).
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--ws",
        "websockets",
        "--lifespan",
        "off",  # Channels' router serves http and websocket scopes only
        "--no-proxy-headers",  # the client address is the socket's unless NUM_PROXIES says otherwise (decision 0008)
        "--no-server-header",
        "--no-access-log",
        "--log-level",
        "warning",
        "--timeout-graceful-shutdown",
        "10",  # a chat turn waits 30 s at most; a stop does not wait that long for it
        "config.asgi:application",
    ]


def worker_argv(queue: str, concurrency: int, name: str, *extra: str) -> list[str]:
    """The Celery worker command, the same for `make run`, the tests and the benchmarks.

    A pool of threads in one process (WORKER_POOL, default threads; a later `-P` in extra wins): a turn waits on
    Redis, the database and outside services far more than it computes, and the prefork pool's hand-off from the
    consumer to a child process cost more CPU than the turn itself (docs/decisions/0035-worker-pool-threads.md).
    """
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-l",
        "INFO",
        "-Q",
        queue,
        "-c",
        str(concurrency),
        "-n",
        f"{name}@%h",
        "-P",
        os.environ.get("WORKER_POOL", "threads"),
        *extra,
    ]


def main() -> int:
    from django.conf import settings

    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    python = sys.executable
    var = Path(settings.VAR_DIR)
    try:
        server = web_server()
    except ValueError as exc:
        _say(str(exc))  # before anything starts: a mistyped setting changes nothing
        return 1

    from integrations import vault

    # Here, before the children start, so the key is made once and the admin reads where it went.
    try:
        created = vault.ensure_key(announce=False)
        vault.check_keys()
    except vault.VaultError as exc:
        _say(str(exc))
        return 1
    if created:
        _say(vault.created_message(created))

    redis_child = None
    if "REDIS_URL" not in os.environ:
        redis_child = EmbeddedRedis(settings.REDIS_URL, var / "redis.log")
        redis_child.start()
        if redis_child.failed:
            return 1  # it said why
    else:
        _say(f"redis at {settings.REDIS_URL}")

    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    subprocess.run([python, "manage.py", "bootstrap_demo"], cwd=ROOT, check=True)

    concurrency = int(os.environ.get("WORKER_CONCURRENCY", "4"))
    children = [
        Child(f"web ({server})", web_argv(host, port)),
        Child("worker (celery)", worker_argv(settings.CELERY_TASK_DEFAULT_QUEUE, concurrency, f"worker-{os.getpid()}")),
    ]
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    for child in children:
        child.start()
    _say(f"ready: http://{host}:{port}/  (admin /admin/, API docs /api/docs/, health /healthz); Ctrl-C stops")

    # Redis first: when it died, it is back before the others are checked (they reconnect to it by themselves).
    supervised = ([redis_child] if redis_child is not None else []) + children
    status = 0
    while not stopping:
        time.sleep(0.5)
        for child in supervised:
            code = child.exit_code()
            if code is not None and not stopping:
                now = time.monotonic()
                child.restarts = [t for t in child.restarts if now - t < 60] + [now]
                if len(child.restarts) > 5:
                    _say(f"{child.name} keeps exiting (code {code}); stopping everything")
                    stopping, status = True, 1
                    break
                _say(f"{child.name} exited with {code}; restarting")
                child.start()

    _say("stopping…")
    for child in children:
        child.stop()
    deadline = time.monotonic() + 15
    for child in children:
        while child.proc and child.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        child.kill()
    if redis_child is not None and redis_child.proc is not None:
        redis_child.proc.terminate()
        try:
            redis_child.proc.wait(5)
        except subprocess.TimeoutExpired:
            redis_child.proc.kill()
    _say("stopped")
    return status


if __name__ == "__main__":
    import django

    django.setup()
    sys.exit(main())
