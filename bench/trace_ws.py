"""Target 4: a step event's way from the worker to an editor's WebSocket (/ws/flows/{id}/traces/).

A watcher connects with a staff user's API token; a probe conversation on the same flow sends turns one at a time.
For every step event: step.started latency = receipt - `at` (the step's start, epoch seconds from the worker's
clock); step.finished latency = receipt - (`at` + duration_ms), i.e. from when the step ended. Same machine, same
clock. Done once on an idle stack and once while wrk loads another flow (so the watcher only sees the probe's runs).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
import time
from typing import Any

import requests
import websocket

from . import load
from .common import ROOT, summary

LOAD_SECONDS = 10  # wrk on the other flow while the loaded probe runs


class Watcher:
    """A trace socket read on a thread of its own, each frame stamped with time.time() on arrival."""

    def __init__(self, url: str, flow_id: int, token: str):
        ws_url = url.replace("http://", "ws://") + f"/ws/flows/{flow_id}/traces/?token={token}"
        self.ws = websocket.create_connection(ws_url, timeout=10)
        self.frames: list[tuple[float, dict[str, Any]]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True, name="trace-watcher")
        self.thread.start()

    def _read(self) -> None:
        self.ws.settimeout(0.5)
        while not self.stop.is_set():
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketException, OSError):
                return
            now = time.time()
            if raw:
                self.frames.append((now, json.loads(raw)))

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        with contextlib.suppress(websocket.WebSocketException, OSError):
            self.ws.close()


def _client(url: str, slug: str, max_turns: int, deadline: float, turns: list[float], errors: list[str]) -> None:
    """One probe conversation: a turn, wait for its reply, 20 ms pause, and again."""
    try:
        with requests.Session() as http:
            r = http.post(f"{url}/api/v1/chat/{slug}/conversations/", json={}, timeout=30)
            r.raise_for_status()
            conv = r.json()
            headers = {"Authorization": f"Bearer {conv['token']}"}
            for i in range(max_turns):
                if time.monotonic() > deadline:
                    break
                t0 = time.perf_counter()
                http.post(
                    f"{url}/api/v1/chat/conversations/{conv['id']}/messages/",
                    json={"text": f"probe {i}"},
                    headers=headers,
                    timeout=30,
                ).raise_for_status()
                turns.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.02)  # let the last events of the turn arrive before the next one starts
    except (requests.RequestException, KeyError) as exc:
        errors.append(f"{type(exc).__name__}: {exc}")


def probe(
    url: str,
    flow_id: int,
    slug: str,
    token: str,
    max_turns: int,
    max_seconds: float,
    clients: int = 1,
    watch_url: str | None = None,
) -> dict[str, Any]:
    """Up to max_turns turns per client (for at most max_seconds) on new conversations, watching the flow's trace
    (on `watch_url`'s web process if given: one that serves the sockets only)."""
    watcher = Watcher(watch_url or url, flow_id, token)
    turns: list[float] = []
    errors: list[str] = []
    try:
        deadline = time.monotonic() + max_seconds
        threads = [
            threading.Thread(target=_client, args=(url, slug, max_turns, deadline, turns, errors), daemon=True)
            for _ in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max_seconds + 60)
        time.sleep(0.3)
    finally:
        watcher.close()
    if errors:
        raise RuntimeError(f"probe clients failed: {errors[:3]}")
    started, finished, run_finished = [], [], 0
    for received, event in watcher.frames:
        kind = event.get("event")
        if kind == "step.started":
            started.append((received - event["at"]) * 1000)
        elif kind == "step.finished":
            finished.append((received - event["at"] - event.get("duration_ms", 0) / 1000) * 1000)
        elif kind == "run.finished":
            run_finished += 1
    return {
        "clients": clients,
        "turns": len(turns),
        "turn_ms": summary(turns),
        "events": len(watcher.frames),
        "runs_finished_seen": run_finished,
        "step_started_ms": summary(started),
        "step_finished_ms": summary(finished),
        "all_steps_ms": summary(started + finished),
    }


def under_load(url: str, lua_args: list[str], probe_args: tuple, watch_url: str | None = None) -> dict[str, Any]:
    """Target 4 under load: 8 probe conversations on the watched flow while wrk loads the other flow (its figures
    under "background")."""
    argv = load.wrk_argv(url, load.CHAT_LUA, LOAD_SECONDS, [*lua_args, "probe"])
    background = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        found = probe(*probe_args, max_turns=100, max_seconds=7, clients=8, watch_url=watch_url)
        stdout, _ = background.communicate(timeout=LOAD_SECONDS + 30)
        return {**found, "background": load.parse(stdout)}
    finally:
        if background.poll() is None:
            background.kill()
            background.wait(5)
