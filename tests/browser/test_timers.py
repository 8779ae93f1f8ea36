"""Time in the builder: the preview shows a wait's countdown and Skip wait fires it now; the bot's next messages
arrive on their own (the chat socket); the Conversations panel lists a conversation's pending timers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from flows import actions
from tests.browser.canvas import PREVIEW
from tests.browser.conftest import log_in
from tests.factories import FlowFactory
from tests.timers.support import wait_flow

pytestmark = [pytest.mark.e2e]


def test_the_preview_counts_down_a_wait_and_skip_wait_fires_it_now(browser_page):
    b = browser_page
    page = b.page
    flow = FlowFactory(name="Patient bot")
    actions.save_flow(flow, graph=wait_flow("1h"))
    log_in(b, f"/builder/flows/{flow.pk}/")

    page.get_by_role("button", name="Preview").click()
    chat = page.locator(PREVIEW)
    expect(chat.get_by_test_id("chat-bot")).to_have_text(["Hello, back in a moment."])
    bar = chat.get_by_test_id("wait-bar")
    expect(bar).to_contain_text("Waiting at pause until")
    expect(bar.get_by_role("button", name="Skip wait")).to_be_visible()
    expect(chat.get_by_test_id("wait-countdown")).to_have_text(re.compile(r"^(1:00:00|59:[0-5]\d)$"))

    bar.get_by_role("button", name="Skip wait").click()
    # Nobody typed: the turn of the fired wait sends these on its own, through the chat socket.
    expect(chat.get_by_test_id("chat-bot")).to_have_text(["Hello, back in a moment.", "I'm back.", "Your name?"])
    expect(bar).to_have_count(0)
    chat.get_by_label("Message").fill("Ada")
    chat.get_by_role("button", name="Send").click()
    expect(chat.get_by_test_id("chat-bot")).to_have_text(
        ["Hello, back in a moment.", "I'm back.", "Your name?", "Bye Ada"]
    )
    expect(chat.get_by_test_id("chat-bot")).to_have_count(4)  # each message once, whichever way it came

    # A new chat waits again; the conversation view lists its wait as a pending timer (the first one has none).
    chat.get_by_role("button", name="New chat").click()
    expect(chat.get_by_test_id("wait-countdown")).to_be_visible()
    page.get_by_role("button", name="Conversations").click()
    rows = page.get_by_test_id("conversation-row")
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_test_id("pending-timer")).to_have_text(re.compile(r"wait at pause\s+in 1 h"))
    expect(rows.nth(1).get_by_test_id("pending-timer")).to_have_count(0)
