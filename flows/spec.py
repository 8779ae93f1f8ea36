"""Graph documents versioned for the long run: a `spec_version` with a chain of upgrades, and each node's type version.

A document is upgraded when it is read (run, validated, shown to the canvas) and when it is imported, so a flow saved
today opens unchanged after future changes: an old document is brought forward one small step at a time, as RapidPro
does with its flow spec. A node keeps the `version` of its type it was saved at (n8n's typeVersion); a node without
one was saved at version 1, so documents saved before versioning, and nodes of types still at 1, carry no key.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from nodes.registry import Registry

CURRENT = 1  # the spec_version documents are saved in

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]

# MIGRATIONS[n] turns a document of spec_version n into n + 1 (its nodes, edges and settings; not its spec_version).
# Each one has a test named test_spec_<n>_to_<n+1> in tests/unit/test_spec.py (a test checks that it does).
MIGRATIONS: dict[int, Upgrade] = {}


class TooNew(ValueError):
    """The document was saved by a newer version of the flow builder than this one."""


def version_of(doc: dict[str, Any]) -> int:
    """The document's spec_version; 1 when it has none (documents from before it was written down)."""
    value = doc.get("spec_version", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else 1


def node_version(raw: dict[str, Any]) -> int:
    value = raw.get("version", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else 1


def upgrade(doc: dict[str, Any], registry: Registry, *, current: int | None = None) -> dict[str, Any]:
    """The document in the current spec, each node's config at its type's version; `doc` itself is left as it is.

    A document that needs nothing is returned as it is (no copy), which is every document saved today.
    """
    current = CURRENT if current is None else current
    version = version_of(doc)
    if version > current:
        raise TooNew(
            f"The flow was saved by a newer version of the flow builder (spec_version {version}); "
            f"this one reads up to {current}."
        )
    stale = [raw for raw in _nodes(doc) if _type_version(raw, registry) > node_version(raw)]
    if version == current and not stale:
        return doc
    doc = copy.deepcopy(doc)
    while version < current:
        doc = MIGRATIONS[version](doc)
        version += 1
        doc["spec_version"] = version
    for raw in _nodes(doc):
        node_type = registry.get(raw["type"]) if isinstance(raw.get("type"), str) else None
        if node_type is None or node_type.version <= node_version(raw):
            continue
        data: dict[str, Any] = raw["data"] if isinstance(raw.get("data"), dict) else {}
        for step in range(node_version(raw), node_type.version):
            data = node_type.upgrades[step](dict(data))
        raw["data"] = data
        raw["version"] = node_type.version
    return doc


def stamp(doc: dict[str, Any], registry: Registry) -> dict[str, Any]:
    """The document as saved: each node of a type past version 1 keeps the version it is saved at."""
    for raw in _nodes(doc):
        node_type = registry.get(raw["type"]) if isinstance(raw.get("type"), str) else None
        if node_type is not None and node_type.version > 1:
            raw["version"] = node_type.version
    return doc


def _nodes(doc: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = doc.get("nodes")
    return [raw for raw in nodes if isinstance(raw, dict)] if isinstance(nodes, list) else []


def _type_version(raw: dict[str, Any], registry: Registry) -> int:
    node_type = registry.get(raw["type"]) if isinstance(raw.get("type"), str) else None
    return node_type.version if node_type is not None else 0
