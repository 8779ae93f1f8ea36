"""A customer who texts reaches a person: the agent's replies from the inbox go out by SMS through the channel."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from flows import actions, roles, timers
from flows.models import Channel, Conversation
from tests.factories import published_flow, role_user
from tests.handoff.support import handoff_flow
from tests.timers.support import Clock, run_queued

pytestmark = pytest.mark.django_db
NUMBER = "+15557654321"


def test_an_agents_reply_reaches_a_texting_customer_by_sms(
    twilio_credential, twilio_server, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(timers, "clock", Clock())
    flow = published_flow(handoff_flow(), slug="refunds-sms")
    channel = Channel.objects.create(flow=flow, kind="twilio_sms", credential=twilio_credential, sender="+15550000001")
    conversation, _token, _run = actions.start_conversation(flow)
    Conversation.objects.filter(pk=conversation.pk).update(
        messaging_channel=channel, channel="twilio_sms", external_user_id=NUMBER
    )
    run_queued(conversation.pk)
    agent = APIClient()
    agent.force_authenticate(role_user(roles.AGENT, username="ana", first_name="Ana"))
    inbox = f"/api/v1/inbox/conversations/{conversation.pk}"
    assert agent.post(f"{inbox}/claim/", {"display_name": "Ana"}, format="json").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        sent = agent.post(f"{inbox}/messages/", {"text": "Hi, I'm Ana. Let me look."}, format="json")
        note = agent.post(f"{inbox}/messages/", {"text": "VIP customer", "note": True}, format="json")
    assert sent.status_code == 201 and note.status_code == 201

    (message,) = twilio_server.messages  # the reply, never the note
    assert (message["To"], message["From"], message["Body"]) == (NUMBER, "+15550000001", "Hi, I'm Ana. Let me look.")
