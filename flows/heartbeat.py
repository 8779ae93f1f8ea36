"""The worker's housekeeping thread: it says the worker is alive (for /healthz, without a broadcast round trip),
and re-sends turns whose task was lost (a broker that restarted empty), so no stored message goes unanswered."""

import contextlib
import logging
import socket
import threading
from datetime import timedelta

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from . import live

log = logging.getLogger(__name__)
_KEY = "fb:worker:"
_SWEEP_KEY = "fb:sweep:stale-runs"
_stop = threading.Event()


def _beat(name: str) -> None:
    interval = settings.WORKER_HEARTBEAT_S
    while not _stop.is_set():
        with contextlib.suppress(Exception):  # Redis may be restarting; the next beat tries again
            live.client().set(_KEY + name, "1", px=int(interval * 3000))
        try:
            requeue_stale_runs()
        except Exception:  # noqa: BLE001 - housekeeping must not kill the thread; the next beat tries again
            log.warning("could not sweep for stale runs", exc_info=True)
        _stop.wait(interval)


def requeue_stale_runs() -> int:
    """Send the task again for conversations with a run queued longer than STALE_RUN_S; one worker sweeps at a time.

    Safe to overlap with a task still on its way: a turn is claimed once (flows/tasks.py), the copy finds nothing.
    """
    stale_s = settings.STALE_RUN_S
    if not live.client().set(_SWEEP_KEY, "1", nx=True, px=int(settings.WORKER_HEARTBEAT_S * 900)):
        return 0  # another worker swept during this heartbeat
    from .models import Run
    from .tasks import process_conversation

    close_old_connections()
    cutoff = timezone.now() - timedelta(seconds=stale_s)
    conversations = set(
        Run.objects.filter(status=Run.Status.QUEUED, queued_at__lt=cutoff).values_list("conversation_id", flat=True)[
            :1000
        ]
    )
    for conversation_id in conversations:
        process_conversation.delay(str(conversation_id))
    if conversations:
        log.warning("re-sent the turns of %d conversation(s) queued for over %ss", len(conversations), stale_s)
    close_old_connections()
    return len(conversations)


@worker_ready.connect
def start_heartbeat(sender=None, **kwargs) -> None:
    name = getattr(sender, "hostname", None) or socket.gethostname()
    threading.Thread(target=_beat, args=(name,), daemon=True, name="heartbeat").start()


@worker_shutdown.connect
def stop_heartbeat(**kwargs) -> None:
    _stop.set()


def live_workers() -> list[str]:
    return sorted(key.decode()[len(_KEY) :] for key in live.client().scan_iter(_KEY + "*", count=100))
