"""The app as it runs for real, for the HTTP benchmarks: one web process (uvicorn) and one Celery worker (as `make run`:
threads, -c 4), on PostgreSQL + Redis (production) or on SQLite + the bundled redis-server (the embedded default)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from config.run import web_argv, worker_argv

from .common import OUT, PYTHON, ROOT, Procs, cpu_ticks, say, tree_ticks, wait_for

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# A shared machine: BENCH_PG_DB and BENCH_REDIS_URL give a run a database and a Redis db of its own.
PG_DB = os.environ.get("BENCH_PG_DB", "bench")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
REDIS_DB_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
QUEUE = "flows-bench"
UNTHROTTLED = "1000000/min"
# Variables of the caller's environment that would point the stack somewhere else.
_STRIP = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "VAR_DIR", "PYTEST_VERSION", "NODE_TYPES_EXTRA")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """Prepare a fresh database, start the web process and the worker, and know their pids for CPU accounting."""

    def __init__(self, kind: str, procs: Procs):
        assert kind in ("postgres", "embedded")
        self.kind, self.procs = kind, procs
        self.dir = OUT / kind
        self.env = {k: v for k, v in os.environ.items() if k not in _STRIP}
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            PYTHONPATH=str(ROOT),
            LOG_LEVEL="WARNING",
            DEBUG="false",
            CELERY_QUEUE=QUEUE,
            CHAT_RATE_PER_IP=UNTHROTTLED,
            CHAT_RATE_PER_CONVERSATION=UNTHROTTLED,
            CHAT_START_RATE_PER_IP=UNTHROTTLED,
            VAR_DIR=str(self.dir / "var"),
        )
        if kind == "postgres":
            self.env.update(DATABASE_URL=PG_URL, REDIS_URL=REDIS_DB_URL)
            self.redis_url = REDIS_DB_URL
        else:
            self.redis_url = f"unix://{self.dir / 'var' / 'redis.sock'}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.redis_proc: subprocess.Popen | None = None
        self.sockets: subprocess.Popen | None = None  # a second web process, for the sockets only (bench/chat.py)
        self.info: dict[str, Any] = {}

    # -- setup ---------------------------------------------------------------------------------------------------

    def prepare(self) -> None:
        """A fresh database (and Redis db) every run, migrated, with the bench flows and a staff token."""
        if self.dir.exists():
            shutil.rmtree(self.dir)
        (self.dir / "var").mkdir(parents=True)
        if self.kind == "postgres":
            self._recreate_pg()
            import redis

            redis.Redis.from_url(REDIS_DB_URL).flushdb()
        else:
            from config import embedded_redis

            self.redis_proc = embedded_redis.start(self.redis_url, self.dir / "redis.log")
            if self.redis_proc is None:
                raise RuntimeError(f"a Redis already answers on {self.redis_url}; the bench wants its own")
            self.procs.children.append(("redis-server (bundled)", self.redis_proc))
        say(f"{self.kind}: migrating a fresh database")
        self._manage(["migrate", "--noinput", "-v", "0"], timeout=300)
        out = subprocess.run(
            [PYTHON, "-m", "bench.setup_db"], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        if out.returncode != 0:
            raise RuntimeError(f"bench.setup_db failed: {out.stderr[-2000:]}")
        self.info = json.loads(out.stdout.strip().splitlines()[-1])

    def _recreate_pg(self) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")

    def _manage(self, args: list[str], timeout: float) -> None:
        out = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if out.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed: {out.stderr[-2000:]}")

    # -- processes -----------------------------------------------------------------------------------------------

    def start(
        self, web_cmd: list[str] | None = None, worker_args: list[str] | None = None, cwd: Path | None = None
    ) -> None:
        """The web process and the worker; by default as `make run` starts them (bench.ab passes variants)."""
        log = self.dir / "web.log"
        self.web = self.procs.start(
            "web",
            web_cmd or web_argv("127.0.0.1", self.port),
            self.env,
            log,
            cwd,
        )
        wlog = self.dir / "worker.log"
        self.worker = self.procs.start(
            "celery worker",
            worker_argv(QUEUE, 4, f"bench-{os.getpid()}") if worker_args is None else worker_args,
            self.env,
            wlog,
            cwd,
        )
        wait_for(
            lambda: requests.get(self.url + "/healthz", timeout=5).status_code == 200,
            90,
            f"{self.kind} stack (/healthz: db, redis and worker)",
            self.web,
            log,
        )
        if self.worker.poll() is not None:
            raise RuntimeError(f"the worker exited; see {wlog}")
        say(f"{self.kind}: web on {self.url}, worker pid {self.worker.pid}")

    def start_socket_process(self) -> str:
        """A second web process of the same application, as `make run` starts one, for sockets only: its URL."""
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = self.dir / "web-sockets.log"
        self.sockets = self.procs.start("web (sockets)", web_argv("127.0.0.1", port), self.env, log)
        wait_for(lambda: requests.get(url + "/healthz", timeout=5).status_code == 200, 90, url, self.sockets, log)
        return url

    def stop_socket_process(self) -> None:
        if self.sockets is not None:
            self.procs.stop(self.sockets)
            self.sockets = None

    def stop_web_and_worker(self) -> None:
        for proc in (self.web, self.worker):
            if proc is not None:
                self.procs.stop(proc)
        self.web = self.worker = None

    def stop(self) -> None:
        for proc in (self.web, self.worker, self.sockets, self.redis_proc):
            if proc is not None:
                self.procs.stop(proc)

    def cpu_groups(self) -> dict[str, Callable[[], int]]:
        """CPU ticks per component of this stack (postgres and a shared redis-server are added by the caller)."""
        groups: dict[str, Callable[[], int]] = {}
        if self.web is not None:
            pid = self.web.pid
            groups["web (whole process)"] = lambda: tree_ticks(pid)
            groups["web: its main thread (event loop)"] = lambda: cpu_ticks(f"{pid}/task/{pid}")
        if self.worker is not None:
            wpid = self.worker.pid
            groups["celery: main process (consumer)"] = lambda: cpu_ticks(wpid)
            groups["celery: pool processes (-c 2)"] = lambda: tree_ticks(wpid) - cpu_ticks(wpid)
        if self.redis_proc is not None:
            rpid = self.redis_proc.pid
            groups["redis-server (bundled)"] = lambda: cpu_ticks(rpid)
        return groups

    def start_conversations(self, count: int, slug: str | None = None) -> list[tuple[str, str]]:
        """Conversations started over the chat API, each waiting at the echo question: (id, token)."""
        slug = slug or self.info["load_slug"]
        found = []
        with requests.Session() as http:
            for _ in range(count):
                r = http.post(f"{self.url}/api/v1/chat/{slug}/conversations/", json={}, timeout=30)
                r.raise_for_status()
                body = r.json()
                if r.status_code != 201:
                    raise RuntimeError(f"starting a conversation gave {r.status_code}: {body}")
                found.append((body["id"], body["token"]))
        return found

    def write_conversations(self, conversations: list[tuple[str, str]], name: str) -> Path:
        path = self.dir / name
        path.write_text("".join(f"{cid} {token}\n" for cid, token in conversations))
        return path
