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


def wait_for_count(what: str, count, expected: int, timeout_s: float = 60) -> None:
    """Until count() is expected: a state to reach, however slow the machine is (the deadline only ends a failure)."""
    deadline = time.monotonic() + timeout_s
    while (found := count()) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {expected} {what}, found {found}")
        time.sleep(0.05)


# The widest pane the tests' drop positions were written for; a narrower window scales them to fit its pane.
DROP_AREA = {"width": 900, "height": 400}


def _in_pane(page: Page, x: float, y: float) -> dict[str, float]:
    box = page.locator(".react-flow__pane").bounding_box()
    assert box, "the canvas pane is not on screen"
    scale = min(1.0, (box["width"] - 120) / DROP_AREA["width"], (box["height"] - 80) / DROP_AREA["height"])
    return {"x": x * scale, "y": y * scale}


def drop_node(page: Page, type_key: str, x: float, y: float) -> str:
    """Drag a node type from the palette onto the canvas at (x, y) of the pane; the new node's id."""
    close_settings(page)  # an open settings panel covers part of the pane
    before = set(node_ids(page))
    item = page.locator(f'{PALETTE} [data-node-type="{type_key}"]')
    expect(item).to_have_attribute("draggable", "true")
    item.drag_to(page.locator(".react-flow__pane"), target_position=_in_pane(page, x, y))
    wait_for_count("nodes after the drop", lambda: len(node_ids(page)), len(before) + 1)
    (new_id,) = set(node_ids(page)) - before
    expect(node(page, new_id)).to_have_attribute("data-node-type", type_key)
    return new_id


def connect(page: Page, source_id: str, handle: str, target_id: str, refused: bool = False) -> None:
    """Drag from a node's output handle to another node's input handle, as a mouse does; with `refused`, the
    canvas must not make the connection."""
    close_settings(page)  # an open settings panel may cover a handle
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
        # The drag is over once React Flow drops its connection line; an edge it made would be there by then.
        expect(page.locator(".react-flow__connectionline")).to_have_count(0)
        assert edge_count(page) == before, f"{source_id}:{handle} -> {target_id} should have been refused"
        return
    wait_for_count(f"edges after connecting {source_id}:{handle} -> {target_id}", lambda: edge_count(page), before + 1)


def close_settings(page: Page) -> None:
    """Close the settings panel if one is open, as a person would before reaching for what it covers."""
    panel = page.locator(SETTINGS)
    if panel.count():
        expect(panel).not_to_have_attribute("aria-busy", "true")  # still loading: its close button comes with it
        panel.get_by_role("button", name="Close settings").click()
        expect(panel).to_have_count(0)


def in_view(page: Page, node_id: str) -> None:
    """Make sure the node lies inside the canvas pane (a small window may show only part of the flow)."""
    pane = page.locator(".react-flow__pane").bounding_box()
    box = node(page, node_id).bounding_box()
    assert pane and box, f"node {node_id} or the pane is not on screen"
    inside = (
        box["x"] >= pane["x"]
        and box["y"] >= pane["y"]
        and box["x"] + box["width"] <= pane["x"] + pane["width"]
        and box["y"] + box["height"] <= pane["y"] + pane["height"]
    )
    if not inside:
        page.get_by_role("button", name="Fit view").click()
        settled(page)


def settled(page: Page) -> None:
    """Until the canvas's pan and zoom stop moving (an animated fit): the same transform for ten frames running."""
    page.evaluate("() => { window.__viewportFrames = 0; window.__viewportLast = undefined; }")
    page.wait_for_function(
        """() => {
            const t = document.querySelector('.react-flow__viewport')?.style.transform;
            window.__viewportFrames = t === window.__viewportLast ? (window.__viewportFrames || 0) + 1 : 0;
            window.__viewportLast = t;
            return window.__viewportFrames >= 10;
        }""",
        polling="raf",
    )


def select(page: Page, node_id: str) -> Locator:
    """Click a node; its settings panel, once it shows that node's form.

    Another node's open panel may cover this node (a busy machine's layout or a small window): it is closed first,
    and the node is brought into view, so the click reaches the node whatever the window size or what ran before."""
    close_settings(page)
    in_view(page, node_id)
    node(page, node_id).click()
    panel = page.locator(SETTINGS)
    expect(panel).to_be_visible()
    expect(panel).not_to_have_attribute("aria-busy", "true")  # the lazily loaded form is there
    expect(panel.locator(".settings-id")).to_have_text(node_id)
    return panel


def saved(page: Page, timeout_ms: float = 10_000) -> None:
    expect(page.get_by_test_id("save-state")).to_have_text("Saved", timeout=timeout_ms)
