"""The turn's hot lookups in process: CPU per call of Django's queryset against flows/sqlcache.py's compiled query.

Run on a bench database that has turns in it (after `make bench` or `python -m bench.ab postgres ...`):
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m bench.queries`. Decision 0048 quotes its figures.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def cpu_us(fn: Callable[[], Any], calls: int = 1500, repeats: int = 5) -> float:
    """Median CPU time of one call, in microseconds, after a warm-up (this process only: other load matters less)."""
    for _ in range(100):
        fn()
    runs = []
    for _ in range(repeats):
        t0 = time.process_time()
        for _ in range(calls):
            fn()
        runs.append((time.process_time() - t0) / calls * 1e6)
    return statistics.median(runs)


def pairs() -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    from django.db import transaction
    from django.db.models import F

    from flows import actions, tasks
    from flows.api import chat
    from flows.models import Conversation, Run

    conversation = Conversation.objects.order_by("-created_at").first()
    if conversation is None:
        raise SystemExit("no conversation in this database: run the chat bench on it first")
    cid = conversation.pk

    def django_queued() -> list[Run]:
        runs = Run.objects.filter(conversation_id=cid, status=Run.Status.QUEUED)
        runs = runs.select_related("conversation__version", "inbound").defer("conversation__version__graph")
        return list(runs.order_by(F("inbound_id").asc(nulls_first=True))[:2])

    def django_locked() -> Conversation:
        with transaction.atomic():
            return Conversation.objects.select_for_update().get(pk=cid)

    def compiled_locked() -> Conversation:
        with transaction.atomic():
            return actions._LOCKED.get(cid)

    return [
        ("the queued runs (3 joined models)", django_queued, lambda: tasks._next_queued(str(cid))),
        (
            "the token check",
            lambda: Conversation.objects.only("token_hash").get(pk=cid),
            lambda: chat._TOKEN_CHECK.get(cid),
        ),
        ("the conversation's row, locked", django_locked, compiled_locked),
        (
            "the turn of a client message id",
            lambda: list(Run.objects.filter(inbound__conversation_id=cid, inbound__client_message_id="none")[:1]),
            lambda: list(actions._TURN_OF(cid, "none")),
        ),
    ]


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print("| lookup | Django | compiled | ratio |\n|---|---|---|---|")
    for name, django_fn, compiled_fn in pairs():
        theirs, ours = [], []
        for _ in range(3):  # alternated, so a change in the machine's load hits both
            theirs.append(cpu_us(django_fn))
            ours.append(cpu_us(compiled_fn))
        a, b = statistics.median(theirs), statistics.median(ours)
        print(f"| {name} | {a:,.0f} us | {b:,.0f} us | {b / a:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
