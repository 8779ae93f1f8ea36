"""The worker's housekeeping thread: it says the worker is alive (for /healthz, without a broadcast round trip),
and re-sends turns whose task or worker was lost (a broker that restarted empty, a killed worker), so no stored message
goes unanswered."""

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
from .locks import lock_key

log = logging.getLogger(__name__)
_KEY = "fb:worker:"
_SWEEP_KEY = "fb:sweep:stale-runs"
_MISSING_KEY = "fb:sweep:no-lease:"  # + conversation id: when the sweep first saw its stale run with no lease
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
    """Send the task again for conversations with a run queued longer than STALE_RUN_S whose worker is gone.

    A conversation whose lease is alive is being worked on (a long turn is still running: its worker renews the
    lease from a timer) and is left alone. One whose lease has been missing for a whole TURN_LOCK_TTL_S has no
    worker, or lost its task: it is sent again. One worker sweeps at a time. Safe to overlap with a task still on its
    way: a turn is claimed once (flows/tasks.py), the copy finds nothing.
    """
    stale_s = settings.STALE_RUN_S
    if not live.client().set(_SWEEP_KEY, "1", nx=True, px=int(settings.WORKER_HEARTBEAT_S * 900)):
        return 0  # another worker swept during this heartbeat
    from .models import Run
    from .tasks import send_turn

    close_old_connections()
    cutoff = timezone.now() - timedelta(seconds=stale_s)
    stale = set(
        Run.objects.filter(status=Run.Status.QUEUED, queued_at__lt=cutoff).values_list("conversation_id", flat=True)[
            :1000
        ]
    )
    orphaned = _without_worker(sorted(str(c) for c in stale)) if stale else []
    for conversation_id in orphaned:
        send_turn(conversation_id)
    if orphaned:
        log.warning("re-sent the turns of %d conversation(s) queued over %ss, no worker", len(orphaned), stale_s)
    close_old_connections()
    return len(orphaned)


def _without_worker(conversations: list[str]) -> list[str]:
    """Those of the conversations whose lease has been missing for at least one lease TTL.

    Not merely missing now: a Redis that restarted empty lost every lease, and a live worker takes its back at its
    next renewal (within a third of the TTL); only a lease that stays missing for a whole TTL has no worker behind it.
    When a lease was first seen missing is kept in Redis (by Redis's own clock), as any worker may sweep next.
    """
    client = live.client()
    ttl_ms = int(settings.TURN_LOCK_TTL_S * 1000)
    keep_ms = 3 * ttl_ms + int(settings.WORKER_HEARTBEAT_S * 3000)  # forgotten when sweeps stop seeing it missing
    pipe = client.pipeline(transaction=False)
    for conversation_id in conversations:
        pipe.exists(lock_key(conversation_id))
    held = pipe.execute()
    seconds, micros = client.time()
    now_ms = seconds * 1000 + micros // 1000
    leased = [c for c, h in zip(conversations, held, strict=True) if h]
    missing = [c for c, h in zip(conversations, held, strict=True) if not h]
    pipe = client.pipeline(transaction=False)
    for conversation_id in leased:
        pipe.delete(_MISSING_KEY + conversation_id)  # its worker is alive: any earlier sighting no longer counts
    for conversation_id in missing:
        pipe.set(_MISSING_KEY + conversation_id, now_ms, nx=True, px=keep_ms)
        pipe.get(_MISSING_KEY + conversation_id)
    first_seen = pipe.execute()[len(leased) :][1::2]
    due = [c for c, seen in zip(missing, first_seen, strict=True) if seen and now_ms - int(seen) >= ttl_ms]
    if due:
        client.delete(*(_MISSING_KEY + c for c in due))  # sent now; if still missing, wait another TTL before again
    return due


@worker_ready.connect
def start_heartbeat(sender=None, **kwargs) -> None:
    name = getattr(sender, "hostname", None) or socket.gethostname()
    threading.Thread(target=_beat, args=(name,), daemon=True, name="heartbeat").start()


@worker_shutdown.connect
def stop_heartbeat(**kwargs) -> None:
    _stop.set()


def live_workers() -> list[str]:
    return sorted(key.decode()[len(_KEY) :] for key in live.client().scan_iter(_KEY + "*", count=100))
