"""A big flow seen from far out: nodes drawn as light cards (no handles, words or icons), their links still drawn,
and the full node back with its handles for the selected node and once zoomed in, where connecting works
(decision 0043)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from flows import actions
from tests.browser import canvas
from tests.browser.canvas import node
from tests.browser.conftest import log_in
from tests.factories import FlowFactory

from .widget_support import edge
from .widget_support import node as graph_node

pytestmark = [pytest.mark.e2e]

SERVER_MS = 20_000
STEPS = 40  # a row this long opens fitted far below the zoom where words are drawn
GAP = 420
LOOSE = f"s{STEPS // 2 + 1}"  # its output leads nowhere: connected in the test
AFTER = f"s{STEPS // 2 + 2}"
PICKED = f"s{STEPS // 2 - 3}"  # a message near the middle, clear of the palette

LITE = ".react-flow__node .fnode-lite"
HANDLES = ".react-flow__handle"


def long_row() -> tuple[dict, int]:
    """A start, then messages in one long row, each linked to the next, with a question (its outputs depend on its
    choices) in the middle and, just after it, a step whose output leads nowhere."""
    nodes = [graph_node("start", "start")]
    edges = []
    for i in range(1, STEPS):
        if i == STEPS // 2:
            step = graph_node(
                f"s{i}",
                "question",
                text="Which one?",
                input_type="choice",
                choices=[{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
                variable="pick",
            )
        else:
            step = graph_node(f"s{i}", "message", text=f"Step {i}")
        step["position"] = {"x": i * GAP, "y": 0}
        nodes.append(step)
    previous = "start"
    for i in range(1, STEPS):
        if previous != LOOSE:
            edges.append(edge(previous, "choice:a" if previous == f"s{STEPS // 2}" else "next", f"s{i}"))
        previous = f"s{i}"
    return {"nodes": nodes, "edges": edges}, len(edges)


def edge_paths(page: Page) -> list[str]:
    return page.eval_on_selector_all(".react-flow__edge-path", "els => els.map(e => e.getAttribute('d') || '')")


def zoom_in_until_near(page: Page) -> None:
    """Wheel-zoom in over the middle of the pane until the canvas draws words again (not far out)."""
    box = page.locator(".react-flow__pane").bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(40):
        if not page.locator("main.canvas.is-far").count():
            return
        page.mouse.wheel(0, -200)
        page.wait_for_timeout(80)
    raise AssertionError("the canvas stayed zoomed far out")


def test_a_big_flow_opens_far_out_as_light_cards_and_zooming_in_brings_the_handles_back(browser_page):
    b = browser_page
    page = b.page
    graph, links = long_row()
    flow = FlowFactory(name="Long row")
    actions.save_flow(flow, graph=graph)
    log_in(b, f"/builder/flows/{flow.pk}/")
    expect(page.locator(".editor")).to_have_attribute("data-ready", "true", timeout=SERVER_MS)

    # Fitted to the whole row: far out, every step is there as a light card, none has handles, every link is drawn.
    expect(page.locator("main.canvas.is-far")).to_have_count(1)
    expect(page.locator(canvas.NODES)).to_have_count(STEPS)
    expect(page.locator(LITE)).to_have_count(STEPS)
    expect(page.locator(HANDLES)).to_have_count(0)
    paths = edge_paths(page)
    assert len(paths) == links and all(d.startswith("M") for d in paths), paths
    # The cards keep their type's colour and the run state's attribute, as the full node does.
    expect(node(page, PICKED)).to_have_attribute("data-node-type", "message")
    expect(node(page, PICKED)).to_have_attribute("data-status", "idle")

    # The selected step is drawn in full (its handles are there), the others stay light.
    node(page, PICKED).click()
    expect(page.locator(".react-flow__node.selected")).to_have_attribute("data-id", PICKED)
    expect(page.locator(f'{HANDLES}[data-nodeid="{PICKED}"]')).to_have_count(2)  # in and out
    expect(page.locator(LITE)).to_have_count(STEPS - 1)
    canvas.close_settings(page)

    # Zoomed in, every step is drawn in full again, with its handles where its links end.
    zoom_in_until_near(page)
    expect(page.locator(LITE)).to_have_count(0)
    expect(page.locator(f'{HANDLES}.source[data-nodeid="s{STEPS // 2}"][data-handleid="choice:b"]')).to_have_count(1)
    expect(page.locator(f'{HANDLES}.target[data-nodeid="{AFTER}"]')).to_have_count(1)
    assert len(edge_paths(page)) == links

    # Connecting works there: the step whose output led nowhere gets a link to the next one.
    before = canvas.edge_count(page)
    canvas.connect(page, LOOSE, "next", AFTER)
    assert canvas.edge_count(page) == before + 1
    expect(page.locator(f'.react-flow__edge[aria-label="Edge from {LOOSE} to {AFTER}"]')).to_have_count(1)
