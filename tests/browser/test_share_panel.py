"""The builder's Share panel: reached from the toolbar and from the "Published version N" toast; snippets, the hosted
page's link, allowed websites and appearance with a live preview drawn by the widget bundle itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from flows.models import FlowWidget
from tests.browser.conftest import log_in, save_artifact
from tests.factories import FlowFactory, published_flow

from .widget_support import simple_graph

pytestmark = [pytest.mark.e2e]


def test_publish_then_share_with_snippets_link_origins_and_a_live_preview(browser_page):
    b = browser_page
    page = b.page
    flow = published_flow(simple_graph("Hello."), slug="support-bot", name="Support bot")
    log_in(b, f"/builder/flows/{flow.pk}/")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("dialog").get_by_role("button", name="Publish").click()  # publishing asks first (issue 17.13)
    toast = page.get_by_test_id("toast")
    expect(toast).to_contain_text("Published version 2")
    toast.get_by_role("button", name="Share").click()
    panel = page.get_by_role("complementary", name="Share")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Visitors talk to version 2")

    snippet = panel.get_by_role("textbox", name="bubble snippet")
    expect(snippet).to_have_value(
        f'<script src="{b.url}/widget.js" data-flow="support-bot" data-mode="bubble" async></script>'
    )
    panel.get_by_text("Inline", exact=True).click()
    expect(panel.get_by_role("textbox", name="inline snippet")).to_have_value(
        f'<div id="chat" style="height: 600px"></div>\n<script src="{b.url}/widget.js" data-flow="support-bot" '
        'data-mode="inline" data-target="#chat" async></script>'
    )
    expect(panel.get_by_role("textbox", name="chat page link")).to_have_value(f"{b.url}/c/support-bot/")

    # The preview is the widget itself, drawn with the settings as they are typed (before saving).
    preview = panel.get_by_test_id("widget-preview").locator("flow-chat")
    expect(preview.locator(".title")).to_have_text("support-bot")
    panel.get_by_label("Title", exact=True).fill("Ask Sam")
    expect(preview.locator(".title")).to_have_text("Ask Sam")
    panel.get_by_label("Accent colour", exact=True).fill("#0f766e")
    expect(preview.locator(".launcher")).to_have_css("background-color", "rgb(15, 118, 110)")
    panel.get_by_label("Greeting teaser").fill("Hi! Questions?")
    preview.locator(".launcher").click()  # closing the preview's window shows the teaser
    expect(preview.locator(".teaser")).to_contain_text("Hi! Questions?")
    preview.locator(".launcher").click()
    expect(preview.locator(".win")).to_be_visible()
    save_artifact(page, "share-panel.png")

    # A bad origin is refused with its reason and nothing is stored.
    origins = panel.get_by_role("textbox", name="Allowed websites")
    origins.fill("shop.example.com")
    panel.get_by_role("button", name="Save").click()
    expect(panel).to_contain_text("write it as https://shop.example.com")
    assert not FlowWidget.objects.filter(flow=flow).exists()
    # The browser reports the refused request (400) on its console: that is this step's expected outcome.
    assert [e for e in b.console.errors if "400 (Bad Request)" not in e] == []
    b.console.errors.clear()
    origins.fill("https://shop.example.com\nhttp://localhost:3000/")
    panel.get_by_role("button", name="Save").click()
    expect(panel.get_by_role("status").filter(has_text=re.compile(r"^Saved: "))).to_be_visible()
    saved = FlowWidget.objects.get(flow=flow)
    assert saved.allowed_origins == ["https://shop.example.com", "http://localhost:3000"]
    assert saved.appearance["title"] == "Ask Sam" and saved.appearance["accent"] == "#0f766e"
    assert saved.appearance["greeting"] == "Hi! Questions?"
    assert flow.versions.filter(is_preview=False).count() == 2  # saving did not publish

    # Reopened from the toolbar, the panel shows what was saved.
    toolbar_share = page.get_by_role("banner").get_by_role("button", name="Share")
    toolbar_share.click()
    expect(panel).to_be_hidden()
    toolbar_share.click()
    expect(page.get_by_role("complementary", name="Share").get_by_label("Title", exact=True)).to_have_value("Ask Sam")


def test_an_unpublished_flow_says_to_publish_first(browser_page):
    b = browser_page
    flow = FlowFactory(name="Draft bot", slug="draft-bot")
    log_in(b, f"/builder/flows/{flow.pk}/")
    b.page.get_by_role("banner").get_by_role("button", name="Share").click()
    panel = b.page.get_by_role("complementary", name="Share")
    expect(panel).to_contain_text("Publish the flow first")
