"""Unit tests of the engine, the core node types, graph validation and templating: no database, no processes.

Shared helpers live here so every test module reads the same way: load a JSON flow from tests/fixtures/flows
(or build a tiny one), then talk to it through `Chat` and assert what the user would see.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flows.engine import State, TurnResult, run_turn
from flows.graph import Graph, Problem, analyse, errors
from nodes.registry import registry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "flows"


def load_doc(name: str) -> dict[str, Any]:
    """A fresh copy of a fixture flow document (tests may edit it)."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


def problems_of(doc: dict[str, Any]) -> list[Problem]:
    return analyse(doc, registry())[1]


def compile_doc(doc: dict[str, Any]) -> Graph:
    graph, problems = analyse(doc, registry())
    assert graph is not None, [p.as_dict() for p in errors(problems)]
    return graph


def load_flow(name: str) -> Graph:
    return compile_doc(load_doc(name))


def node(node_id: str, type_: str, **data: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type_, "position": {"x": 0, "y": 0}, "data": data}


def edge(source: str, target: str, handle: str = "next", edge_id: str | None = None) -> dict[str, Any]:
    return {"id": edge_id or f"{source}-{handle}-{target}", "source": source, "sourceHandle": handle, "target": target}


def flow(*nodes: dict[str, Any], edges: list[dict[str, Any]] | None = None, chain: bool = True) -> dict[str, Any]:
    """A flow document: a start node, then `nodes` wired one after the other on `next` (unless chain=False)."""
    all_nodes = [node("start", "start"), *nodes]
    wired = [edge(a["id"], b["id"]) for a, b in zip(all_nodes, all_nodes[1:], strict=False)] if chain else []
    return {"nodes": all_nodes, "edges": wired + (edges or [])}


def texts(result: TurnResult) -> list[str]:
    """What the bot said in a turn."""
    return [m["text"] for m in result.messages]


class Chat:
    """One conversation with a compiled flow, turn after turn, as the chat API drives the engine."""

    def __init__(self, graph: Graph, variables: dict[str, Any] | None = None, **options: Any):
        self.graph = graph
        self.state = State(variables=dict(variables or {}))
        self.options = options

    def start(self) -> TurnResult:
        return self._turn(None)

    def begin(self, *answers: str) -> TurnResult:
        """Start, then give each answer in turn; the last turn's result."""
        result = self.start()
        for answer in answers:
            result = self.say(answer)
        return result

    def say(self, text: str) -> TurnResult:
        return self._turn(text)

    def _turn(self, text: str | None) -> TurnResult:
        result = run_turn(self.graph, self.state, text, **self.options)
        self.state = result.state
        return result

    @property
    def variables(self) -> dict[str, Any]:
        return self.state.variables
