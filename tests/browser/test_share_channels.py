"""The Share panel's SMS and WhatsApp section: connect a Twilio number, read its webhook URL, send a test message."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from flows.models import Channel
from tests.browser.conftest import log_in
from tests.factories import published_flow
from tests.integrations.twilio.support import SID, TOKEN, make_credential
from tests.support.fake_twilio import FakeTwilio

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def twilio_server():
    server = FakeTwilio(SID, TOKEN).start()
    yield server
    server.stop()


def test_a_number_is_connected_its_webhook_url_shown_and_a_test_message_sent(browser_page, twilio_server):
    b = browser_page
    page = b.page
    flow = published_flow("greeting", slug="texting-bot", name="Texting bot")
    make_credential(twilio_server.base_url)
    twilio_server.invalid.add("+15550000000")
    log_in(b, f"/builder/flows/{flow.pk}/")
    page.get_by_role("banner").get_by_role("button", name="Share").click()
    panel = page.get_by_role("complementary", name="Share")
    section = panel.get_by_role("region", name="SMS and WhatsApp")

    section.get_by_label("Sender").fill("555")
    section.get_by_role("button", name="Add channel").click()
    expect(section).to_contain_text("E.164")
    b.console.errors.clear()  # the refused request (400) is this step's expected outcome
    section.get_by_label("Sender").fill("+1 555 000 0001")
    section.get_by_role("button", name="Add channel").click()

    row = section.get_by_test_id("channel")
    expect(row).to_contain_text("+15550000001")
    channel = Channel.objects.get(flow=flow)
    expect(row.get_by_role("textbox").first).to_have_value(f"{b.url}/api/v1/channels/{channel.pk}/twilio/")

    row.get_by_label("Send a test message to").fill("+15557654321")
    row.get_by_role("button", name="Send a test message").click()
    expect(row.get_by_role("status")).to_have_text("Sent: Twilio says queued.")
    assert twilio_server.messages[0]["To"] == "+15557654321"
    row.get_by_label("Send a test message to").fill("+15550000000")
    row.get_by_role("button", name="Send a test message").click()
    expect(row.get_by_role("status")).to_contain_text("Not sent (Twilio error 21211)")

    row.get_by_role("button", name="Remove SMS +15550000001").click()
    expect(row).to_have_count(0)
    assert not Channel.objects.filter(flow=flow).exists()
