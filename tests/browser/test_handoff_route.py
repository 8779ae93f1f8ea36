"""The handoff step's settings on the canvas: the route selector shows only the chosen route's fields (all from the
server's config schema), and the choice is saved with the flow."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.canvas import saved, select
from tests.browser.conftest import log_in
from tests.factories import FlowFactory

pytestmark = [pytest.mark.e2e]

INTERCOM_ONLY = ["Intercom credential", "Customer's email", "Customer's external id"]
EMAIL_ONLY = ["SMTP server", "Email the team at"]


def test_the_route_selector_shows_only_the_chosen_routes_fields_and_is_saved(browser_page):
    b = browser_page
    page = b.page
    nodes = [
        {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
        {"id": "human", "type": "handoff", "position": {"x": 260, "y": 0}, "data": {"reason": "Refund"}},
    ]
    flow = FlowFactory(name="Handoff", graph={"nodes": nodes, "edges": []})
    log_in(b, f"/builder/flows/{flow.pk}/")
    panel = select(page, "human")
    route = panel.get_by_label("Route to")
    expect(route.locator("option:checked")).to_have_text("Inbox")  # a node saved without route_to: the built-in inbox

    def shown(labels: list[str], visible: bool) -> None:
        for label in labels:
            field = panel.get_by_label(label, exact=True)
            expect(field).to_be_visible() if visible else expect(field).to_have_count(0)

    shown(INTERCOM_ONLY + EMAIL_ONLY, False)
    route.select_option(label="Intercom")
    shown(INTERCOM_ONLY, True)
    shown(EMAIL_ONLY, False)
    route.select_option(label="Email")
    shown(EMAIL_ONLY, True)
    shown(INTERCOM_ONLY, False)
    panel.get_by_label("Email the team at", exact=True).fill("billing@example.com")
    saved(page)
    flow.refresh_from_db()
    data = next(n["data"] for n in flow.graph["nodes"] if n["id"] == "human")
    assert (data["route_to"], data["to"]) == ("email", "billing@example.com")
