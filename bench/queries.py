"""The turn's hot statements in process: CPU per call of Django's queryset, insert or update against flows/sqlcache.py's
compiled one (the writes run in a transaction that is rolled back, so the database is left as it was).

Run on a bench database that has turns in it (after `make bench` or `python -m bench.ab postgres ...`):
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m bench.queries`. Decisions 0048 (the lookups) and 0049
(the writes) quote its figures.
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
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone

    from flows import actions, tasks
    from flows.api import chat
    from flows.models import Conversation, Message, Run, Step

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

    run = Run.objects.filter(conversation_id=cid).first()
    if run is None:
        raise SystemExit("no run in this database: run the chat bench on it first")

    def rolled_back(fn: Callable[[], Any]) -> Callable[[], Any]:
        def call() -> Any:
            with transaction.atomic():
                fn()
                transaction.set_rollback(True)

        return call

    def inbound_django() -> None:
        message = Message.objects.create(conversation_id=cid, direction=Message.Direction.IN, text="hi")
        Run.objects.create(conversation_id=cid, flow_id=conversation.flow_id, trigger="message", inbound=message)

    def inbound_compiled() -> None:
        (message,) = actions.insert_messages([Message(conversation_id=cid, direction=Message.Direction.IN, text="hi")])
        actions._INSERT_RUNS(
            [Run(conversation_id=cid, flow_id=conversation.flow_id, trigger="message", inbound=message)]
        )

    def stored() -> dict[str, Any]:
        now = timezone.now()
        return {
            "run": {"status": "completed", "started_at": now, "finished_at": now, "duration_ms": 1.0, "error": None},
            "conversation": {
                "status": conversation.status,
                "waiting_node": "ask",
                "variables": {"name": "Ada", "n": 3},
                "awaiting": {"type": "text", "node_id": "ask"},
                "held": [],
                "updated_at": now,
            },
        }

    def updates_django() -> None:
        values = stored()
        Run.objects.filter(pk=run.pk, status=Run.Status.QUEUED).update(**values["run"])
        Conversation.objects.filter(pk=cid).update(**values["conversation"])

    def updates_compiled() -> None:
        values = stored()
        tasks._CLAIM_RUN((run.pk, Run.Status.QUEUED), **values["run"])
        tasks._SAVE_CONVERSATION((cid,), **values["conversation"])

    def select_one() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    def steps() -> list[Step]:
        at = timezone.now()
        return [
            Step(
                run_id=run.pk,
                seq=10_000 + i,
                node_id=f"n{i}",
                node_type="message",
                status="ok",
                started_at=at,
                duration_ms=0.1,
                input={"text": "hi"},
                output={},
                error="",
                handle="",
            )
            for i in range(2)
        ]

    def replies() -> list[Message]:
        return [Message(conversation_id=cid, direction=Message.Direction.OUT, text="You said hi", choices=None)]

    return [
        ("the inbound message and its run (2 inserts)", rolled_back(inbound_django), rolled_back(inbound_compiled)),
        (
            "the run's claim and the conversation's state (2 updates)",
            rolled_back(updates_django),
            rolled_back(updates_compiled),
        ),
        (
            "a reply and 2 steps (2 inserts)",
            rolled_back(lambda: (Message.objects.bulk_create(replies()), Step.objects.bulk_create(steps()))),
            rolled_back(lambda: (actions.insert_messages(replies()), tasks._INSERT_STEPS(steps()))),
        ),
        (
            "a transaction of one SELECT 1 (the floor of the three above)",
            rolled_back(select_one),
            rolled_back(select_one),
        ),
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
    print("| statement | Django | compiled | ratio |\n|---|---|---|---|")
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
