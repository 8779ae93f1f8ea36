"""Workers say they are alive in Redis every few seconds, so /healthz can tell without a broadcast round trip."""

import contextlib
import socket
import threading

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings

from . import live

_KEY = "fb:worker:"
_stop = threading.Event()


def _beat(name: str) -> None:
    interval = settings.WORKER_HEARTBEAT_S
    while not _stop.is_set():
        with contextlib.suppress(Exception):  # Redis may be restarting; the next beat tries again
            live.client().set(_KEY + name, "1", px=int(interval * 3000))
        _stop.wait(interval)


@worker_ready.connect
def start_heartbeat(sender=None, **kwargs) -> None:
    name = getattr(sender, "hostname", None) or socket.gethostname()
    threading.Thread(target=_beat, args=(name,), daemon=True, name="heartbeat").start()


@worker_shutdown.connect
def stop_heartbeat(**kwargs) -> None:
    _stop.set()


def live_workers() -> list[str]:
    return sorted(key.decode()[len(_KEY) :] for key in live.client().scan_iter(_KEY + "*", count=100))
