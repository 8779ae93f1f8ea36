"""A CPU-time profile of a chat turn in process: the chat view (Django's test client, `wait=0`) and the task body
(`process_conversation` called directly, no Celery around it), each over the same conversations.

cProfile's clock is `time.thread_time`, so waits on PostgreSQL and Redis do not count as time, unlike its default
wall clock; sampling under load (`BENCH_PYSPY` in `bench.ab`) misattributes short calls. Decision 0050 was found with
this. Run on a bench database that has conversations (after `make bench` or `python -m bench.ab postgres ...`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/5 \\
        python -m bench.profile_turn [view|task] [TURNS] [SORT] [CALLEES_PATTERN]

Prints the CPU per turn of both parts (medians of 5 batches, unprofiled), then the profile of the chosen part (`task`
by default) sorted by SORT (`cumulative` by default), and with a pattern, the callees of the matching functions. The
turns it posts are real turns on the bench database (the echo flow's conversations); the worker's queue is emptied.
"""

from __future__ import annotations

import cProfile
import itertools
import os
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from .stack import QUEUE, UNTHROTTLED

CONVERSATIONS = Path(__file__).resolve().parent / ".out" / "postgres" / "conversations.txt"


def main(argv: list[str]) -> int:
    part = argv[0] if argv else "task"
    turns = int(argv[1]) if len(argv) > 1 else 50
    sort = argv[2] if len(argv) > 2 else "cumulative"
    if part not in ("view", "task"):
        print("the part to profile is view or task", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CELERY_QUEUE", QUEUE)  # the bench's queue: no worker of `make run` takes these turns
    for name in ("CHAT_RATE_PER_IP", "CHAT_RATE_PER_CONVERSATION"):
        os.environ.setdefault(name, UNTHROTTLED)
    import django

    django.setup()
    from django.test import Client

    from flows.tasks import process_conversation

    if not CONVERSATIONS.exists():
        print(f"no conversations in {CONVERSATIONS}: run `python -m bench.ab postgres threads4 threads4 1` first")
        return 2
    conversations = [line.split()[:2] for line in CONVERSATIONS.read_text().splitlines() if line.strip()][:turns]
    client = Client()
    counter = itertools.count()

    def view() -> None:
        for conversation_id, token in conversations:
            response = client.post(
                f"/api/v1/chat/conversations/{conversation_id}/messages/?wait=0",
                {"text": f"k{next(counter)} hi"},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            if response.status_code not in (200, 202):
                raise SystemExit(f"the chat view answered {response.status_code}: {response.content[:300]!r}")

    from flows.models import Conversation

    flows = dict(Conversation.objects.filter(pk__in=[c for c, _t in conversations]).values_list("pk", "flow_id"))
    sent = [(conversation_id, str(flows[uuid.UUID(conversation_id)])) for conversation_id, _token in conversations]

    def task() -> None:
        for conversation_id, flow_id in sent:
            process_conversation.run(conversation_id, flow_id)  # as a chat message's task is sent (with its flow)

    def batch(profile: cProfile.Profile | None = None) -> tuple[float, float]:
        per_turn = []
        for name, fn in (("view", view), ("task", task)):
            on = profile is not None and name == part
            t0 = time.process_time()
            if on:
                profile.enable()  # type: ignore[union-attr]
            fn()
            if on:
                profile.disable()  # type: ignore[union-attr]
            per_turn.append((time.process_time() - t0) / len(conversations) * 1e6)
        return per_turn[0], per_turn[1]

    for _ in range(2):
        batch()  # warm-up: compiled queries, connections, imports
    runs = [batch() for _ in range(5)]
    print(
        f"CPU per turn, in process, {len(conversations)} turns x 5 batches (medians): "
        f"view {statistics.median(r[0] for r in runs):,.0f} us (test client included), "
        f"task body {statistics.median(r[1] for r in runs):,.0f} us"
    )
    profile = cProfile.Profile(time.thread_time)
    batch(profile)
    process_conversation.app.control.purge()  # the tasks the view sent: their turns ran here already
    stats: Any = pstats.Stats(profile)
    stats.sort_stats(sort).print_stats(45)
    if len(argv) > 3:
        stats.print_callees(argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
