"""Graph documents keep opening as saved: the spec_version chain and node type versions (flows/spec.py)."""

from __future__ import annotations

import copy
import inspect
import json
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

from flows import spec
from flows.graph import analyse
from nodes.base import NodeConfig, NodeType
from nodes.registry import Registry, registry

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "flows").glob("*.json"))


def test_every_flow_saved_today_opens_unchanged():
    assert FIXTURES
    for path in FIXTURES:
        doc = json.loads(path.read_text())
        saved = copy.deepcopy(doc)
        assert spec.upgrade(doc, registry()) is doc, path.name  # nothing to do: not even a copy
        assert doc == saved, path.name


def test_every_migration_and_every_node_upgrade_has_its_test():
    tests = {name for name, _ in inspect.getmembers(sys.modules[__name__], inspect.isfunction)}
    wanted = {f"test_spec_{n}_to_{n + 1}" for n in spec.MIGRATIONS}
    wanted |= {f"test_{t.key}_{n}_to_{n + 1}" for t in registry() for n in t.upgrades}
    assert wanted <= tests, sorted(wanted - tests)
    for node_type in registry():
        assert sorted(node_type.upgrades) == list(range(1, node_type.version)), node_type.key


# The chain itself, on a spec and a node type of this test's own (today's spec and node types are all at version 1).


class GreetConfig(NodeConfig):
    greeting: str = ""


class Greet(NodeType[GreetConfig]):
    """A node type at version 3: v1 said `text`, v2 `message`, v3 `greeting` (trimmed)."""

    key = "greet"
    label = "Greet"
    version = 3
    Config = GreetConfig
    upgrades: ClassVar[dict[int, Any]] = {
        1: lambda data: {"message": data.get("text", "")},
        2: lambda data: {"greeting": data.get("message", "").strip()},
    }


REGISTRY = Registry([*registry(), Greet()])


def doc(*nodes: dict[str, Any], spec_version: int | None = None) -> dict[str, Any]:
    graph: dict[str, Any] = {"nodes": [{"id": "s", "type": "start", "data": {}}, *nodes], "edges": []}
    if spec_version is not None:
        graph["spec_version"] = spec_version
    return graph


def test_a_node_saved_at_an_old_version_is_brought_forward_step_by_step_and_keeps_its_new_version():
    old = doc(
        {"id": "g1", "type": "greet", "data": {"text": " Hi "}},
        {"id": "g2", "type": "greet", "version": 2, "data": {"message": "Yo"}},
    )
    kept = copy.deepcopy(old)

    new = spec.upgrade(old, REGISTRY)

    assert [n.get("data") for n in new["nodes"]] == [{}, {"greeting": "Hi"}, {"greeting": "Yo"}]
    assert [n.get("version") for n in new["nodes"]] == [None, 3, 3]
    assert old == kept  # the stored document itself is not touched
    graph, problems = analyse(old, REGISTRY)
    assert [p for p in problems if p.severity == "error"] == []  # (warnings: nothing leads to the greet nodes)
    assert graph is not None and graph.nodes["g1"].config == GreetConfig(greeting="Hi")


def test_a_document_is_upgraded_through_each_migration_in_order(monkeypatch):
    seen: list[int] = []

    def step(n: int):
        def migrate(d: dict[str, Any]) -> dict[str, Any]:
            seen.append(n)
            return {**d, "settings": {**d.get("settings", {}), f"m{n}": True}}

        return migrate

    monkeypatch.setattr(spec, "MIGRATIONS", {1: step(1), 2: step(2)})

    new = spec.upgrade(doc(), REGISTRY, current=3)

    assert seen == [1, 2]
    assert new["spec_version"] == 3 and new["settings"] == {"m1": True, "m2": True}
    assert spec.upgrade(new, REGISTRY, current=3) is new  # already current


def test_a_document_from_a_newer_builder_is_refused_with_a_sentence():
    with pytest.raises(
        spec.TooNew, match=r"newer version of the flow builder \(spec_version 2\); this one reads up to 1"
    ):
        spec.upgrade(doc(spec_version=2), REGISTRY)
    graph, problems = analyse(doc(spec_version=2), REGISTRY)
    assert graph is None and "spec_version 2" in problems[0].message


def test_saving_stamps_the_version_of_types_past_1_only():
    saved = spec.stamp(doc({"id": "g", "type": "greet", "data": {}}), REGISTRY)
    assert [n.get("version") for n in saved["nodes"]] == [None, 3]
