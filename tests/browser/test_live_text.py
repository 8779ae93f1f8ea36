"""The preview chat shows a streamed reply growing while the model writes it (the trace socket's step.delta frames),
then the stored message in its place: one bubble, never two. A reply the step gives up on leaves no bubble behind.

The model is a local server speaking OpenAI's Chat Completions SSE format, slowly, so the pieces are seen arriving."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from flows import actions
from flows.models import Flow
from tests.browser.canvas import PREVIEW, node
from tests.browser.conftest import log_in, save_artifact
from tests.factories import FlowFactory
from tests.integrations.nodes.support import credential
from tests.integrations.openai.peer import ChatPeer

pytestmark = [pytest.mark.e2e]

KEY = "sk-test-a1b2c3d4e5f6"
ASK = "Ask me anything."
PIECES = ["The capital ", "of France ", "is Paris, ", "a city ", "on the Seine."]
REPLY = "".join(PIECES)
GAP_S = 0.3

# Snapshots of the chat log at each change (a MutationObserver in the page): the live bubbles' texts and the stored
# bot bubbles' texts, so the test sees every state the person saw, not only the ones it happened to poll.
WATCH = """() => {
  const log = document.querySelector('aside[aria-label="Preview chat"] .chat-log');
  const texts = (id) => [...log.querySelectorAll(`[data-testid="${id}"]`)].map((e) => e.textContent);
  window.__chat = [];
  new MutationObserver(() => {
    const now = { live: texts("chat-bot-live"), bot: texts("chat-bot") };
    const last = window.__chat[window.__chat.length - 1];
    if (!last || JSON.stringify(last) !== JSON.stringify(now)) window.__chat.push(now);
  }).observe(log, { subtree: true, childList: true, characterData: true });
}"""


@pytest.fixture
def peer(httpserver_ipv4):
    chat = ChatPeer(httpserver_ipv4)
    chat.gap_s = GAP_S
    yield chat
    httpserver_ipv4.clear()


def _flow(peer: ChatPeer) -> Flow:
    """start -> ask -> ai (streams its reply) -> ask; on error -> sorry (another model call, also streamed) -> ask."""
    cred = credential("OpenAI", "openai", {"base_url": peer.base_url}, {"api_key": KEY})

    def step(node_id: str, type_: str, x: int, **data) -> dict:
        return {"id": node_id, "type": type_, "position": {"x": x, "y": 0}, "data": data}

    graph = {
        "nodes": [
            step("start", "start", 0),
            step("ask", "question", 260, text=ASK, variable="q"),
            step("ai", "openai", 520, credential=cred.pk, model="gpt-4o-mini"),
            step("sorry", "openai", 780, credential=cred.pk, model="gpt-4o-mini", user_prompt="Apologise."),
        ],
        "edges": [
            {"id": "e1", "source": "start", "sourceHandle": "next", "target": "ask"},
            {"id": "e2", "source": "ask", "sourceHandle": "next", "target": "ai"},
            {"id": "e3", "source": "ai", "sourceHandle": "success", "target": "ask"},
            {"id": "e4", "source": "ai", "sourceHandle": "error", "target": "sorry"},
            {"id": "e5", "source": "sorry", "sourceHandle": "success", "target": "ask"},
        ],
    }
    flow = FlowFactory(name="AI helper")
    problems = actions.save_flow(flow, graph=graph)
    assert [p for p in problems if p["severity"] == "error"] == []
    return flow


def _open_preview(page: Page):
    page.get_by_role("button", name="Preview").click()
    chat = page.locator(PREVIEW)
    expect(chat.get_by_test_id("chat-bot")).to_have_text([ASK])
    expect(chat.get_by_label("Message")).to_be_enabled()
    page.evaluate(WATCH)
    return chat


def _seen(page: Page) -> list[dict]:
    return page.evaluate("() => window.__chat")


def _until_live_shows(page: Page, start: str) -> None:
    """Until the recorded chat log has shown a live bubble starting so: a state that lasts a moment is never missed
    between two polls (Playwright's expect polls a second apart after its first tries)."""
    page.wait_for_function(
        "(start) => window.__chat.some((s) => s.live.some((t) => t.startsWith(start)))", arg=start, timeout=30_000
    )


def test_the_reply_grows_in_a_live_bubble_then_the_stored_message_takes_its_place(browser_page, peer):
    b = browser_page
    page = b.page
    peer.reply(*PIECES, usage=(30, 12))
    flow = _flow(peer)
    log_in(b, f"/builder/flows/{flow.pk}/")
    chat = _open_preview(page)

    chat.get_by_label("Message").fill("Capital of France?")
    chat.get_by_role("button", name="Send").click()

    # While the model writes: a part of the reply in the live bubble, the step running, no stored reply yet.
    live = chat.get_by_test_id("chat-bot-live")
    _until_live_shows(page, PIECES[0])
    partial = live.text_content() or ""
    assert REPLY.startswith(partial) and len(partial) < len(REPLY), partial
    assert chat.get_by_test_id("chat-bot").all_text_contents() == [ASK]
    expect(live).to_have_attribute("aria-busy", "true")  # in the log's polite region, read once it is complete
    expect(chat.locator(".chat-log")).to_have_attribute("aria-live", "polite")
    expect(node(page, "ai")).to_have_attribute("data-status", "running")
    save_artifact(page, "preview-live-text.png")

    # Then the turn's stored messages: the reply once, in place of the live bubble.
    expect(chat.get_by_test_id("chat-bot")).to_have_text([ASK, REPLY, ASK])
    expect(live).to_have_count(0)
    expect(chat.get_by_text(REPLY, exact=True)).to_have_count(1)
    expect(node(page, "ai")).to_have_attribute("data-status", "succeeded")

    seen = _seen(page)
    grown = [s["live"][0] for s in seen if s["live"]]
    # it grew piece by piece, each text the one before plus more, and was never shown next to its stored message
    assert len(grown) >= 3, seen
    assert all(b.startswith(a) and len(b) > len(a) for a, b in zip(grown, grown[1:], strict=False)), grown
    assert REPLY.startswith(grown[0]) and REPLY.startswith(grown[-1])
    assert all(len(s["live"]) <= 1 for s in seen), seen
    assert not any(s["live"] and REPLY in s["bot"] for s in seen), seen
    assert all(s["bot"] == [ASK] for s in seen if s["live"]), seen  # the live text came before the stored reply
    assert seen[-1] == {"live": [], "bot": [ASK, REPLY, ASK]}
    assert peer.requests[0]["body"]["stream"] is True


def test_a_reply_the_step_gives_up_on_disappears_from_the_chat(browser_page, peer):
    b = browser_page
    page = b.page
    # The model starts answering, then refuses: the node fails and its live text is discarded. The error path asks
    # the model again (slowly), so the discarded bubble is seen gone well before the turn's reply arrives.
    peer.reply("I could ", "tell you", refusal="I can't help with that.")
    peer.reply("Sorry, ", "no answer ", "this time.")
    flow = _flow(peer)
    log_in(b, f"/builder/flows/{flow.pk}/")
    chat = _open_preview(page)

    chat.get_by_label("Message").fill("Tell me a secret")
    chat.get_by_role("button", name="Send").click()

    live = chat.get_by_test_id("chat-bot-live")
    _until_live_shows(page, "I could ")
    _until_live_shows(page, "Sorry, ")  # the second call's bubble, after the first one went (checked below)
    expect(chat.get_by_test_id("chat-bot")).to_have_text([ASK, "Sorry, no answer this time.", ASK])
    expect(live).to_have_count(0)
    expect(node(page, "ai")).to_have_attribute("data-status", "failed")

    seen = _seen(page)
    assert all(len(s["live"]) <= 1 for s in seen), seen  # never the refused bubble beside the next one
    lives = [s["live"] for s in seen]
    gone = max(i for i, texts in enumerate(lives) if texts and texts[0].startswith("I could"))
    # right after the refused text: no live bubble and no stored reply yet (the discard removed it, not the reply)
    assert seen[gone + 1] == {"live": [], "bot": [ASK]}, seen
    assert not any("I could" in text for s in seen[gone + 1 :] for text in s["live"] + s["bot"]), seen
