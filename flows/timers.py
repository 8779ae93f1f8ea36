"""Timers as data: the rows a turn sets or cancels, and the claim that fires due ones exactly once as turns.

A firing is one transaction: the timer row is claimed (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite transactions
here take the write lock at BEGIN, so claims are serial), an inbound marker message and a queued Run are inserted, and
the row moves on (done, or its next due time). The Run's unique (timer, firing) is the last word: a second claim of
the same firing cannot commit. The task is sent on commit; a task lost on the way (a killed worker, an emptied
broker) is re-sent by the heartbeat's sweep of stale queued runs (flows/heartbeat.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Min, Prefetch, QuerySet
from django.utils import timezone

from .actions import ActionError
from .engine import WAKE_KEEP, WAKE_SET, TurnResult
from .models import Conversation, Message, Run, Timer

log = logging.getLogger(__name__)

WAKE, NAMED = Timer.Kind.WAKE, Timer.Kind.NAMED
PENDING, DONE, CANCELLED = Timer.State.PENDING, Timer.State.DONE, Timer.State.CANCELLED


def clock() -> datetime:
    """The time turns and the scheduler read (tests replace it to run a conversation across days)."""
    return timezone.now()


# What a turn does to the conversation's timers (inside execute_run's transaction).


def apply_turn(conversation: Conversation, result: TurnResult, now: datetime) -> None:
    """Store the timers a turn set or cancelled; its wake-up; and stop them all when the conversation ended."""

    def pending() -> QuerySet[Timer]:
        # Built when needed: most turns touch no timer, and building a queryset costs more than the rest of this.
        return Timer.objects.filter(conversation_id=conversation.pk, state=PENDING)

    for op in result.timers:
        pending().filter(kind=NAMED, name=op["name"]).update(state=CANCELLED, ended_at=now)
        if op["op"] == "set":
            payload = {k: _jsonable(op.get(k)) for k in ("every_s", "count", "end")}
            Timer.objects.create(
                conversation_id=conversation.pk,
                flow_id=conversation.flow_id,
                version_id=conversation.version_id,
                kind=NAMED,
                name=op["name"],
                node_id=op["node_id"],
                due_at=op["due"],
                payload=payload,
            )
    if result.state.status != Conversation.Status.ACTIVE:
        pending().update(state=CANCELLED, ended_at=now)
        return
    # A pending wake-up always shows in what the conversation awaited (`wake_at`, set with it and kept with it), so a
    # turn that began with none has none to cancel: most turns save the query.
    had_wake = isinstance(conversation.awaiting, dict) and bool(conversation.awaiting.get("wake_at"))
    if result.wake_mode != WAKE_KEEP and had_wake:
        pending().filter(kind=WAKE).update(state=CANCELLED, ended_at=now)
    if result.wake_mode == WAKE_SET and result.wake is not None:
        Timer.objects.create(
            conversation_id=conversation.pk,
            flow_id=conversation.flow_id,
            version_id=conversation.version_id,
            kind=WAKE,
            node_id=result.wake["node_id"],
            due_at=result.wake["at"],
            payload=result.wake["payload"],
        )


def awaiting_after(conversation: Conversation, result: TurnResult) -> dict[str, Any] | None:
    """What the conversation waits for after the turn: a timer branch that ran out keeps the wait it interrupted; a
    wait kept with its wake-up keeps showing when that is."""
    if result.kept_wait:
        return conversation.awaiting
    awaiting = result.awaiting
    before = conversation.awaiting
    if (
        awaiting is not None
        and result.wake_mode == WAKE_KEEP
        and isinstance(before, dict)
        and before.get("node_id") == awaiting.get("node_id")
        and before.get("wake_at")
    ):
        return {**awaiting, "wake_at": before["wake_at"]}
    return awaiting


def cancel_all(conversation_id: Any, now: datetime | None = None) -> int:
    """Stop every pending timer of the conversation (it ended, or someone closed it)."""
    return Timer.objects.filter(conversation_id=conversation_id, state=PENDING).update(
        state=CANCELLED, ended_at=now or timezone.now()
    )


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


# What a timer-fired run hands the engine, and whether it still should.


def event(run: Run) -> dict[str, Any] | None:
    """The firing a timer-triggered run carries to the engine (None for every other run)."""
    if run.trigger != Run.Trigger.TIMER or run.timer is None:
        return None
    timer = run.timer
    due = (run.inbound.payload or {}).get("due_at") if run.inbound else None
    return {
        "kind": timer.kind,
        "name": timer.name,
        "node_id": timer.node_id,
        "firing": run.firing,
        "payload": timer.payload if timer.kind == WAKE else {},
        "due_at": due,
        "version_id": timer.version_id,
    }


def stale_reason(conversation: Conversation, run: Run) -> str | None:
    """Why a fired timer's turn must not run any more (the wait it was for is over), or None."""
    timer = run.timer
    if timer is None:
        return "the timer was removed"
    if timer.state == CANCELLED:
        return f"the timer {timer.name or 'wake-up'!r} was cancelled"
    if timer.kind == WAKE:
        newer = Timer.objects.filter(conversation_id=conversation.pk, kind=WAKE, pk__gt=timer.pk).exists()
        if conversation.waiting_node != timer.node_id or newer:
            return f"the conversation no longer waits at {timer.node_id!r} for this wake-up"
    return None


# The claim: due rows become queued runs, once.


def next_due() -> datetime | None:
    return Timer.objects.filter(state=PENDING).aggregate(due=Min("due_at"))["due"]


def fire_due(now: datetime | None = None, limit: int = 500, send: Callable[[list[Any]], None] | None = None) -> int:
    """Fire up to `limit` timers due by now, oldest first; how many fired. Safe to call from many processes at once.

    `send(conversation_ids)` queues their turns after the commit (send_turns by default; the scheduler hands them to a
    thread of its own, so publishing hundreds of tasks does not hold up the next claim)."""
    now = now or clock()
    if not Timer.objects.filter(state=PENDING, due_at__lte=now).exists():
        return 0  # a read only: no write lock taken while nothing is due (SQLite)
    with transaction.atomic():
        due = Timer.objects.filter(state=PENDING, due_at__lte=now).order_by("due_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        return _fire(list(due[:limit]), now, send or send_turns)


def fire_now(timer: Timer) -> bool:
    """Fire one pending timer at once (the preview's Skip wait); False when it is no longer pending."""
    now = timezone.now()
    with transaction.atomic():
        rows = Timer.objects.filter(pk=timer.pk, state=PENDING)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows)
        for row in claimed:
            row.due_at = min(row.due_at, now)
        return _fire(claimed, now, send_turns) == 1


def _fire(timers: list[Timer], now: datetime, send: Callable[[list[Any]], None]) -> int:
    """Inside the claim's transaction: one marker message and one queued run per timer; the rows move on."""
    if not timers:
        return 0
    messages = Message.objects.bulk_create(
        [
            Message(
                conversation_id=t.conversation_id,
                direction=Message.Direction.IN,
                text="",
                payload={"timer": t.name or "wake", "kind": t.kind, "firing": t.fired_count + 1, "due_at": _iso(t)},
            )
            for t in timers
        ]
    )
    Run.objects.bulk_create(
        [
            Run(
                conversation_id=t.conversation_id,
                flow_id=t.flow_id,
                trigger=Run.Trigger.TIMER,
                inbound=m,
                timer=t,
                firing=t.fired_count + 1,
            )
            for t, m in zip(timers, messages, strict=True)
        ]
    )
    finished: list[int] = []
    for t in timers:
        t.fired_count += 1
        t.fired_at = now
        follow = _next_firing(t, now)
        if follow is None:
            finished.append(t.pk)
        else:  # a repeating timer moves on to its next firing (few: one statement each)
            Timer.objects.filter(pk=t.pk).update(fired_count=t.fired_count, fired_at=now, due_at=follow)
    # One statement for all the rest (bulk_update's CASE per row costs seconds for a large batch).
    Timer.objects.filter(pk__in=finished).update(
        state=DONE, fired_count=F("fired_count") + 1, fired_at=now, ended_at=now
    )
    conversations = _unique(t.conversation_id for t in timers)
    transaction.on_commit(lambda: send(conversations))
    return len(timers)


def send_turns(conversation_ids: list[Any]) -> None:
    """After commit: one task per conversation, sent over one broker connection (a batch sends hundreds)."""
    from .tasks import process_conversation, send_turn

    with process_conversation.app.producer_or_acquire() as producer:
        for conversation_id in conversation_ids:
            send_turn(conversation_id, producer)


def _iso(timer: Timer) -> str:
    return timer.due_at.isoformat()


def _next_firing(timer: Timer, now: datetime) -> datetime | None:
    """A repeating timer's next due time (missed firings are not made up in a burst); None when it is done."""
    every = timer.payload.get("every_s") if timer.kind == NAMED else None
    if not every:
        return None
    count = timer.payload.get("count")
    if count is not None and timer.fired_count >= count:
        return None
    step = timedelta(seconds=every)
    follow = timer.due_at + step
    if follow <= now:
        follow = now + step
    end = timer.payload.get("end")
    if end and follow > datetime.fromisoformat(end):
        return None
    return follow


def _unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


# What the builder and /healthz show.


def overdue() -> dict[str, Any]:
    """Pending timers, and how late the most overdue one is (seconds; 0 when none is due)."""
    pending = Timer.objects.filter(state=PENDING)
    due = pending.aggregate(due=Min("due_at"))["due"]
    late = max(0.0, (timezone.now() - due).total_seconds()) if due else 0.0
    return {"pending_timers": pending.count(), "most_overdue_s": round(late, 3)}


def with_pending(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Conversations with their pending timers, soonest first, loaded as `pending_timers` (one query for all)."""
    pending = Timer.objects.filter(state=PENDING).order_by("due_at", "pk")
    return conversations.prefetch_related(Prefetch("timers", queryset=pending, to_attr="pending_timers"))


class NothingToSkip(ActionError):
    code = "nothing_to_skip"
    status = 409


class NotAPreview(ActionError):
    code = "not_a_preview"
    status = 409


def skip_wait(conversation: Conversation, timer_id: int | None = None) -> Timer:
    """Fire a preview conversation's pending timer now (its wake-up, or the timer named by id): the Skip wait button."""
    if not conversation.version.is_preview:
        raise NotAPreview("Only a preview conversation's timers can be fired early; real ones fire on time.")
    pending = Timer.objects.filter(conversation_id=conversation.pk, state=PENDING)
    timer = pending.filter(pk=timer_id).first() if timer_id else pending.filter(kind=WAKE).order_by("-pk").first()
    if timer is None or not fire_now(timer):
        raise NothingToSkip("The conversation has no pending timer to fire now (it may just have fired).")
    timer.refresh_from_db()
    return timer
