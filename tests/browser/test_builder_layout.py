"""The builder on a tablet, steps added where they are needed (a drop opens the form, "+" adds a connected step),
panels that never hide the step being edited or run, and the Share panel's look locked for roles that may not change
it."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from flows import actions
from flows.models import Flow
from tests.browser import canvas
from tests.browser.canvas import PALETTE, PREVIEW, SETTINGS, drop_node, node, saved, select
from tests.browser.conftest import Browser, log_in, save_artifact
from tests.factories import EditorFactory, FlowFactory

from .widget_support import edge
from .widget_support import node as graph_node

pytestmark = [pytest.mark.e2e]

SERVER_MS = 20_000  # what waits on the server may take on a loaded machine

# True when the node's box lies inside the canvas and under none of the panels (the palette, settings and side
# panels may lie over the canvas).
IN_VIEW = """id => {
  const el = document.querySelector(`.react-flow__node[data-id="${id}"]`);
  const pane = document.querySelector("main.canvas");
  if (!el || !pane) return false;
  const n = el.getBoundingClientRect();
  const p = pane.getBoundingClientRect();
  if (n.left < p.left || n.right > p.right || n.top < p.top || n.bottom > p.bottom) return false;
  for (const cover of document.querySelectorAll(".palette, .settings, .side, .step-picker")) {
    const r = cover.getBoundingClientRect();
    if (r.width && r.left < n.right && r.right > n.left && r.top < n.bottom && r.bottom > n.top) return false;
  }
  return true;
}"""


def box(page: Page, node_id: str) -> dict:
    found = page.locator(f'.react-flow__node[data-id="{node_id}"]').bounding_box()
    assert found, f"{node_id} is not drawn"
    return found


def overlaps(a: dict, b: dict) -> bool:
    across = a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
    return across and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def wait_in_view(page: Page, node_id: str) -> None:
    page.wait_for_function(IN_VIEW, arg=node_id, timeout=SERVER_MS)


def open_editor(page: Page, flow: Flow) -> None:
    expect(page.locator(".editor")).to_have_attribute("data-ready", "true", timeout=SERVER_MS)
    assert page.url.endswith(f"/builder/flows/{flow.pk}/")


def two_step_flow(far_x: int = 1400) -> Flow:
    """A start and a greeting far to its right (the canvas fits both: the greeting sits at its right edge)."""
    start = graph_node("start", "start")
    hello = graph_node("hello", "message", text="Hello there.")
    hello["position"] = {"x": far_x, "y": 0}
    flow = FlowFactory(name="Greeter with a rather long name for a small screen")
    actions.save_flow(flow, graph={"nodes": [start, hello], "edges": [edge("start", "next", "hello")]})
    return flow


def test_a_dropped_step_is_selected_and_its_settings_open(browser_page):
    b = browser_page
    page = b.page
    flow = FlowFactory(name="Empty")
    log_in(b, f"/builder/flows/{flow.pk}/")
    expect(page.locator(".editor")).to_have_attribute("data-ready", "true", timeout=SERVER_MS)
    start = drop_node(page, "start", 200, 200)
    expect(page.locator(".react-flow__node.selected")).to_have_attribute("data-id", start)
    hello = drop_node(page, "message", 520, 240)
    # The new step, and only it, is selected, and its form is open to fill in.
    expect(page.locator(".react-flow__node.selected")).to_have_count(1)
    expect(page.locator(".react-flow__node.selected")).to_have_attribute("data-id", hello)
    settings = page.locator(SETTINGS)
    expect(settings.get_by_label("Message")).to_be_visible()
    settings.get_by_label("Message").fill("Hi from the drop.")
    saved(page, SERVER_MS)
    flow.refresh_from_db()
    assert next(n for n in flow.graph["nodes"] if n["id"] == hello)["data"]["text"] == "Hi from the drop."


def test_plus_on_a_free_output_adds_the_chosen_step_connected_to_it(browser_page):
    b = browser_page
    page = b.page
    flow = two_step_flow(far_x=320)
    log_in(b, f"/builder/flows/{flow.pk}/")
    open_editor(page, flow)
    add = page.get_by_role("button", name="Add a step after this one")
    expect(add).to_have_count(0)  # only the selected step offers it
    select(page, "start")
    expect(add).to_have_count(0)  # the start's output leads to the greeting already
    select(page, "hello")
    expect(add).to_have_count(1)
    add.click()
    picker = page.get_by_role("dialog", name="Add a step")
    expect(picker.locator('[data-node-type="start"]')).to_have_count(0)  # nothing can lead to a start
    picker.get_by_label("Search steps").fill("quest")
    picker.locator('[data-node-type="question"]').click()
    expect(picker).to_be_hidden()

    # The question is there, connected from the greeting's free output, selected, with its form open.
    expect(page.locator(canvas.NODES)).to_have_count(3)
    (new_id,) = set(canvas.node_ids(page)) - {"start", "hello"}
    expect(node(page, new_id)).to_have_attribute("data-node-type", "question")
    expect(page.locator(canvas.EDGES)).to_have_count(2)
    expect(page.locator(".react-flow__node.selected")).to_have_attribute("data-id", new_id)
    expect(page.locator(SETTINGS).get_by_label("Question")).to_be_visible()
    wait_in_view(page, new_id)
    assert box(page, new_id)["x"] > box(page, "hello")["x"]  # after it, to the right
    save_artifact(page, "add-step-plus.png")
    saved(page, SERVER_MS)
    flow.refresh_from_db()
    assert {(e["source"], e["sourceHandle"], e["target"]) for e in flow.graph["edges"]} == {
        ("start", "next", "hello"),
        ("hello", "next", new_id),
    }

    # Escape closes the picker and adds nothing; the greeting's output is taken now: no "+" on it.
    select(page, "hello")
    expect(add).to_have_count(0)
    select(page, new_id)
    # A question has two free outputs (its answer, and "No answer" when it times out): a "+" on each, named for it.
    expect(page.get_by_role("button", name="Add a step after No answer")).to_be_visible()
    page.get_by_role("button", name="Add a step after Next").click()
    expect(picker).to_be_visible()
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    expect(page.locator(canvas.NODES)).to_have_count(3)
    expect(page.locator(SETTINGS)).to_be_visible()  # Escape closed the picker, not the settings too


def test_the_selected_step_and_the_running_step_stay_in_view_beside_the_panels(browser_page):
    b = browser_page
    page = b.page
    flow = two_step_flow()
    log_in(b, f"/builder/flows/{flow.pk}/")
    open_editor(page, flow)
    wait_in_view(page, "hello")
    before = box(page, "hello")

    # Selected at the right edge: the settings open there, and the canvas moves the step out from under them.
    panel = select(page, "hello")
    expect(panel.get_by_label("Message")).to_be_visible()
    settings = panel.bounding_box()
    assert settings and overlaps(before, settings), "the step should start where the settings open"
    wait_in_view(page, "hello")

    # The preview takes the right-hand side: the step it runs last is in view beside it, lit.
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(PREVIEW).get_by_test_id("chat-bot")).to_have_text(["Hello there."], timeout=SERVER_MS)
    expect(node(page, "hello")).to_have_attribute("data-status", "succeeded", timeout=SERVER_MS)
    wait_in_view(page, "hello")
    save_artifact(page, "preview-keeps-step-in-view.png")


def test_steps_lit_in_one_go_leave_the_last_one_in_view(browser_page):
    """A run's frames that reach the canvas together (here: all of them, held back until the preview's answer comes)
    light the start step, out of view, then the greeting far to its right: the canvas ends with the greeting in
    view, not carried away by the pan that showed the start step a moment before."""
    b = browser_page
    page = b.page
    frames: list[dict] = []

    def watch(ws) -> None:
        ws.on("framereceived", lambda payload: frames.append(json.loads(payload)) if isinstance(payload, str) else None)

    page.on("websocket", watch)
    held: list = []

    def hold(route) -> None:  # the preview starts on the server; its answer waits here
        held.append((route, route.fetch()))

    page.route(re.compile(r"/api/v1/flows/\d+/preview/"), hold)
    flow = two_step_flow()
    log_in(b, f"/builder/flows/{flow.pk}/")
    open_editor(page, flow)
    select(page, "hello")  # the settings make way: the canvas pans left, and the preview beside it pans it further
    wait_in_view(page, "hello")
    assert not page.evaluate(IN_VIEW, "start"), "the flow should be too wide to show both steps beside the panels"

    page.get_by_role("button", name="Preview").click()

    def hello_finished() -> bool:
        return any(f.get("event") == "step.finished" and f.get("node_id") == "hello" for f in frames)

    for _ in range(SERVER_MS // 50):  # until the run's frames have all reached the page, which keeps them for now
        if held and hello_finished():
            break
        page.wait_for_timeout(50)
    assert held and hello_finished(), "the preview's run never reached the page"
    route, answer = held[0]
    route.fulfill(response=answer)

    expect(node(page, "hello")).to_have_attribute("data-status", "succeeded", timeout=SERVER_MS)
    expect(node(page, "start")).to_have_attribute("data-status", "succeeded")
    wait_in_view(page, "hello")
    page.wait_for_timeout(600)  # longer than a pan: nothing still under way moves it out again
    assert page.evaluate(IN_VIEW, "hello"), "the greeting was carried out of view after it was revealed"


@pytest.mark.parametrize("size", [(768, 1024), (1024, 768)], ids=["768x1024", "1024x768"])
def test_on_a_tablet_the_header_fits_and_a_step_can_be_added_and_set(browser_page, size):
    b = browser_page
    page = b.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    flow = two_step_flow(far_x=320)
    log_in(b, f"/builder/flows/{flow.pk}/")
    open_editor(page, flow)

    header = page.get_by_role("banner")
    assert header.evaluate("h => h.scrollWidth <= h.clientWidth"), "the header overflows"
    for name in ("Preview", "Publish", "Share"):
        button = header.get_by_role("button", name=name, exact=True)
        expect(button).to_be_visible()
        found = button.bounding_box()
        assert found and found["x"] >= 0 and found["x"] + found["width"] <= size[0], f"{name} is cut off"
    save_artifact(page, f"tablet-{size[0]}x{size[1]}.png")

    # The secondary tools are one tap away, under More.
    more = header.get_by_role("button", name="More")
    expect(more).to_be_visible()
    more.click()
    header.get_by_role("button", name="Versions").click()
    expect(page.get_by_role("complementary", name="Versions")).to_be_visible()
    expect(header.get_by_role("button", name="Export")).to_be_hidden()  # the menu closed
    page.get_by_role("complementary", name="Versions").get_by_role("button", name="Close panel").click()

    # Publish and Share answer a tap.
    header.get_by_role("button", name="Publish", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Publish version 1?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    header.get_by_role("button", name="Share", exact=True).click()
    share = page.get_by_role("complementary", name="Share")
    expect(share).to_be_visible()
    share.get_by_role("button", name="Close panel").click()

    # The palette starts folded (the canvas needs the room); opened, a step dragged from it lands, and opens.
    expect(page.locator(f"{PALETTE} [data-node-type]")).to_have_count(0)
    page.get_by_role("button", name="Show steps").click()
    new_id = drop_node(page, "message", 420, 150)
    expect(page.locator(f"{PALETTE} [data-node-type]")).to_have_count(0)  # folded again, out of the way
    settings = page.locator(SETTINGS)
    settings.get_by_label("Message").fill("Added on a tablet.")
    wait_in_view(page, new_id)
    saved(page, SERVER_MS)
    assert header.evaluate("h => h.scrollWidth <= h.clientWidth"), "the header overflows with the settings open"
    save_artifact(page, f"tablet-{size[0]}x{size[1]}-settings.png")

    # A tap on a palette step adds it too (touch browsers do not drag), clear of its settings.
    page.get_by_role("button", name="Show steps").click()
    page.locator(f'{PALETTE} [data-node-type="end"]').click()
    expect(page.locator(canvas.NODES)).to_have_count(4)
    (end_id,) = set(canvas.node_ids(page)) - {"start", "hello", new_id}
    expect(page.locator(".react-flow__node.selected")).to_have_attribute("data-id", end_id)
    expect(page.locator(f"{PALETTE} [data-node-type]")).to_have_count(0)
    expect(settings).to_contain_text("End")
    wait_in_view(page, end_id)


def test_the_share_panel_locks_the_look_for_a_role_that_may_not_change_it(browser_page):
    b = browser_page
    page = b.page
    flow = two_step_flow(far_x=320)
    user = EditorFactory(role="Editor")
    log_in(Browser(page, b.url, user.username, b.console), f"/builder/flows/{flow.pk}/")
    open_editor(page, flow)
    page.get_by_role("banner").get_by_role("button", name="Share").click()
    share = page.get_by_role("complementary", name="Share")
    needs = "Changing the widget's look and allowed websites needs the Publisher role"
    expect(share.get_by_test_id("share-refused")).to_contain_text(needs)
    expect(share.get_by_label("Title", exact=True)).to_be_disabled()
    expect(share.get_by_role("textbox", name="Allowed websites")).to_be_disabled()
    expect(share.get_by_label("Avatar image")).to_be_disabled()
    save = share.get_by_role("button", name="Save")
    expect(save).to_be_disabled()
    expect(share.locator(".role-gate", has=page.get_by_role("button", name="Save"))).to_have_attribute("title", needs)
    # What anyone may do still works: the snippet is there to copy.
    expect(share.get_by_role("button", name=re.compile("^Copy bubble snippet"))).to_be_enabled()
