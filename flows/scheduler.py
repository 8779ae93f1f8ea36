"""The timer scheduler: a thread in each Celery worker that fires due timers (flows/timers.py) as turns.

Every worker runs one; they share the work through the claim (each timer fires once however many run). It sleeps
until the next due time, at most TIMER_POLL_S, so a timer set by another process is seen within that long.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from . import live

log = logging.getLogger(__name__)
_KEY = "fb:scheduler:"
_stop = threading.Event()


class Sender:
    """Publishes the turns of fired timers from a thread of its own, so the next claim need not wait for it.

    Runs whose task is not sent yet (the process dies first) are queued rows: the heartbeat's sweep re-sends them."""

    def __init__(self) -> None:
        self.batches: queue.SimpleQueue[list[Any]] = queue.SimpleQueue()
        threading.Thread(target=self._run, daemon=True, name="timer-sender").start()

    def __call__(self, conversation_ids: list[Any]) -> None:
        self.batches.put(conversation_ids)

    def _run(self) -> None:
        from .timers import send_turns

        while True:
            ids = self.batches.get()
            try:
                send_turns(ids)
            except Exception:  # noqa: BLE001 - the broker may be restarting; the sweep re-sends these turns
                log.warning("could not send the turns of %d fired timer(s)", len(ids), exc_info=True)


def run_once(now: datetime | None = None, send: Callable[[list[Any]], None] | None = None) -> int:
    """Fire what is due now, batch after batch; how many fired."""
    from .timers import fire_due

    fired = 0
    while (n := fire_due(now, settings.TIMER_BATCH, send)) > 0:
        fired += n
        if n < settings.TIMER_BATCH:
            break
    return fired


def _pause() -> float:
    """Seconds until the next due timer, at most TIMER_POLL_S."""
    from .timers import next_due

    due = next_due()
    poll = settings.TIMER_POLL_S
    if due is None:
        return poll
    return max(0.0, min(poll, (due - timezone.now()).total_seconds()))


def loop(name: str, stop: threading.Event = _stop) -> None:
    """Fire due timers until stopped; report alive in Redis for /healthz; never die of an error."""
    beat_every = max(settings.TIMER_POLL_S, 1.0)
    last_beat = 0.0
    send = Sender()
    while not stop.is_set():
        pause = settings.TIMER_POLL_S
        try:
            close_old_connections()
            pause = 0.0 if run_once(send=send) else _pause()
        except Exception:  # noqa: BLE001 - the database or Redis may be restarting; the next round tries again
            log.warning("the timer scheduler could not fire due timers", exc_info=True)
        if time.monotonic() - last_beat >= beat_every:
            with contextlib.suppress(Exception):
                live.client().set(_KEY + name, "1", px=int(beat_every * 5000))
                last_beat = time.monotonic()
        if pause:
            stop.wait(pause)
    close_old_connections()


@worker_ready.connect
def start_scheduler(sender=None, **kwargs) -> None:
    if not settings.TIMER_SCHEDULER:
        return
    name = getattr(sender, "hostname", None) or socket.gethostname()
    threading.Thread(target=loop, args=(name,), daemon=True, name="timer-scheduler").start()


@worker_shutdown.connect
def stop_scheduler(**kwargs) -> None:
    _stop.set()


def live_schedulers() -> list[str]:
    return sorted(key.decode()[len(_KEY) :] for key in live.client().scan_iter(_KEY + "*", count=100))
