"""What a person does on the canvas, in the DOM contract's terms (spec: /builder/ pages, React Flow's classes)."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Locator, Page, expect

PALETTE = 'aside[aria-label="Node palette"]'
SETTINGS = 'aside[aria-label="Node settings"]'
PREVIEW = 'aside[aria-label="Preview chat"]'
TRACE = 'ol[aria-label="Trace"]'
NODES = '.react-flow__node [data-testid^="node-"]'
EDGES = ".react-flow__edge"
HAS_PROBLEMS = re.compile(r"^[1-9]\d*$")


def node(page: Page, node_id: str) -> Locator:
    return page.locator(f'.react-flow__node [data-testid="node-{node_id}"]')


def node_ids(page: Page) -> list[str]:
    return page.eval_on_selector_all(NODES, "els => els.map(e => e.dataset.testid.slice('node-'.length))")


def node_positions(page: Page) -> dict[str, str]:
    """Each node's place on the canvas (React Flow's transform of the node, in flow coordinates)."""
    return page.eval_on_selector_all(
        NODES,
        "els => Object.fromEntries(els.map(e => [e.dataset.testid.slice(5),"
        " e.closest('.react-flow__node').style.transform]))",
    )


def edge_count(page: Page) -> int:
    return page.locator(EDGES).count()


def wait_for_count(what: str, count, expected: int, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while (found := count()) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {expected} {what}, found {found}")
        time.sleep(0.05)


def drop_node(page: Page, type_key: str, x: float, y: float) -> str:
    """Drag a node type from the palette onto the canvas at (x, y) of the pane; the new node's id."""
    before = set(node_ids(page))
    item = page.locator(f'{PALETTE} [data-node-type="{type_key}"]')
    expect(item).to_have_attribute("draggable", "true")
    item.drag_to(page.locator(".react-flow__pane"), target_position={"x": x, "y": y})
    wait_for_count("nodes after the drop", lambda: len(node_ids(page)), len(before) + 1)
    (new_id,) = set(node_ids(page)) - before
    expect(node(page, new_id)).to_have_attribute("data-node-type", type_key)
    return new_id


def connect(page: Page, source_id: str, handle: str, target_id: str, refused: bool = False) -> None:
    """Drag from a node's output handle to another node's input handle, as a mouse does; with `refused`, the
    canvas must not make the connection."""
    before = edge_count(page)
    source = page.locator(f'.react-flow__handle.source[data-nodeid="{source_id}"][data-handleid="{handle}"]')
    target = page.locator(f'.react-flow__handle.target[data-nodeid="{target_id}"]')
    s, t = source.bounding_box(), target.bounding_box()
    assert s and t, f"handles of {source_id}:{handle} -> {target_id} not on screen"
    page.mouse.move(s["x"] + s["width"] / 2, s["y"] + s["height"] / 2)
    page.mouse.down()
    page.mouse.move(t["x"] + t["width"] / 2, t["y"] + t["height"] / 2, steps=12)
    page.mouse.up()
    if refused:
        page.wait_for_timeout(300)
        assert edge_count(page) == before, f"{source_id}:{handle} -> {target_id} should have been refused"
        return
    wait_for_count(f"edges after connecting {source_id}:{handle} -> {target_id}", lambda: edge_count(page), before + 1)


def select(page: Page, node_id: str) -> Locator:
    """Click a node; its settings panel."""
    node(page, node_id).click()
    panel = page.locator(SETTINGS)
    expect(panel).to_be_visible()
    return panel


def saved(page: Page, timeout_ms: float = 10_000) -> None:
    expect(page.get_by_test_id("save-state")).to_have_text("Saved", timeout=timeout_ms)
