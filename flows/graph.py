"""Graph validation and compilation: problems per node and field, or a graph the engine can run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from nodes import templating
from nodes.base import NodeConfig, NodeType, template_paths
from nodes.registry import Registry

from . import spec

SPEC_VERSION = spec.CURRENT
DEFAULT_FALLBACK = "Sorry, something went wrong on our side. Please try again in a moment."
MAX_NODES = 5000
MAX_EDGES = 10000


class GraphShapeError(ValueError):
    """The document is not a graph at all (not an object with node and edge lists): nothing is stored."""


@dataclass(slots=True)
class Problem:
    message: str
    node_id: str | None = None
    field: str | None = None
    edge_id: str | None = None
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "edge_id": self.edge_id,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass(slots=True)
class Node:
    id: str
    type: NodeType
    config: NodeConfig
    edges: dict[str, str] = field(default_factory=dict)  # handle -> target node id


@dataclass(slots=True)
class Graph:
    nodes: dict[str, Node]
    start_id: str
    fallback_text: str
    time_zone: str = "UTC"  # settings.time_zone: moments without an offset are read in it (wait, timer)


def check_shape(doc: Any) -> None:
    """Refuse documents that are not graphs; everything else is reported as problems, not refused."""
    if not isinstance(doc, dict):
        raise GraphShapeError("graph must be a JSON object with 'nodes' and 'edges' lists")
    for key, limit in (("nodes", MAX_NODES), ("edges", MAX_EDGES)):
        items = doc.get(key, [])
        if not isinstance(items, list):
            raise GraphShapeError(f"graph.{key} must be a list")
        if len(items) > limit:
            raise GraphShapeError(f"graph.{key} has {len(items)} items; the limit is {limit}")
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise GraphShapeError(f"graph.{key}[{i}] must be an object")
    settings = doc.get("settings", {})
    if not isinstance(settings, dict):
        raise GraphShapeError("graph.settings must be an object")


def _config_problems(node_id: str, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or None
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "Unknown setting"
        elif err["type"] == "missing":
            msg = "Required"
        out.append(Problem(msg, node_id=node_id, field=loc))
    return out


def _template_problems(node_id: str, config: NodeConfig, prefix: str = "") -> list[Problem]:
    out = []
    for name, nested in template_paths(type(config)):
        value = getattr(config, name)
        if nested is None:
            try:
                templating.check(value)
            except templating.TemplateProblem as exc:
                out.append(Problem(str(exc), node_id=node_id, field=prefix + name))
        else:
            for i, item in enumerate(value):
                out.extend(_template_problems(node_id, item, f"{prefix}{name}.{i}."))
    return out


def analyse(doc: dict[str, Any], registry: Registry) -> tuple[Graph | None, list[Problem]]:
    """Validate a graph document; return the compiled graph when it has no errors, and every problem found."""
    check_shape(doc)
    try:
        doc = spec.upgrade(doc, registry)  # a document saved by an earlier version, brought to this one's spec
    except spec.TooNew as exc:
        return None, [Problem(str(exc))]
    problems: list[Problem] = []
    nodes: dict[str, Node] = {}
    starts: list[str] = []
    for raw in doc.get("nodes", []):
        node_id = raw.get("id")
        if not isinstance(node_id, str) or not node_id:
            problems.append(Problem("Every node needs a text id"))
            continue
        if node_id in nodes:
            problems.append(Problem(f"Two nodes share the id {node_id!r}", node_id=node_id))
            continue
        type_key = raw.get("type")
        node_type = registry.get(type_key) if isinstance(type_key, str) else None
        if node_type is None:
            problems.append(Problem(f"Unknown node type {type_key!r}", node_id=node_id, field="type"))
            continue
        data = raw.get("data", {})
        if data is None:
            data = {}
        if not isinstance(data, dict):
            problems.append(Problem("Node settings must be an object", node_id=node_id, field="data"))
            continue
        try:
            config = node_type.Config.model_validate(data)
        except ValidationError as exc:
            problems.extend(_config_problems(node_id, exc))
            continue
        found = _template_problems(node_id, config)
        found += [Problem(msg, node_id=node_id, field=f) for f, msg in node_type.check(config)]
        problems.extend(found)
        nodes[node_id] = Node(node_id, node_type, config)
        if node_type.key == "start":
            starts.append(node_id)

    # Only text ids: a list or object as an id is reported above and must not make the set (or `in`) raise.
    unknown_ids = {raw.get("id") for raw in doc.get("nodes", []) if isinstance(raw.get("id"), str)} - set(nodes)
    if not starts and not any(raw.get("type") == "start" for raw in doc.get("nodes", [])):
        problems.append(Problem("The flow needs a start node"))
    for extra in starts[1:]:
        problems.append(Problem("A flow has exactly one start node; remove this one", node_id=extra))

    edge_ids: set[str] = set()
    for raw in doc.get("edges", []):
        edge_id = raw.get("id")
        source, target, handle = raw.get("source"), raw.get("target"), raw.get("sourceHandle") or "next"
        if not isinstance(edge_id, str) or not edge_id:
            problems.append(Problem("Every connection needs a text id"))
            continue
        if edge_id in edge_ids:
            problems.append(Problem(f"Two connections share the id {edge_id!r}", edge_id=edge_id))
            continue
        edge_ids.add(edge_id)
        if any(isinstance(end, str) and end in unknown_ids for end in (source, target)):
            continue  # the node's own problem is already reported
        if not isinstance(source, str) or source not in nodes:
            problems.append(Problem(f"Connection starts at a node that does not exist: {source!r}", edge_id=edge_id))
            continue
        if not isinstance(target, str) or target not in nodes:
            problems.append(
                Problem(f"Connection ends at a node that does not exist: {target!r}", edge_id=edge_id, node_id=source)
            )
            continue
        src, dst = nodes[source], nodes[target]
        if handle not in src.type.handles(src.config):
            problems.append(
                Problem(
                    f"{src.type.label} has no output {handle!r}", node_id=source, edge_id=edge_id, field="sourceHandle"
                )
            )
            continue
        if not dst.type.accepts_input:
            problems.append(
                Problem(f"Nothing can connect into a {dst.type.label} node", node_id=target, edge_id=edge_id)
            )
            continue
        if handle in src.edges:
            problems.append(
                Problem(
                    f"Output {handle!r} is already connected; an output leads to one node",
                    node_id=source,
                    edge_id=edge_id,
                    field="sourceHandle",
                )
            )
            continue
        src.edges[handle] = target

    settings = doc.get("settings") or {}
    fallback = settings.get("fallback_text", DEFAULT_FALLBACK)
    if not isinstance(fallback, str) or not fallback.strip():
        problems.append(Problem("The fallback message must be a non-empty text", field="settings.fallback_text"))
        fallback = DEFAULT_FALLBACK
    time_zone = settings.get("time_zone") or "UTC"
    if not isinstance(time_zone, str) or not _known_zone(time_zone):
        problems.append(
            Problem(
                f"{time_zone!r} is not a time zone name; use an IANA name such as Europe/London.",
                field="settings.time_zone",
            )
        )
        time_zone = "UTC"

    if len(starts) == 1:
        seen, stack = {starts[0]}, [starts[0]]
        while stack:
            for target in nodes[stack.pop()].edges.values():
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        for node_id in nodes:
            if node_id not in seen:
                problems.append(Problem("Nothing leads to this node", node_id=node_id, severity="warning"))

    if any(p.severity == "error" for p in problems) or len(starts) != 1:
        return None, problems
    return Graph(nodes, starts[0], fallback, time_zone), problems


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
