"""The teams kept in admin, offered in Chromium: the handoff step's Team field suggests them (any name still goes and
is saved), and the inbox's team filter suggests them and filters by the one typed."""

from __future__ import annotations

import dataclasses
import time

import pytest
from playwright.sync_api import expect

from flows import actions, roles
from flows.models import Team
from tests.browser.canvas import saved, select
from tests.browser.conftest import Browser, log_in
from tests.factories import EditorFactory, FlowFactory, published_flow
from tests.handoff.support import handoff_flow

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def teams(live):
    Team.objects.create(name="Billing", description="Refunds and invoices")
    Team.objects.create(name="Sales")


def suggested(field) -> list[str]:
    """The values of the datalist the field names with its `list` attribute."""
    return field.evaluate("input => [...input.list.options].map(o => o.value)")


def saved_team(flow) -> str:
    """The handoff's team once the draft saved holds the last change (the save indicator may still say Saved)."""
    flow.refresh_from_db()
    return next(n["data"] for n in flow.graph["nodes"] if n["id"] == "human").get("team", "")


def until_saved(flow, team: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while saved_team(flow) != team:
        assert time.monotonic() < deadline, f"the team {team!r} was not saved; the draft has {saved_team(flow)!r}"
        time.sleep(0.1)


def test_the_handoff_team_field_suggests_the_admins_teams_and_saves_the_one_typed(browser_page: Browser, teams):
    page = browser_page.page
    nodes = [
        {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
        {"id": "human", "type": "handoff", "position": {"x": 260, "y": 0}, "data": {"reason": "Refund"}},
    ]
    flow = FlowFactory(name="Handoff", graph={"nodes": nodes, "edges": []})
    log_in(browser_page, f"/builder/flows/{flow.pk}/")
    panel = select(page, "human")
    team = panel.get_by_label("Team", exact=True)
    expect(panel.get_by_test_id("team-suggestions").locator("option")).to_have_count(2)
    assert suggested(team) == ["Billing", "Sales"]
    team.fill("Billing")
    until_saved(flow, "Billing")
    saved(page)
    assert not [p for p in flow.problems if p["node_id"] == "human" and "team" in p["message"]]

    team.fill("Night shift")  # not in the list: still taken, and saved with a warning only
    until_saved(flow, "Night shift")
    (note,) = [p for p in flow.problems if p["node_id"] == "human" and "Night shift" in p["message"]]
    assert note["severity"] == "warning"
    expect(panel.get_by_role("alert", name="Problems with this step")).to_contain_text(
        "The team “Night shift” is not in the list of teams kept in admin"
    )


def test_the_inbox_team_filter_suggests_the_admins_teams_and_filters_by_the_one_typed(browser_page: Browser, teams):
    agent = EditorFactory(username="ana", first_name="Ana", role=roles.AGENT)
    for slug, team, reason in [("bills", "Billing", "Refund"), ("deals", "Sales", "Discount")]:
        flow = published_flow(handoff_flow(reason=reason, team=team), slug=slug, name=slug.title())
        actions.start_conversation(flow)
    page = browser_page.page
    log_in(dataclasses.replace(browser_page, username=agent.username), "/builder/inbox/")
    rows = page.get_by_test_id("inbox-row")
    expect(rows).to_have_count(2)
    team = page.get_by_role("combobox", name="Team")
    expect(page.get_by_test_id("team-suggestions").locator("option")).to_have_count(2)
    assert suggested(team) == ["Billing", "Sales"]
    team.fill("billing")  # any case finds the team
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Refund")
    team.fill("Night shift")  # free text is still a filter
    expect(rows).to_have_count(0)
    expect(page.get_by_text("Nobody is waiting for a person.")).to_be_visible()
