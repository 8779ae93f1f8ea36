"""The engine: a plain function of (graph, state, input) -> (new state, messages, steps). No ORM, no Celery."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from nodes.base import Context, NodeError, Outcome, Said, TextStream, render_config
from nodes.outside import Outside

from .graph import Graph

if TYPE_CHECKING:
    from integrations.services import Services

    def _services_are_the_outside(services: Services) -> Outside:
        return services  # mypy holds the run's Services to all that nodes.outside.Outside promises a node


ACTIVE, ENDED, FAILED = "active", "ended", "failed"


@dataclass(slots=True)
class State:
    """Where a conversation stands between turns."""

    status: str = ACTIVE
    waiting_node: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    held: list[str] = field(default_factory=list)  # messages that came during a wait, for the next node that asks


# What a turn does to the conversation's wake-up timer (flows/timers.py): a new one, the one it had, or none.
WAKE_SET, WAKE_KEEP, WAKE_CLEAR = "set", "keep", "clear"
# Awaiting types that take no typed answer: a held message is not given to them.
NOT_ANSWERABLE = ("wait", "webhook", "handoff")


@dataclass(slots=True)
class StepRecord:
    seq: int
    node_id: str
    node_type: str
    started_at: float
    status: str = "running"
    duration_ms: float = 0.0
    input: dict[str, Any] = field(default_factory=dict)
    output: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    handle: str | None = None


@dataclass(slots=True)
class TurnResult:
    state: State
    messages: list[dict[str, Any]]
    steps: list[StepRecord]
    failed: bool = False
    error: str = ""
    awaiting: dict[str, Any] | None = None
    wake: dict[str, Any] | None = None  # {"at": datetime, "payload", "node_id"} when wake_mode is WAKE_SET
    wake_mode: str = WAKE_CLEAR
    timers: list[dict[str, Any]] = field(default_factory=list)  # named timers set or cancelled, in order
    kept_wait: bool = False  # a timer's branch ran out: the conversation waits where (and for what) it waited


StepHook = Callable[[str, StepRecord], None]
HistoryLoader = Callable[[int], list[Said]]


def _noop(event: str, step: StepRecord) -> None:
    return None


def run_turn(
    graph: Graph,
    state: State,
    text: str | None,
    *,
    step_limit: int = 200,
    on_step: StepHook = _noop,
    redact: Callable[[Any], Any] = lambda value: value,
    services: Outside | None = None,
    conversation_id: str = "",
    flow_id: str = "",
    hook: dict[str, Any] | None = None,
    history: HistoryLoader | None = None,
    open_stream: Callable[[StepRecord], TextStream] | None = None,
    now: Callable[[], datetime] | None = None,
    timer: dict[str, Any] | None = None,
    time_zone: str | None = None,
) -> TurnResult:
    """Run from where the conversation waits (or from start) until a question waits, the flow ends, or it fails.

    `hook` is a delivery to an incoming hook: the waiting node receives it (as `ctx.hook`) instead of a text.
    `history(n)` loads the stored messages of the last n turns (this turn's inbound message included); the engine
    adds what the bot said so far in this turn. `open_stream(step)` lets the running node send a message's text live, as
    it comes. `now()` is the time nodes see (the clock by default).

    `timer` is a timer firing (flows/timers.py): a "wake" resumes the waiting node (as `ctx.timer`); a "named" one runs
    a branch from the timer node that set it while the conversation's own wait is kept: the branch ends at an End
    (the conversation ends), at a node that waits (the conversation now waits there), or at a loose end (the
    conversation goes back to waiting where it waited).
    """
    if state.status != ACTIVE:
        return TurnResult(state, [], [], failed=True, error=f"the conversation has {state.status}")
    variables = dict(state.variables)
    messages: list[dict[str, Any]] = []
    ctx = Context(
        variables,
        conversation_id=conversation_id,
        flow_id=flow_id,
        services=services,
        history=_with_this_turn(history, messages) if history is not None else None,
    )
    if now is not None:
        ctx.now = now
    ctx.time_zone = time_zone or graph.time_zone
    held = list(state.held)
    branch = timer is not None and timer.get("kind") == "named"
    if branch:
        assert timer is not None
        if timer.get("node_id") not in graph.nodes:
            missing = f"the flow has no node {timer.get('node_id')!r} any more"
            return TurnResult(state, [], [], failed=True, error=missing)
        current: str | None = timer["node_id"]
        answer, hook = None, None
    elif state.waiting_node is None:
        current = graph.start_id
        answer, hook, timer = None, None, None
    elif state.waiting_node in graph.nodes:
        current, answer = state.waiting_node, (text if hook is None and timer is None else None)
    else:
        return TurnResult(state, [], [], failed=True, error=f"the flow has no node {state.waiting_node!r} any more")
    steps: list[StepRecord] = []
    timer_ops: list[dict[str, Any]] = []
    if open_stream is not None:
        ctx.open_stream = lambda: open_stream(steps[-1])  # the running step's

    while current is not None:
        node = graph.nodes[current]
        if len(steps) >= step_limit:
            return _fail(
                graph,
                state,
                messages,
                steps,
                f"The flow ran {step_limit} steps without waiting for the user, so it was stopped: "
                f"it probably loops. Last node: {current!r}.",
            )
        step = StepRecord(len(steps) + 1, current, node.type.key, time.time())
        steps.append(step)
        on_step("step.started", step)
        t0 = time.perf_counter()
        ctx.node_id, ctx.answer, ctx.hook, ctx.timer = current, answer, hook, timer
        ctx.wired = frozenset(node.edges)
        answer, hook, timer = None, None, None
        try:
            config, step.input = render_config(node.config, ctx)
            if ctx.answer is not None:
                step.input["answer"] = ctx.answer
            if ctx.hook is not None:
                step.input["hook"] = {"key": ctx.hook.get("key"), "payload": ctx.hook.get("payload")}
            if ctx.timer is not None:
                step.input["timer"] = {k: ctx.timer.get(k) for k in ("kind", "name", "firing")}
            outcome: Outcome = node.type.run(config, ctx)
        except Exception as exc:  # noqa: BLE001 - any node failure is the flow's to handle, never the worker's
            step.duration_ms = (time.perf_counter() - t0) * 1000
            step.status = "failed"
            step.error = str(exc) if isinstance(exc, NodeError) else f"{type(exc).__name__}: {exc}"
            step.input = redact(step.input)
            step.output = redact(getattr(exc, "output", None) or {})  # e.g. the request and response that failed
            step.error = redact(step.error)
            target = node.edges.get("error")
            step.handle = "error" if target else None
            on_step("step.finished", step)
            if target:
                current = target
                continue
            failed = _fail(graph, state, messages, steps, f"{node.type.label} ({current}) failed: {step.error}")
            failed.timers = timer_ops
            return failed
        step.duration_ms = (time.perf_counter() - t0) * 1000
        step.status = "succeeded"
        new_messages = [m.as_dict() for m in outcome.messages]
        messages.extend(new_messages)
        # A secret an answer reflected (an API echoing its token, say) never becomes a variable: redaction matches
        # exact text only, so once in a variable, a template could reshape it (`| reverse`) past the redactor.
        saved = redact(outcome.variables) if outcome.variables else {}
        if saved:
            variables.update(saved)
        step.output = {"messages": new_messages, "variables": saved}
        if outcome.output:
            step.output.update(outcome.output)
        step.input, step.output = redact(step.input), redact(step.output)
        for op in outcome.timers:
            timer_ops.append({**op, "node_id": current})
        if outcome.hold and ctx.answer is not None:
            held.append(ctx.answer)
            step.output["held"] = ctx.answer
        if outcome.wait:
            awaiting = {**(outcome.awaiting or node.type.awaiting(config)), "node_id": current}
            if held and ctx.answer is None and awaiting.get("type") not in NOT_ANSWERABLE:
                # A message that came during a wait answers the first node that asks after it.
                answer = held.pop(0)
                step.output["answer_from_wait"] = answer
                on_step("step.finished", step)
                continue
            step.output["waiting"] = True
            on_step("step.finished", step)
            result = TurnResult(State(ACTIVE, current, variables, held), messages, steps, awaiting=awaiting)
            result.timers = timer_ops
            if outcome.wake is not None:
                result.wake = {"at": outcome.wake, "payload": outcome.wake_payload or {}, "node_id": current}
                result.wake_mode = WAKE_SET
                awaiting["wake_at"] = outcome.wake.isoformat()
            elif outcome.keep_wake:
                result.wake_mode = WAKE_KEEP
            return result
        step.handle = outcome.handle
        on_step("step.finished", step)
        current = node.edges.get(outcome.handle) if outcome.handle else None
        if branch and current is None and outcome.handle is not None and state.waiting_node is not None:
            # The timer's branch ran out: back to the wait it interrupted (its wake-up timer kept too).
            kept = TurnResult(State(ACTIVE, state.waiting_node, variables, held), messages, steps, kept_wait=True)
            kept.timers, kept.wake_mode = timer_ops, WAKE_KEEP
            return kept
    return TurnResult(State(ENDED, None, variables, held), messages, steps, timers=timer_ops)


def _with_this_turn(load: HistoryLoader, said: list[dict[str, Any]]) -> HistoryLoader:
    """The stored history followed by the bot's messages of this turn so far (stored only when the turn ends)."""

    def history(turns: int) -> list[Said]:
        return [*load(turns), *(Said("bot", m["text"]) for m in said if m.get("text"))]

    return history


def _fail(graph: Graph, state: State, messages: list, steps: list[StepRecord], error: str) -> TurnResult:
    """Send the flow's fallback and leave the conversation where it stood before this turn."""
    messages.append({"text": graph.fallback_text, "choices": None})
    if state.waiting_node is None:
        new_state = State(FAILED, None, dict(state.variables))
        return TurnResult(new_state, messages, steps, failed=True, error=error)
    new_state = State(ACTIVE, state.waiting_node, dict(state.variables), list(state.held))
    # The conversation waits where it waited, for what it waited: its wake-up timer too.
    return TurnResult(new_state, messages, steps, failed=True, error=error, wake_mode=WAKE_KEEP)
