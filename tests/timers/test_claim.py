"""The claim itself: concurrent claimers fire each timer once; a claim that dies before its commit fires nothing."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from flows import actions, timers
from flows.models import Message, Run, Timer
from tests.factories import published_flow

from .support import nudge_flow, run_queued


def many_due_timers(slug: str, count: int) -> list[int]:
    conversation, _token, _run = actions.start_conversation(published_flow(nudge_flow(delay="1h"), slug=slug))
    run_queued(conversation.pk)
    due = timezone.now() - timedelta(seconds=1)
    rows = Timer.objects.bulk_create(
        Timer(
            conversation=conversation,
            flow_id=conversation.flow_id,
            version_id=conversation.version_id,
            kind="named",
            name=f"n{i}",
            node_id="remind",
            due_at=due,
        )
        for i in range(count)
    )
    return [t.pk for t in rows]


def test_four_claimers_at_once_fire_each_due_timer_once(transactional_db):
    ids = many_due_timers("claim-race", 400)
    fired: list[int] = []
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def claimer() -> None:
        try:
            barrier.wait()
            while n := timers.fire_due(limit=25):
                fired.append(n)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    # A worker's scheduler started by another test of the session may claim some too: each still fires once.
    assert 0 < sum(fired) <= 400
    # Such a scheduler's batch may still be committing when ours find nothing left (SKIP LOCKED): wait for it.
    deadline = time.monotonic() + 60
    while Run.objects.filter(timer_id__in=ids).count() < 400 and time.monotonic() < deadline:
        time.sleep(0.1)
    per_timer = Counter(Run.objects.filter(timer_id__in=ids).values_list("timer_id", flat=True))
    assert len(per_timer) == 400 and set(per_timer.values()) == {1}
    assert set(Timer.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"done"}


def test_a_claim_that_dies_before_its_commit_fires_nothing_and_the_timer_fires_later(db, monkeypatch):
    (timer_id,) = many_due_timers("claim-crash", 1)
    markers = Message.objects.filter(payload__timer="n0")

    def die(*args, **kwargs):
        raise SystemExit("the worker died inside the claim")

    with monkeypatch.context() as m:
        m.setattr(Run.objects, "bulk_create", die)
        with pytest.raises(SystemExit):
            timers.fire_due()
    assert Timer.objects.get(pk=timer_id).state == "pending" and not markers.exists()
    assert not Run.objects.filter(timer_id=timer_id).exists()

    assert timers.fire_due() == 1
    assert Run.objects.filter(timer_id=timer_id).count() == 1 and markers.count() == 1
    assert timers.fire_due() == 0
