"""The agents' inbox in Chromium against uvicorn and a worker, with the customer in a second browser context on the
hosted chat page: the agent claims, both talk live, a note stays internal, and the agent hands back to the bot."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Page, expect

from flows import actions, roles
from tests.browser.conftest import VIEWPORT, Browser, Console, log_in
from tests.factories import EditorFactory, published_flow
from tests.handoff.support import handoff_flow
from tests.integrations.nodes.support import credential

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def editor_user(live):
    return EditorFactory(username="ana", first_name="Ana", role=roles.AGENT)


@pytest.fixture
def customer(live, chromium) -> Iterator[Page]:
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    console = Console()
    console.watch(page)
    try:
        yield page
    finally:
        context.close()
    assert console.errors == [], "the customer's browser logged errors:\n" + "\n".join(console.errors)


def test_an_agent_claims_talks_notes_and_hands_back_while_the_customer_chats(browser_page: Browser, customer, live):
    published_flow(handoff_flow(reason="Refund", no_agent_after="10m"), slug="help", name="Help")
    customer.goto(f"{live.url}/c/help/")
    chat = customer.locator('flow-chat[data-flow="help"]')
    expect(chat.locator(".msg.bot").last).to_have_text("Connecting you to a person...")

    agent = browser_page.page
    log_in(browser_page, "/builder/inbox/")
    row = agent.get_by_test_id("inbox-row").filter(has_text="Refund")
    expect(row).to_contain_text("waiting")
    row.click()
    agent.get_by_role("textbox", name="Name the customer sees").fill("Ana from billing")
    agent.get_by_role("button", name="Claim").click()
    expect(chat.locator(".msg.system")).to_have_text("Ana from billing has joined the chat")
    expect(row).to_contain_text("with Ana from billing")

    agent.get_by_role("textbox", name="Reply").fill("Hi, I'm Ana. How can I help?")
    agent.get_by_role("button", name="Send").click()
    expect(chat.locator(".msg.bot").last).to_have_text("Hi, I'm Ana. How can I help?")

    field = chat.locator("input[name=message]")
    field.fill("My parcel never came.")
    field.press("Enter")
    transcript = agent.get_by_test_id("inbox-transcript")
    expect(transcript.locator(".inbox-msg.customer").last).to_contain_text("My parcel never came.")

    agent.get_by_label("Internal note (never sent)").check()
    agent.get_by_role("textbox", name="Reply").fill("Courier lost it; refund.")
    agent.get_by_role("button", name="Add note").click()
    expect(transcript.locator(".inbox-msg.note")).to_contain_text("Courier lost it; refund.")

    agent.get_by_role("textbox", name="Variables to set (JSON)").fill('{"refund": "approved"}')
    agent.get_by_role("button", name="Hand back to the bot").click()
    expect(chat.locator(".msg.bot").last).to_have_text("Back with the bot. Refund: approved")
    expect(chat.locator(".msg.system").last).to_have_text("Ana from billing has left the chat")
    assert "Courier lost it" not in chat.inner_text()  # the note never reached the customer


def test_the_link_in_a_team_email_opens_that_conversation_in_the_inbox(browser_page: Browser, live):
    flow = published_flow(handoff_flow(reason="Lost parcel"), slug="parcel", name="Parcel")
    conversation, _token, _run = actions.start_conversation(flow)
    agent = browser_page.page
    # The path the handoff's email route links to (nodes/core/handoff.inbox_link), on this server.
    log_in(browser_page, f"/builder/inbox/?conversation={conversation.pk}")
    transcript = agent.get_by_test_id("inbox-transcript")
    expect(transcript.locator(".inbox-msg.bot")).to_contain_text("Connecting you to a person...")
    expect(agent.get_by_role("button", name="Claim")).to_be_visible()


def _signed_post(url: str, payload: dict, secret: str) -> dict:
    body = json.dumps(payload).encode()
    signature = "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    answer = requests.post(url, data=body, headers={"Content-Type": "application/json", "X-Hub-Signature": signature})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_handoff_routed_to_intercom_carries_messages_both_ways_and_intercoms_close_ends_it(
    customer, live, httpserver_ipv4
):
    """Daphne, a Celery worker and a local server speaking Intercom's wire format: the customer's message reaches
    Intercom, an admin's reply reaches the widget live, and Intercom's close takes `closed`."""
    intercom = httpserver_ipv4
    intercom.expect_request("/contacts/search", method="POST").respond_with_json(
        {"type": "list", "data": [{"id": "c-7"}]}
    )
    intercom.expect_request("/conversations", method="POST").respond_with_json({"conversation_id": "ic-42"})
    intercom.expect_request("/conversations/ic-42/reply", method="POST").respond_with_json({"type": "conversation"})
    secret = "client-secret-of-the-app"
    cred = credential("Intercom", "intercom", {"base_url": intercom.url_for("").rstrip("/")},
                      {"access_token": "tok-live-123", "client_secret": secret})  # fmt: skip
    config = {"route_to": "intercom", "intercom_credential": cred.pk, "email": "ada@example.com"}
    published_flow(handoff_flow(reason="Refund", **config), slug="viaintercom", name="Via Intercom")
    customer.goto(f"{live.url}/c/viaintercom/")
    chat = customer.locator('flow-chat[data-flow="viaintercom"]')
    expect(chat.locator(".msg.bot").last).to_have_text("Connecting you to a person...")

    field = chat.locator("input[name=message]")
    field.fill("Is anyone there?")
    field.press("Enter")
    deadline = time.monotonic() + 30
    while not (
        replies := [json.loads(r.get_data()) for r, _ in intercom.log if r.path == "/conversations/ic-42/reply"]
    ):
        assert time.monotonic() < deadline, "the customer's message was not forwarded to Intercom"
        time.sleep(0.2)
    assert replies == [
        {"message_type": "comment", "type": "user", "intercom_user_id": "c-7", "body": "Is anyone there?"}
    ]

    hook = f"{live.url}/api/v1/intercom/{cred.pk}/webhook/"
    part = {
        "id": "p-1",
        "part_type": "comment",
        "body": "<p>Hi, Sam here.</p>",
        "author": {"type": "admin", "name": "Sam"},
    }
    item = {"id": "ic-42", "conversation_parts": {"conversation_parts": [part]}}
    assert (
        _signed_post(hook, {"topic": "conversation.admin.replied", "data": {"item": item}}, secret)["outcome"]
        == "replied"
    )
    expect(chat.locator(".msg.system")).to_have_text("Sam has joined the chat")
    expect(chat.locator(".msg.bot").last).to_have_text("Hi, Sam here.")

    closing = {
        "id": "ic-42",
        "conversation_parts": {"conversation_parts": [{**part, "id": "p-2", "part_type": "close", "body": None}]},
    }
    assert (
        _signed_post(hook, {"topic": "conversation.admin.closed", "data": {"item": closing}}, secret)["outcome"]
        == "closed"
    )
    expect(chat.locator(".msg.bot").last).to_have_text("The agent closed the chat.")
    expect(chat.locator(".msg.system").last).to_have_text("Sam has left the chat")
