"""The agent inbox API with turns run in process and a set clock: a customer reaches the handoff, an agent claims
it (once), both talk, the agent hands back or closes, or nobody comes and the deadline takes `no_agent`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from flows import actions, roles, timers
from flows.models import Conversation, Run, Timer
from tests.factories import published_flow, role_user
from tests.timers.support import Clock, bot_texts, run_queued

from .support import handoff_flow

pytestmark = pytest.mark.django_db
INBOX = "/api/v1/inbox/conversations/"


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(timers, "clock", c)
    return c


def agent_client(name: str, role: str = roles.AGENT) -> APIClient:
    client = APIClient()
    client.force_authenticate(role_user(role, username=name, first_name=name.title()))
    return client


def handed_off(slug: str = "refunds", **config):
    flow = published_flow(handoff_flow(**config), slug=slug)
    conversation, token, _run = actions.start_conversation(flow, variables={"order": "A-17"})
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    return conversation, token


def customer_says(conversation, text: str):
    run, _ = actions.post_message(conversation, text, None)
    run_queued(conversation.pk)
    return run


def test_the_inbox_lists_a_waiting_conversation_with_its_reason_team_and_waiting_time(clock):
    conversation, _ = handed_off()
    assert bot_texts(conversation.pk) == ["Connecting you to a person..."]
    assert conversation.handoff_status == "waiting"
    body = agent_client("ana").get(INBOX).json()
    (row,) = body
    assert row["id"] == str(conversation.pk) and row["status"] == "waiting"
    assert (row["reason"], row["team"], row["priority"]) == ("Wants a refund for A-17", "billing", "high")
    assert row["waiting_s"] >= 0 and row["agent_name"] == ""
    assert agent_client("bo").get(INBOX, {"team": "sales"}).json() == []
    same = agent_client("bo").get(INBOX, {"flow": conversation.flow_id, "status": "waiting"}).json()
    assert [r["id"] for r in same] == [row["id"]]
    refused = agent_client("bo").get(INBOX, {"status": "lost"})
    assert refused.status_code == 400 and "waiting" in refused.json()["error"]["message"]


def test_the_customer_is_shown_that_a_person_is_asked_for_not_the_agents_reason_team_or_priority(clock):
    conversation, token = handed_off()
    customer = APIClient()
    customer.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    run = Run.objects.filter(conversation=conversation).get()
    reply = customer.get(f"/api/v1/chat/conversations/{conversation.pk}/runs/{run.pk}/").json()
    transcript = customer.get(f"/api/v1/chat/conversations/{conversation.pk}/messages/").json()
    for shown in (reply["input"], transcript["input"]):  # the turn's reply (as the socket sends it) and the transcript
        assert shown["type"] == "handoff"
        assert not {"reason", "team", "priority", "route", "intercom"} & set(shown), shown
        assert "refund" not in str(shown).lower() and "billing" not in str(shown)
    (row,) = agent_client("ana").get(INBOX).json()  # the agents still see all of it
    assert (row["reason"], row["team"], row["priority"]) == ("Wants a refund for A-17", "billing", "high")


def test_claim_reply_note_customer_message_and_release_back_to_the_bot(clock):
    conversation, _ = handed_off()
    ana = agent_client("ana")
    claimed = ana.post(f"{INBOX}{conversation.pk}/claim/", {"display_name": "Ana from billing"}, format="json")
    assert claimed.status_code == 200 and claimed.json()["status"] == "agent"
    assert claimed.json()["agent_name"] == "Ana from billing" and claimed.json()["claimed_by_me"] is True
    # The no-agent deadline is off once someone holds it.
    assert not Timer.objects.filter(conversation=conversation, state="pending").exists()

    second = agent_client("bo").post(f"{INBOX}{conversation.pk}/claim/", {}, format="json")
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_claimed"
    assert "Ana from billing already holds this conversation" in second.json()["error"]["message"]

    sent = ana.post(f"{INBOX}{conversation.pk}/messages/", {"text": "Hi, I'm Ana. Let me look."}, format="json")
    assert sent.status_code == 201
    ana.post(f"{INBOX}{conversation.pk}/messages/", {"text": "VIP customer", "note": True}, format="json")
    run = customer_says(conversation, "Thanks! Order A-17.")
    assert (run.status, run.inbound.text) == (Run.Status.SKIPPED, "Thanks! Order A-17.")  # stored, not run

    detail = ana.get(f"{INBOX}{conversation.pk}/messages/").json()
    assert [(m["kind"], m["text"]) for m in detail["messages"]] == [
        ("bot", "Connecting you to a person..."),
        ("agent", "Hi, I'm Ana. Let me look."),
        ("note", "VIP customer"),
        ("customer", "Thanks! Order A-17."),
    ]
    assert detail["variables"] == {"order": "A-17"}
    # The customer's transcript has the agent's reply, never the note.
    conversation.refresh_from_db()
    assert bot_texts(conversation.pk) == ["Connecting you to a person...", "Hi, I'm Ana. Let me look."]

    bo_reply = agent_client("bo").post(f"{INBOX}{conversation.pk}/messages/", {"text": "me too"}, format="json")
    assert bo_reply.status_code == 409 and bo_reply.json()["error"]["code"] == "not_claimed_by_you"

    released = ana.post(f"{INBOX}{conversation.pk}/release/", {"variables": {"refund": "approved"}}, format="json")
    assert released.status_code == 202
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    assert bot_texts(conversation.pk)[-1] == "Back with the bot. Refund: approved"
    assert conversation.status == Conversation.Status.ENDED and conversation.handoff_status == "done"
    assert agent_client("ana").get(INBOX).json() == []


def test_close_goes_on_at_closed(clock):
    conversation, _ = handed_off()
    ana = agent_client("ana")
    ana.post(f"{INBOX}{conversation.pk}/claim/", {}, format="json")
    assert ana.post(f"{INBOX}{conversation.pk}/close/").status_code == 202
    run_queued(conversation.pk)
    assert bot_texts(conversation.pk)[-1] == "The agent closed the chat."


def test_nobody_claims_so_no_agent_fires_at_the_deadline(clock):
    conversation, _ = handed_off(no_agent_after="2s")
    clock.advance(seconds=1)
    assert timers.fire_due(clock()) == 0
    clock.advance(seconds=1)
    assert timers.fire_due(clock()) == 1
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    assert bot_texts(conversation.pk)[-1] == "Nobody is free; we will email you."
    assert conversation.handoff_status == "done"
    late = agent_client("ana").post(f"{INBOX}{conversation.pk}/claim/", {}, format="json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "not_handed_off"


def test_release_refuses_a_bad_variable_name_and_changes_nothing(clock):
    conversation, _ = handed_off()
    ana = agent_client("ana")
    ana.post(f"{INBOX}{conversation.pk}/claim/", {}, format="json")
    bad = ana.post(f"{INBOX}{conversation.pk}/release/", {"variables": {"1 bad": "x"}}, format="json")
    assert bad.status_code == 400 and "Not a variable name" in bad.json()["error"]["message"]
    conversation.refresh_from_db()
    assert conversation.handoff_status == "agent" and not Run.objects.filter(trigger="hook").exists()


def test_without_the_answer_permission_the_inbox_is_closed(clock):
    conversation, token = handed_off()
    for role in (None, roles.VIEWER, roles.PUBLISHER):
        client = agent_client(f"user-{role}", role=role)
        listed = client.get(INBOX)
        assert listed.status_code == 403, role
        claimed = client.post(f"{INBOX}{conversation.pk}/claim/", {}, format="json")
        assert claimed.status_code == 403
    assert "Agent role" in agent_client("viewer2", roles.VIEWER).get(INBOX).json()["error"]["message"]
    assert agent_client("admin", roles.ADMIN).get(INBOX).status_code == 200
    # The customer's token opens their chat, not the inbox.
    customer = APIClient()
    customer.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert customer.get(INBOX).status_code in (401, 403)
    assert customer.post(f"{INBOX}{conversation.pk}/claim/", {}, format="json").status_code in (401, 403)
    conversation.refresh_from_db()
    assert conversation.handoff_status == "waiting"


def test_the_deadline_is_measured_from_the_set_clock(clock):
    conversation, _ = handed_off(no_agent_after="15m")
    (timer,) = Timer.objects.filter(conversation=conversation, state="pending")
    assert timer.due_at == clock.at + timedelta(minutes=15)


def test_the_inbox_page_is_for_agents_only(client):
    client.force_login(role_user(roles.PUBLISHER, username="pub"))
    assert client.get("/builder/inbox/").status_code == 403
    client.force_login(role_user(roles.AGENT, username="agent"))
    page = client.get("/builder/inbox/")
    assert page.status_code != 403 and b'"page": "inbox"' in page.content


def test_a_deadline_that_fired_just_before_the_claim_does_not_take_the_conversation_from_the_agent(clock):
    conversation, _ = handed_off(no_agent_after="2s")
    clock.advance(seconds=2)
    assert timers.fire_due(clock()) == 1  # fired: its turn is queued, not yet run
    ana = agent_client("ana")
    assert ana.post(f"{INBOX}{conversation.pk}/claim/", {}, format="json").status_code == 200
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    assert conversation.handoff_status == "agent" and conversation.waiting_node == "human"
    assert bot_texts(conversation.pk) == ["Connecting you to a person..."]
    assert Run.objects.get(trigger="timer").status == Run.Status.SKIPPED
