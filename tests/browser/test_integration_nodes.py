"""The integration nodes of issues 5-6 on the canvas: each one's form opens from its schema, the template picker
shows a chosen integration's own form, and the calendar node's handles follow its operation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from flows.models import Flow
from tests.browser import canvas
from tests.browser.canvas import PALETTE, node, saved, select
from tests.browser.conftest import log_in
from tests.factories import FlowFactory

pytestmark = [pytest.mark.e2e]

# Node type -> a field label its settings form must show (from the server's config schema).
FORMS = {
    "openai": "Model",
    "email": "Subject",
    "template": "Search integrations",
    "calendar": "Operation",
    "sheets": "Spreadsheet",
}


def _flow() -> Flow:
    nodes = [{"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}}]
    for i, type_key in enumerate(FORMS, start=1):
        nodes.append({"id": type_key, "type": type_key, "position": {"x": 260 * i, "y": 0}, "data": {}})
    return FlowFactory(name="Integrations", graph={"nodes": nodes, "edges": []})


def test_each_integration_node_is_in_the_palette_and_its_form_opens(browser_page):
    b = browser_page
    page = b.page
    flow = _flow()
    log_in(b, f"/builder/flows/{flow.pk}/")
    for type_key, label in FORMS.items():
        expect(page.locator(f'{PALETTE} [data-node-type="{type_key}"]')).to_be_visible()
        panel = select(page, type_key)
        expect(panel.get_by_label(label).first).to_be_visible()


def test_a_template_node_shows_the_chosen_integrations_form_and_saves_its_parameters(browser_page):
    b = browser_page
    page = b.page
    flow = _flow()
    log_in(b, f"/builder/flows/{flow.pk}/")
    panel = select(page, "template")
    panel.get_by_label("Search integrations").fill("slack")
    options = panel.get_by_role("option")
    expect(options).to_have_count(1)
    options.first.click()
    # The Slack template's own parameters, drawn from its JSON Schema, and a link to add its kind of credential.
    panel.get_by_label("Message").fill("New lead: {{ name }}")
    # Both links to admin's add form (the template's, and the empty credential list's) open it on the right kind.
    links = panel.get_by_role("link", name="add one in admin")
    expect(links).to_have_count(2)
    assert [links.nth(i).get_attribute("href") for i in range(2)] == [
        "/admin/integrations/credential/add/?kind=webhook_url&name=Slack",
        "/admin/integrations/credential/add/?kind=webhook_url",
    ]
    saved(page)
    flow.refresh_from_db()
    data = next(n["data"] for n in flow.graph["nodes"] if n["id"] == "template")
    assert data["template"] == "slack_message"
    assert data["params"]["text"] == "New lead: {{ name }}"


def test_the_calendar_nodes_handles_follow_its_operation(browser_page):
    b = browser_page
    page = b.page
    flow = _flow()
    log_in(b, f"/builder/flows/{flow.pk}/")

    def handles() -> set[str]:
        found = page.eval_on_selector_all(
            '.react-flow__handle.source[data-nodeid="calendar"]', "els => els.map(e => e.dataset.handleid)"
        )
        return set(found)

    expect(node(page, "calendar")).to_be_visible()
    assert handles() == {"available", "unavailable", "error"}
    panel = select(page, "calendar")
    panel.get_by_label("Operation").select_option(label="Create event")
    canvas.wait_for_count("calendar handles", lambda: len(handles() & {"success"}), 1)
    assert handles() == {"success", "error"}
    saved(page)
    flow.refresh_from_db()
    data = next(n["data"] for n in flow.graph["nodes"] if n["id"] == "calendar")
    assert data["operation"] == "create_event"
