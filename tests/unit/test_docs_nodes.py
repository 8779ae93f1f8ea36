"""docs/nodes.md names every node type a user can drag onto the canvas (the README says it lists them all)."""

from __future__ import annotations

from pathlib import Path

from nodes.registry import registry

DOC = Path(__file__).resolve().parents[2] / "docs" / "nodes.md"


def test_every_node_type_is_in_the_node_reference():
    text = DOC.read_text()
    keys = [t.key for t in registry() if not t.key.startswith("test_")]
    assert len(keys) > 20  # the registry really was read
    # Zapier, Make and Pabbly share one row, written by their labels
    missing = [key for key in keys if f"(`{key}`)" not in text and key not in {"zapier", "make", "pabbly"}]
    assert missing == [], f"docs/nodes.md does not describe: {', '.join(missing)}"
    assert "Zapier, Make, Pabbly" in text
