"""Flow documents written in tests: a node, and an edge from one node's handle to another node."""

from __future__ import annotations

from typing import Any


def node(node_id: str, type_: str, **data: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type_, "position": {"x": 0, "y": 0}, "data": data}


def edge(source: str, handle: str, target: str) -> dict[str, Any]:
    return {"id": f"{source}-{handle}-{target}", "source": source, "sourceHandle": handle, "target": target}
