"""A shop owner builds a bot in the browser: canvas, forms, problems, publish, preview lighting up, export/import."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from flows.models import Conversation, Flow
from tests.browser import canvas
from tests.browser.canvas import PALETTE, PREVIEW, TRACE, connect, drop_node, node, saved, select
from tests.browser.conftest import log_in, save_artifact
from tests.factories import FlowFactory

pytestmark = [pytest.mark.e2e]

STATUS_DONE = "succeeded"


def test_build_check_publish_and_preview_a_bot_then_export_and_import_it(browser_page, tmp_path):
    b = browser_page
    page = b.page
    log_in(b, "/builder/")

    # A new flow from the list opens in the editor.
    page.get_by_role("button", name="New flow").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Lead bot")
    dialog.get_by_role("button", name="Create", exact=True).click()
    page.wait_for_url(re.compile(r"/builder/flows/\d+/$"))
    flow = Flow.objects.get(name="Lead bot")
    assert page.url.endswith(f"/builder/flows/{flow.pk}/")

    # Every registered node type is in the palette, and four of them go onto the canvas.
    palette = page.locator(PALETTE)
    for key in ("start", "message", "question", "condition", "set_variable", "end"):
        expect(palette.locator(f'[data-node-type="{key}"]')).to_have_count(1)
    start = drop_node(page, "start", 90, 220)
    hello = drop_node(page, "message", 330, 120)
    ask = drop_node(page, "question", 570, 260)
    check = drop_node(page, "condition", 810, 140)
    assert [n.split("_")[0] for n in (start, hello, ask, check)] == ["start", "message", "question", "condition"]

    # A question without its text is a problem the server reports, on the node and next to the field.
    saved(page)
    expect(node(page, ask)).to_have_attribute("data-problems", canvas.HAS_PROBLEMS)
    panel = select(page, ask)
    expect(panel.get_by_role("alert").first).to_be_visible()

    connect(page, start, "next", hello)
    connect(page, hello, "next", ask)
    connect(page, ask, "next", check)
    connect(page, start, "next", ask, refused=True)  # an output leads to one step
    connect(page, check, "true", check, refused=True)  # nor does a step lead to itself

    panel = select(page, hello)
    panel.get_by_label("Message").fill("Hi! I'm the shop bot.")
    panel = select(page, ask)
    panel.get_by_label("Question").fill("What's your name?")
    panel.get_by_label("Save the answer in").fill("name")
    saved(page)
    expect(node(page, ask)).not_to_have_attribute("data-problems", canvas.HAS_PROBLEMS)
    expect(panel.get_by_role("alert")).to_have_count(0)

    panel = select(page, check)
    # A new condition may come with its first rule, or without: wait for the form to show one or the other.
    first_rule = panel.get_by_label("Variable").first
    add_rule = panel.get_by_role("button", name=re.compile(r"^add", re.I)).first
    expect(first_rule.or_(add_rule).first).to_be_visible()
    if not first_rule.is_visible():
        add_rule.click()
    panel.get_by_label("Variable").first.fill("name")
    panel.get_by_label("Value").first.fill("Ada")
    saved(page)
    for node_id in (start, hello, ask, check):
        expect(node(page, node_id)).not_to_have_attribute("data-problems", canvas.HAS_PROBLEMS)
    flow.refresh_from_db()
    assert [e["source"] for e in flow.graph["edges"]] == [start, hello, ask]
    assert [p for p in flow.problems if p["severity"] == "error"] == []

    # Publish asks first, with an optional note; it says which version it made; the versions list shows who
    # published it, and the note.
    page.get_by_role("button", name="Publish").click()
    confirm = page.get_by_role("dialog")
    expect(confirm).to_contain_text("Publish version 1?")
    confirm.get_by_label("What changed?").fill("First version: asks for the name")
    save_artifact(page, "publish-dialog.png")
    confirm.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("toast")).to_contain_text("Published version 1")
    expect(confirm).to_be_hidden()
    page.get_by_role("button", name="Versions").click()
    expect(page.get_by_role("button", name="Restore").first).to_be_visible()
    expect(page.get_by_text(b.username).first).to_be_visible()
    expect(page.get_by_test_id("version-note")).to_have_text("First version: asks for the name")

    # The preview chat runs the draft on the worker; each node lights up and the trace fills as it runs.
    page.get_by_role("button", name="Preview").click()
    chat = page.locator(PREVIEW)
    bot = chat.get_by_test_id("chat-bot")
    expect(bot).to_have_text(["Hi! I'm the shop bot.", "What's your name?"])
    for node_id in (start, hello, ask):
        expect(node(page, node_id)).to_have_attribute("data-status", STATUS_DONE)
        expect(node(page, node_id)).to_contain_text(re.compile(r"\d\s*ms"))
    expect(node(page, check)).to_have_attribute("data-status", "idle")
    trace = page.locator(TRACE).locator("> li")
    expect(trace).to_have_count(3)

    chat.get_by_label("Message").fill("Ada")
    chat.get_by_role("button", name="Send").click()
    expect(chat.get_by_test_id("chat-user")).to_have_text(["Ada"])
    expect(node(page, check)).to_have_attribute("data-status", STATUS_DONE)
    expect(trace).to_have_count(5)
    page.get_by_role("button", name="Fit view").click()
    canvas.settled(page)  # React Flow animates the fit
    save_artifact(page, "editor-preview.png")

    # A step of the trace selects its node and shows what went in and came out.
    trace.nth(4).get_by_role("button").first.click()
    expect(page.locator(".react-flow__node.selected").locator(f'[data-testid="node-{check}"]')).to_have_count(1)
    expect(page.locator(TRACE)).to_contain_text('"name"')
    save_artifact(page, "editor-preview-trace.png")
    conversation = Conversation.objects.get(flow=flow, channel="preview")
    assert (conversation.status, conversation.variables) == ("ended", {"name": "Ada"})

    # After a reload the graph is as it was: nodes, places, connections and settings.
    ids, places, edges = canvas.node_ids(page), canvas.node_positions(page), canvas.edge_count(page)
    page.reload()
    expect(page.locator(canvas.NODES)).to_have_count(4)
    assert sorted(canvas.node_ids(page)) == sorted(ids)
    assert canvas.node_positions(page) == places
    assert canvas.edge_count(page) == edges == 3
    expect(select(page, hello).get_by_label("Message")).to_have_value("Hi! I'm the shop bot.")
    expect(node(page, hello)).to_have_attribute("data-status", "idle")

    # A past conversation replays on the canvas from its stored steps.
    page.get_by_role("button", name="Conversations").click()
    page.get_by_role("button", name="Replay").first.click()
    for node_id in (start, hello, ask, check):
        expect(node(page, node_id)).to_have_attribute("data-status", STATUS_DONE)

    # Export to a file, and import it again on the list page: a second flow with the same graph.
    with page.expect_download() as download:
        page.get_by_role("button", name="Export").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    assert exported.name == f"{flow.slug}.flow.json"
    document = json.loads(exported.read_text())
    assert (document["format"], document["name"]) == ("flowbuilder/flow", "Lead bot")
    assert sorted(n["id"] for n in document["graph"]["nodes"]) == sorted(ids)

    page.goto("/builder/")
    rows = page.get_by_test_id("flow-row")
    expect(rows).to_have_count(1)
    page.get_by_label("Import flow").set_input_files(str(exported))
    expect(rows.filter(has_text="Lead bot")).to_have_count(2)
    copy = Flow.objects.exclude(pk=flow.pk).get()
    assert (copy.graph, copy.slug) == (document["graph"], f"{flow.slug}-2")
    page.goto(f"/builder/flows/{copy.pk}/")
    expect(page.locator(canvas.NODES)).to_have_count(4)
    expect(page.locator(canvas.EDGES)).to_have_count(3)


def test_the_palette_and_panel_work_from_the_keyboard(browser_page):
    b = browser_page
    page = b.page
    flow = FlowFactory(name="Keyboard", graph={"nodes": [], "edges": []})
    log_in(b, f"/builder/flows/{flow.pk}/")
    expect(page.locator(f"{PALETTE} [data-node-type]").first).to_be_visible()

    # Tab reaches a palette item.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(f"!!document.activeElement.closest('{PALETTE}') && !!document.activeElement.dataset.nodeType"):
            break
    else:
        raise AssertionError("Tab never reached a palette item")
    # The focus shows: the item (or its card) looks different from an item without the focus.
    focus = page.evaluate(
        """() => {
        const look = (el) => [el, el.parentElement, el.parentElement?.parentElement].filter(Boolean).map((e) => {
            const s = getComputedStyle(e);
            return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor].join(' ');
        }).join(' | ');
        const el = document.activeElement;
        const items = document.querySelectorAll('[aria-label="Node palette"] [data-node-type]');
        const other = [...items].find((e) => e !== el);
        return {type: el.dataset.nodeType, visible: el.matches(':focus-visible'), ring: look(el) !== look(other)};
        }"""
    )
    assert focus["visible"] and focus["ring"], f"the focused palette item shows no focus ring: {focus}"

    # Enter adds that node type at the centre of the view.
    page.keyboard.press("Enter")
    expect(page.locator(canvas.NODES)).to_have_count(1)
    (first,) = canvas.node_ids(page)
    expect(node(page, first)).to_have_attribute("data-node-type", focus["type"])
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(canvas.NODES)).to_have_count(2)
    (second,) = set(canvas.node_ids(page)) - {first}

    # Undo and redo, with the keys.
    page.keyboard.press("Control+z")
    expect(page.locator(canvas.NODES)).to_have_count(1)
    page.keyboard.press("Control+Shift+z")
    expect(page.locator(canvas.NODES)).to_have_count(2)
    saved(page)
    flow.refresh_from_db()
    assert len(flow.graph["nodes"]) == 2

    # Every control on the page has a name a screen reader can say, the settings form included.
    select(page, second)  # the later node: both went to the centre of the view, this one on top
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('button, input, select, textarea, [role=button], a[href]')]
        .filter(el => el.offsetParent !== null && el.type !== 'hidden')
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                      && !el.getAttribute('aria-labelledby') && !el.getAttribute('title')
                      && !(el.textContent || '').trim())
        .map(el => el.outerHTML.slice(0, 160))"""
    )
    assert unnamed == [], "controls without a label:\n" + "\n".join(unnamed)


def test_the_flow_list_renames_duplicates_and_deletes(browser_page):
    b = browser_page
    page = b.page
    FlowFactory(name="Welcome", slug="welcome", graph={"nodes": [], "edges": []})
    page.on("dialog", lambda d: d.accept("Welcome v2") if d.type == "prompt" else d.accept())
    log_in(b, "/builder/")
    rows = page.get_by_test_id("flow-row")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name="Welcome")).to_be_visible()

    rows.first.get_by_role("button", name=re.compile("^Rename")).click()
    dialog = page.get_by_role("dialog")
    if dialog.count():  # a dialog of the page's own rather than the browser's prompt
        dialog.get_by_label("Name").fill("Welcome v2")
        dialog.get_by_label("Name").press("Enter")
    expect(rows.first.get_by_role("link", name="Welcome v2")).to_be_visible()
    assert Flow.objects.get().name == "Welcome v2"

    rows.first.get_by_role("button", name=re.compile("^Duplicate")).click()
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Welcome v2 (copy)")).to_have_count(1)

    with page.expect_download() as download:
        rows.filter(has_text="Welcome v2 (copy)").get_by_role("button", name=re.compile("^Export")).click()
    assert download.value.suggested_filename == "welcome-v2-copy.flow.json"

    rows.filter(has_text="Welcome v2 (copy)").get_by_role("button", name=re.compile("^Delete")).click()
    dialog = page.get_by_role("dialog")
    if dialog.count():
        dialog.get_by_role("button", name=re.compile("^Delete")).click()
    expect(rows).to_have_count(1)
    assert list(Flow.objects.values_list("name", flat=True)) == ["Welcome v2"]
