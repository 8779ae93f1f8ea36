"""Flows and helpers shared by the timer tests: flows that wait, remind and set timers; a settable clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flows.models import Message, Run
from flows.tasks import execute_run
from tests.unit import edge, flow, node


class Clock:
    """The time turns and the scheduler read (flows.timers.clock), moved by hand."""

    def __init__(self, at: datetime | None = None):
        self.at = at or datetime(2026, 5, 4, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: Any) -> datetime:
        self.at += timedelta(**delta)
        return self.at


def wait_flow(delay: str = "2s", **wait: Any) -> dict[str, Any]:
    return flow(
        node("hello", "message", text="Hello, back in a moment."),
        node("pause", "wait", delay=delay, **wait),
        node("later", "message", text="I'm back."),
        node("ask", "question", text="Your name?", variable="name"),
        node("bye", "message", text="Bye {{ name }}"),
    )


def nudge_flow(**timer: Any) -> dict[str, Any]:
    """Sets the named timer `nudge`, then asks; when the timer fires it nudges, and the question waits on."""
    doc = flow(
        node("remind", "timer", name="nudge", **(timer or {"delay": "1h"})),
        node("ask", "question", text="Which day suits you?", variable="day"),
        node("ok", "message", text="Booked for {{ day }}."),
    )
    doc["nodes"].append(node("nudge_msg", "message", text="Just a nudge: which day suits you?"))
    doc["edges"].append(edge("remind", "nudge_msg", "fired"))
    return doc


def run_queued(conversation_id: Any) -> int:
    """What the worker does for the conversation: every queued turn, in the worker's order; how many ran."""
    ran = 0
    while True:
        run = (
            Run.objects.filter(conversation_id=conversation_id, status=Run.Status.QUEUED)
            .select_related("conversation__version", "inbound", "timer")
            .order_by("inbound_id")
            .first()
        )
        if run is None:
            return ran
        execute_run(run)
        ran += 1


def bot_texts(conversation_id: Any) -> list[str]:
    return list(
        Message.objects.filter(conversation_id=conversation_id, direction=Message.Direction.OUT)
        .order_by("id")
        .values_list("text", flat=True)
    )
