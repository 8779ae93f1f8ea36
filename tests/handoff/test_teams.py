"""Teams kept in admin: the Admin role manages them, every role reads them (GET /api/v1/teams/), a handoff naming a
team not in the list is saved with a warning (never refused), and the inbox filter finds a team whatever its case."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from rest_framework.test import APIClient

from flows import actions, roles
from flows.models import Team
from tests.factories import FlowFactory, UserFactory, published_flow, role_user
from tests.timers.support import run_queued

from .support import handoff_flow

pytestmark = pytest.mark.django_db
TEAMS = "/api/v1/teams/"
ADD = "/admin/flows/team/add/"


def admin_site(role: str | None) -> Client:
    client = Client()
    client.force_login(role_user(role, is_staff=True) if role else UserFactory(is_staff=True))
    return client


def api(role: str | None) -> APIClient:
    client = APIClient()
    client.force_authenticate(role_user(role) if role else UserFactory())
    return client


def warnings_of(problems: list[dict]) -> list[str]:
    return [p["message"] for p in problems if p["severity"] == "warning" and p["node_id"] == "human"]


# The model and admin


def test_a_team_name_is_unique_whatever_its_case_with_a_sentence_naming_the_team_that_has_it():
    Team.objects.create(name="Billing")
    with pytest.raises(ValidationError) as refused:
        Team(name=" billing ").full_clean()
    assert refused.value.message_dict == {
        "name": ["There is already a team named “Billing”: team names differ by more than capitals."]
    }
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too, whoever writes
        Team.objects.create(name="BILLING")
    assert list(Team.objects.values_list("name", flat=True)) == ["Billing"]


def test_an_admin_adds_a_team_and_a_second_one_differing_only_in_case_is_refused_clearly():
    client = admin_site(roles.ADMIN)
    added = client.post(ADD, {"name": "Billing", "description": "Refunds and invoices", "_save": "Save"})
    assert added.status_code == 302, added.content[:2000]
    assert list(Team.objects.values_list("name", "description")) == [("Billing", "Refunds and invoices")]
    again = client.post(ADD, {"name": "billing", "description": "", "_save": "Save"})
    assert again.status_code == 200
    assert "There is already a team named “Billing”: team names differ by more than capitals." in again.content.decode()
    assert Team.objects.count() == 1
    listed = client.get("/admin/flows/team/").content.decode()
    assert "Billing" in listed and "Refunds and invoices" in listed


@pytest.mark.parametrize("role", [roles.AGENT, roles.EDITOR, roles.PUBLISHER])
def test_other_roles_read_the_teams_in_admin_but_may_not_add_or_change_them(role):
    team = Team.objects.create(name="Sales")
    client = admin_site(role)
    assert client.get("/admin/flows/team/").status_code == 200
    page = client.get(f"/admin/flows/team/{team.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"name": "Support", "_save": "Save"}).status_code == 403
    assert client.post(f"/admin/flows/team/{team.pk}/change/", {"name": "Hacked"}).status_code == 403
    assert list(Team.objects.values_list("name", flat=True)) == ["Sales"]


def test_staff_without_a_role_cannot_see_the_teams():
    Team.objects.create(name="Sales")
    assert admin_site(None).get("/admin/flows/team/").status_code == 403


def test_the_migration_lets_the_admin_group_manage_teams_and_the_others_only_read_them():
    def codenames(group: str) -> set[str]:
        found = Group.objects.get(name=group).permissions.filter(content_type__model="team")
        return set(found.values_list("codename", flat=True))

    assert codenames(roles.ADMIN) == {"view_team", "add_team", "change_team", "delete_team"}
    for group in (roles.VIEWER, roles.EDITOR, roles.PUBLISHER, roles.AGENT):
        assert codenames(group) == {"view_team"}, group
    admin, agent = role_user(roles.ADMIN), role_user(roles.AGENT)
    assert admin.has_perm("flows.add_team") and admin.has_perm("flows.change_team")
    assert agent.has_perm("flows.view_team")
    assert not any(agent.has_perm(f"flows.{p}_team") for p in ("add", "change", "delete"))


# The API


@pytest.mark.parametrize("role", [roles.AGENT, roles.VIEWER, roles.EDITOR, roles.ADMIN])
def test_builders_and_agents_read_the_teams_by_name_with_their_descriptions(role):
    Team.objects.create(name="Sales", description="New customers")
    Team.objects.create(name="Billing")
    response = api(role).get(TEAMS)
    assert response.status_code == 200
    assert response.json() == [
        {"name": "Billing", "description": ""},
        {"name": "Sales", "description": "New customers"},
    ]


def test_a_user_without_a_role_or_login_gets_no_teams():
    Team.objects.create(name="Sales")
    refused = api(None).get(TEAMS)
    assert refused.status_code == 403
    assert refused.json()["error"] == {"code": "permission_denied", "message": "Seeing teams needs the Viewer role."}
    assert APIClient().get(TEAMS).status_code == 401


def test_the_teams_api_only_reads_even_for_an_admin():
    client = api(roles.ADMIN)
    assert client.post(TEAMS, {"name": "Sales"}, format="json").status_code == 403  # the view names no POST rule
    assert Team.objects.count() == 0


# Saving a flow


def test_a_handoff_naming_a_team_not_in_the_list_is_saved_with_a_warning_and_still_publishes():
    Team.objects.create(name="Billing")
    flow = FlowFactory()
    problems = actions.save_flow(flow, graph=handoff_flow(team="Biling"))
    assert warnings_of(problems) == [
        "The team “Biling” is not in the list of teams kept in admin: agents filtering the inbox by a listed team "
        "will not see it. Pick one of the list, or add the team in admin."
    ]
    assert not [p for p in problems if p["severity"] == "error"]
    actions.publish(flow, None)  # a warning never blocks
    assert flow.versions.count() == 1


@pytest.mark.parametrize("team", ["Billing", "billing", " Billing ", "", "{{ department }}"])
def test_a_listed_team_in_any_case_an_empty_one_or_a_template_gets_no_warning(team):
    Team.objects.create(name="Billing")
    assert warnings_of(actions.save_flow(FlowFactory(), graph=handoff_flow(team=team))) == []


def test_with_no_teams_in_admin_any_team_is_free_text_without_a_warning():
    assert warnings_of(actions.save_flow(FlowFactory(), graph=handoff_flow(team="Anything"))) == []


def test_the_validate_endpoint_reports_the_unknown_team_too():
    Team.objects.create(name="Billing")
    body = api(roles.EDITOR).post("/api/v1/flows/validate/", {"graph": handoff_flow(team="Sales")}, format="json")
    assert body.status_code == 200
    assert [p["message"][:29] for p in body.json()["problems"] if p["severity"] == "warning"] == [
        "The team “Sales” is not in th"
    ]


# Running and the inbox


def test_a_templated_team_is_the_rendered_name_in_the_inbox_and_its_filter_finds_any_case():
    flow = published_flow(handoff_flow(team="{{ department }}"), slug="desk")
    conversation, _token, _run = actions.start_conversation(flow, variables={"order": "A-1", "department": "Billing"})
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    assert conversation.handoff_team == "Billing"
    agent = api(roles.AGENT)
    for asked in ("Billing", "billing", "BILLING"):
        rows = agent.get("/api/v1/inbox/conversations/", {"team": asked}).json()
        assert [r["id"] for r in rows] == [str(conversation.pk)], asked
    assert agent.get("/api/v1/inbox/conversations/", {"team": "Sales"}).json() == []
