"""Celery: one task per turn. Acknowledged late, safe to run twice, one conversation at a time in arrival order."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from integrations.services import Services

from . import (  # noqa: F401  (heartbeat, scheduler: worker signals; intercom_bridge: its task, for the worker)
    assets,
    handoff,
    heartbeat,
    history,
    intercom_bridge,
    live,
    scheduler,
    timers,
)
from .actions import insert_messages, message_json, reply_payload
from .compiled import VersionInvalid, compiled
from .engine import State, StepRecord, run_turn
from .hooks import hook_event, waits_for
from .locks import ConversationLock
from .messaging import tasks as messaging
from .models import Conversation, Message, Run, Step
from .sqlcache import CompiledInsert, CompiledQuery, CompiledUpdate

log = logging.getLogger(__name__)
BUSY_RETRY_MAX_S = 1.0
WATCH_RECHECK_S = 1.0  # while nobody watches a flow, how often a running turn looks again


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def process_conversation(self: Any, conversation_id: str, flow_id: str | None = None) -> None:
    """Run every queued turn of the conversation, oldest first; if another worker holds it, come back later.

    `flow_id` (sent with a chat message's turn): whether a canvas watches the flow is asked in the lease's round trip.
    """
    lock = ConversationLock(conversation_id)
    took, watched = _take(lock, flow_id)
    if not took:
        # Re-queued, never dropped: whoever holds the lease may already take this turn, then this finds none. The
        # wait doubles while the lease stays held (a long turn, or a copy sent meanwhile), so a copy waits out a slow
        # turn without spinning; it can run only once the lease is released or has lapsed.
        raise self.retry(countdown=busy_countdown(self.request.retries))
    close_old_connections()  # as Django does per request: drop a broken or expired connection before using it
    last: list[_Announcement] = []  # the last turn's reply and events, sent in the release's round trip
    try:
        with lock.held():
            while runs := _next_queued(conversation_id):
                run = runs[0]
                alone = len(runs) == 1
                execute_run(run, watched=watched if str(run.flow_id) == flow_id else None, last=last if alone else None)
                watched = None  # a later turn looks again
                if alone:
                    # None other was queued when we looked, and one queued since has its own task on the way (every
                    # turn is sent on commit; flows/heartbeat.py re-sends lost ones): no second lookup per turn.
                    break
    finally:
        if last:
            _announce(*last[0], then=lock.release_in)
        else:
            lock.release()
        close_old_connections()


def _take(lock: ConversationLock, flow_id: str | None) -> tuple[bool, bool | None]:
    """Take the lease; with the flow's id, also whether a canvas watches the flow, in the same round trip."""
    if flow_id is None:
        return lock.acquire(), None
    pipe = live.client().pipeline(transaction=False)
    lock.acquire_in(pipe)
    live.watched_in(pipe, live.trace_group(flow_id))
    took, answer = pipe.execute()
    return bool(took), live.is_watched(answer)


def send_turn(conversation_id: Any, producer: Any = None, flow_id: Any = None) -> None:
    """Send the conversation's task (`producer`: a batch's broker connection; `flow_id`, when the sender has it, saves
    the task a round trip). `declare=[]`: Celery would re-declare the queue on every send (a copy of the queue bound to
    the channel, for a declaration kombu then finds cached); the default exchange puts the message straight on the
    queue's list, and the worker declares its queue when it starts. A fifth of a send's CPU (decision 0050). The
    arguments' display for monitoring is given, not built by Celery's saferepr: the same text, 30 us less a send."""
    args = (str(conversation_id),) if flow_id is None else (str(conversation_id), str(flow_id))
    process_conversation.apply_async(args, declare=[], producer=producer, argsrepr=repr(args), kwargsrepr="{}")


def busy_countdown(retries: int) -> float:
    """Seconds until a task that found the conversation busy tries again: 20-100 ms at first, about a second at most."""
    return min(BUSY_RETRY_MAX_S, 0.02 * 2 ** min(retries, 10)) + random.random() * 0.08


_NEXT_QUEUED = CompiledQuery(
    lambda conversation_id: (
        Run.objects.filter(conversation_id=conversation_id, status=Run.Status.QUEUED)
        .select_related("conversation__version", "inbound")
        .defer("conversation__version__graph")  # compiled() loads it only when the version is not cached yet
        .order_by(F("inbound_id").asc(nulls_first=True))[:2]
    ),
    Run._meta.get_field("conversation"),
)


# The turn's writes, their SQL built once (decision 0049): the run claimed (a redelivered copy finds it taken), the
# conversation's new state, the replies and the steps.
_CLAIM_RUN = CompiledUpdate(Run, "id", "status")
_SAVE_CONVERSATION = CompiledUpdate(Conversation, "id")
_INSERT_STEPS = CompiledInsert(Step)


def _next_queued(conversation_id: str) -> list[Run]:
    """The conversation's oldest queued run, and the next one if any (so the caller knows whether to look again)."""
    return _NEXT_QUEUED(conversation_id)


class _TracePublisher:
    """Publishes step events to the flow's trace group as the engine runs (`watched`: the answer just asked, if any)."""

    def __init__(self, run: Run, watched: bool | None = None):
        self.group = live.trace_group(run.flow_id)
        self.base = {"run_id": str(run.pk), "conversation_id": str(run.conversation_id)}
        if watched is None:
            self._look()
        else:
            self.checked_at, self.watched = time.monotonic(), watched

    def _look(self) -> None:
        # Step events go out only while a socket watches the flow: one PUBSUB NUMSUB instead of two PUBLISHes a step.
        self.checked_at = time.monotonic()
        try:
            self.watched = live.watched(self.group)
        except Exception:  # noqa: BLE001 - unsure: publish, and let publishing report the trouble
            self.watched = True

    def watching(self) -> bool:
        """Whether a socket watches the flow, as last seen (looked again after WATCH_RECHECK_S)."""
        if not self.watched and time.monotonic() - self.checked_at >= WATCH_RECHECK_S:
            self._look()  # a long turn: a canvas opened since it started sees its next steps
        return self.watched

    def __call__(self, event: str, step: StepRecord) -> None:
        if not self.watching():
            return
        body: dict[str, Any] = {
            **self.base,
            "event": event,
            "seq": step.seq,
            "node_id": step.node_id,
            "node_type": step.node_type,
            "status": step.status,
            "at": step.started_at,
        }
        if event == "step.finished":
            body.update(
                duration_ms=round(step.duration_ms, 3),
                input=step.input,
                output=step.output,
                error=step.error,
                handle=step.handle,
            )
        try:
            live.publish(self.group, {"type": "trace.event", "event": body})
        except Exception:  # noqa: BLE001 - a watcher's feed must never fail the turn
            log.warning("could not publish %s for run %s", event, self.base["run_id"], exc_info=True)


_Announcement = tuple[Run, dict[str, Any], list[dict[str, Any]], dict[str, Any] | None, list[str | None]]


def execute_run(run: Run, *, watched: bool | None = None, last: list[_Announcement] | None = None) -> None:
    """Run one queued turn through the engine and store its outcome in one transaction (the caller holds the lease).

    `watched`: whether a canvas watches the flow, if just asked. `last`: the turn's announcement is left there for the
    caller to send with the lease's release, instead of on commit."""
    conversation = run.conversation
    started = timezone.now()
    t0 = time.perf_counter()
    publisher = _TracePublisher(run, watched)
    if conversation.status != Conversation.Status.ACTIVE:
        _finish_skipped(run, conversation, f"the conversation has {conversation.status}")
        return
    try:
        graph = compiled(conversation.version)
    except VersionInvalid as exc:
        _finish_skipped(run, conversation, f"the published version cannot run: {exc}", status=Run.Status.FAILED)
        return
    hook = hook_event(run)
    if hook is not None and not (
        waits_for(conversation.awaiting, hook.get("key"))
        or (hook.get("key") == handoff.HANDOFF_KEY and handoff.waits_for_handoff(conversation.awaiting))
    ):
        # Resumed by a chat message or another delivery since the hook queued this: it must not answer a question.
        _finish_skipped(run, conversation, f"the conversation no longer waits for the hook {hook.get('key')!r}")
        return
    timer = timers.event(run)
    if run.trigger == Run.Trigger.TIMER and (
        reason := timers.stale_reason(conversation, run) or handoff.stale_reason(conversation, run)
    ):
        _finish_skipped(run, conversation, reason)
        return
    held = list(conversation.held or [])
    variables = conversation.variables
    if conversation.messaging_channel_id and run.inbound is not None and hook is None and timer is None:
        # A text's attachments (MMS, WhatsApp) for this turn only: the `media` variable is that text's, or empty.
        payload = run.inbound.payload if isinstance(run.inbound.payload, dict) else {}
        variables = {**variables, "media": payload.get("media", [])}
    state = State(conversation.status, conversation.waiting_node or None, variables, held)
    services = Services(run_id=run.pk, flow_id=str(run.flow_id), assets=assets.loader(run.flow_id))
    result = run_turn(
        graph,
        state,
        run.inbound.text if run.inbound else None,
        step_limit=settings.FLOW_STEP_LIMIT,
        on_step=publisher,
        conversation_id=str(conversation.pk),
        flow_id=str(run.flow_id),
        hook=hook,
        timer=timer,
        now=timers.clock,
        services=services,
        redact=services.redact,
        history=history.loader(conversation.pk, run),
        open_stream=lambda step: live.LiveText(
            conversation_id=conversation.pk,
            flow_id=run.flow_id,
            run_id=run.pk,
            step={"seq": step.seq, "node_id": step.node_id, "node_type": step.node_type},
            redactor=services.redactor,
        ),
    )
    error = services.redact(result.error) if result.error else result.error  # the run's error names no secret
    # Nor does what is stored and sent: a secret a node echoed into a variable, a message, the input awaited (choice
    # labels), or a step (redacted as it ran, again now that every secret of the turn is known) is masked.
    result.state.variables = services.redact(result.state.variables)
    result.messages = services.redact(result.messages)
    result.awaiting = services.redact(result.awaiting)
    for step in result.steps:
        step.input, step.output, step.error = services.redact([step.input, step.output, step.error])
    services.close()
    duration_ms = (time.perf_counter() - t0) * 1000
    status = Run.Status.FAILED if result.failed else Run.Status.COMPLETED
    with transaction.atomic():
        claimed = _CLAIM_RUN(
            (run.pk, Run.Status.QUEUED),
            status=status,
            started_at=started,
            finished_at=timezone.now(),
            duration_ms=duration_ms,
            error=error,
        )
        if not claimed:
            return  # a redelivered copy of this turn already stored it: send nothing twice
        run.status = status
        awaiting = timers.awaiting_after(conversation, result)
        handed = handoff.after_turn(conversation, awaiting if result.state.status == "active" else None, timezone.now())
        _SAVE_CONVERSATION(
            (conversation.pk,),
            **handed,
            status=result.state.status,
            waiting_node=result.state.waiting_node or "",
            variables=result.state.variables,
            awaiting=awaiting,
            held=result.state.held,
            updated_at=timezone.now(),
        )
        timers.apply_turn(conversation, result, timers.clock())
        messages = insert_messages(
            [
                Message(
                    conversation_id=conversation.pk,
                    direction=Message.Direction.OUT,
                    text=m["text"],
                    choices=m["choices"],
                    run_id=run.pk,
                )
                for m in result.messages
            ]
        )
        _INSERT_STEPS([_step_row(run, s) for s in result.steps])
        messaging.queue_replies(conversation, [m.pk for m in messages])
        out = [message_json(m) for m in messages]
        streams = [m.get("stream_id") for m in result.messages]
        reply = reply_payload(run, result.state.status, out, awaiting)
        finished = {
            **publisher.base,
            "event": "run.finished",
            "status": status,
            "error": error,
            "duration_ms": round(duration_ms, 3),
            "steps": len(result.steps),
        }
        # The run's end goes to the flow's trace only while a canvas watches it, as its steps did.
        traced = finished if publisher.watching() else None
        announcement: _Announcement = (run, reply, out, traced, streams)
        transaction.on_commit(lambda: last.append(announcement) if last is not None else _announce(*announcement))


def _finish_skipped(run: Run, conversation: Conversation, reason: str, status: str = Run.Status.SKIPPED) -> None:
    with transaction.atomic():
        if not Run.objects.filter(pk=run.pk, status=Run.Status.QUEUED).update(
            status=status, finished_at=timezone.now(), error=reason
        ):
            return
        run.status = status
        reply = reply_payload(run, conversation.status, [], conversation.awaiting)
        finished = {
            "run_id": str(run.pk),
            "conversation_id": str(conversation.pk),
            "event": "run.finished",
            "status": status,
            "error": reason,
            "duration_ms": 0,
            "steps": 0,
        }
        transaction.on_commit(lambda: _announce(run, reply, [], finished))


def _step_row(run: Run, step: StepRecord) -> Step:
    return Step(
        run_id=run.pk,
        seq=step.seq,
        node_id=step.node_id,
        node_type=step.node_type,
        status=step.status,
        started_at=datetime.fromtimestamp(step.started_at, tz=UTC),
        duration_ms=step.duration_ms,
        input=step.input,
        output=step.output,
        error=step.error,
        handle=step.handle or "",
    )


def _announce(
    run: Run,
    reply: dict[str, Any],
    messages: list[dict[str, Any]],
    finished: dict[str, Any] | None,
    streams: list[str | None] | None = None,
    then: Callable[[Any], None] | None = None,
) -> None:
    """After commit: the waiting request gets its reply, the widget its messages, the canvas the run's end (if given).

    A message whose text went out live names its stream, so the widget replaces the live text with it. `then` queues
    more commands on the same round trip (the lease's release).
    """
    group = live.conversation_group(run.conversation_id)
    events = [
        (group, {"type": "chat.message", "message": m, **({"stream_id": s} if s else {})})
        for m, s in zip(messages, streams or [None] * len(messages), strict=True)
    ]
    events.append(
        (
            live.conversation_group(run.conversation_id),
            {"type": "chat.status", "status": reply["status"], "input": reply["input"]},
        )
    )
    if finished is not None:
        events.append((live.trace_group(run.flow_id), {"type": "trace.event", "event": finished}))
    # One round trip: the reply first (the waiting request may be answered already), then the events.
    live.post_reply(run.pk, reply, events, then)
