"""Run one integration node inside a real flow (start -> node -> "OK" on success / "Failed" on error)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flows.engine import State, StepRecord, TurnResult, run_turn
from flows.graph import analyse, errors
from integrations import vault
from integrations.models import Credential
from nodes.registry import registry

NODE = "call"


def doc(node_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """A flow: start -> the node; its success handle says "OK", its error handle says "Failed: <reason>"."""

    def node(node_id: str, type_: str, **node_data: Any) -> dict[str, Any]:
        return {"id": node_id, "type": type_, "position": {"x": 0, "y": 0}, "data": node_data}

    return {
        "nodes": [
            node("start", "start"),
            {"id": NODE, "type": node_type, "position": {"x": 200, "y": 0}, "data": data},
            node("ok", "message", text="OK"),
            node("failed", "message", text="Failed"),
        ],
        "edges": [
            {"id": "e1", "source": "start", "sourceHandle": "next", "target": NODE},
            {"id": "e2", "source": NODE, "sourceHandle": "success", "target": "ok"},
            {"id": "e3", "source": NODE, "sourceHandle": "error", "target": "failed"},
        ],
    }


def problems(node_type: str, data: dict[str, Any]) -> dict[str, str]:
    """What the canvas shows on the node's fields when the flow is saved: {field: message}."""
    _graph, found = analyse(doc(node_type, data), registry())
    return {p.field or "": p.message for p in found if p.node_id == NODE}


@dataclass
class Turn:
    result: TurnResult

    @property
    def step(self) -> StepRecord:
        return next(s for s in self.result.steps if s.node_id == NODE)

    @property
    def handle(self) -> str | None:
        return self.step.handle

    @property
    def said(self) -> list[str]:
        return [m["text"] for m in self.result.messages]

    @property
    def variables(self) -> dict[str, Any]:
        return self.result.state.variables

    @property
    def error(self) -> str:
        return self.step.error

    @property
    def exchanges(self) -> list[dict[str, Any]]:
        return self.step.output.get("exchanges", [])


def run(node_type: str, data: dict[str, Any], services: Any, variables: dict[str, Any] | None = None) -> Turn:
    """One turn of the flow through the real engine, with the run's services and their redaction."""
    graph, found = analyse(doc(node_type, data), registry())
    assert graph is not None, [p.as_dict() for p in errors(found)]
    redact = services.redact if services is not None else (lambda value: value)
    result = run_turn(
        graph, State(variables=dict(variables or {})), None, services=services, redact=redact, flow_id="flow-7"
    )
    return Turn(result)


def credential(name: str, kind: str, settings: dict[str, Any], secrets: dict[str, Any]) -> Credential:
    """A stored credential, its secrets encrypted by the vault as admin would store them."""
    return Credential.objects.create(name=name, kind=kind, settings=settings, secrets_encrypted=vault.encrypt(secrets))
