"""Run the calendar node in a real flow through the real engine; each of its handles says its own name."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flows.engine import State, run_turn
from flows.graph import analyse, errors
from nodes.registry import registry
from tests.integrations.nodes.support import NODE, Turn

AVAILABILITY = ("available", "unavailable", "error")
OTHERS = ("success", "error")


def doc(data: dict[str, Any]) -> dict[str, Any]:
    """start -> calendar node; every handle it has leads to a message naming the handle."""
    handles = AVAILABILITY if data.get("operation", "check_availability") == "check_availability" else OTHERS
    nodes = [
        {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
        {"id": NODE, "type": "calendar", "position": {"x": 200, "y": 0}, "data": data},
    ]
    edges = [{"id": "e0", "source": "start", "sourceHandle": "next", "target": NODE}]
    for handle in handles:
        nodes.append(
            {"id": f"said_{handle}", "type": "message", "position": {"x": 400, "y": 0}, "data": {"text": handle}}
        )
        edges.append({"id": f"e_{handle}", "source": NODE, "sourceHandle": handle, "target": f"said_{handle}"})
    return {"nodes": nodes, "edges": edges}


def run(
    data: dict[str, Any],
    services: Any,
    variables: dict[str, Any] | None = None,
    conversation: str = "c-1",
    now: Callable[[], datetime] | None = None,
) -> Turn:
    """One turn through the real engine; `now` runs it at a set moment (what the node reads as ctx.now())."""
    graph, found = analyse(doc(data), registry())
    assert graph is not None, [p.as_dict() for p in errors(found)]
    result = run_turn(
        graph,
        State(variables=dict(variables or {})),
        None,
        services=services,
        redact=services.redact,
        flow_id="flow-7",
        conversation_id=conversation,
        now=now,
    )
    return Turn(result)


def problems(data: dict[str, Any]) -> dict[str, str]:
    _graph, found = analyse(doc(data), registry())
    return {p.field or "": p.message for p in found if p.node_id == NODE}


def everything(turn: Turn) -> str:
    """All a step shows (input, output, error) and all messages, as one text: where a secret must not appear."""
    step = turn.step
    return json.dumps([step.input, step.output, step.error, turn.result.messages, turn.variables], default=str)
