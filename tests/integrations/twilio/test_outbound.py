"""Replies out through the Messages API (the real twilio client, the local Twilio server), and the builder's API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from flows.messaging import tasks
from flows.messaging.twilio.outbound import render, split
from flows.models import Channel, Conversation, Message, OptOut
from tests.factories import published_flow, role_user

from .conftest import TOKEN

pytestmark = pytest.mark.django_db
NUMBER = "+15557654321"


@pytest.fixture
def channel(twilio_credential):
    flow = published_flow("support_desk", slug="desk")
    return Channel.objects.create(flow=flow, kind="twilio_sms", credential=twilio_credential, sender="+15550000001")


def reply_in(channel: Channel, text: str, choices=None, number: str = NUMBER) -> Message:
    conversation = Conversation.objects.create(
        flow=channel.flow, version=channel.flow.published_version, channel="twilio_sms", external_user_id=number,
        messaging_channel=channel, token_hash="x",
    )  # fmt: skip
    return Message.objects.create(conversation=conversation, direction="out", text=text, choices=choices)


def test_a_choice_question_goes_out_as_a_numbered_list():
    choices = [{"id": "billing", "label": "Billing"}, {"id": "bug", "label": "Report a bug"}]
    assert render("What can I help with?", choices) == (
        "What can I help with?\n\n1. Billing\n2. Report a bug\n\nReply with a number."
    )
    assert render("Plain", None) == "Plain"


def test_a_long_text_is_split_at_sentences_and_words_within_the_limit():
    text = "First sentence here. Second one is a bit longer. " * 3 + "word " * 40
    parts = split(text, 60)
    assert all(len(p) <= 60 for p in parts)
    assert parts[0] == "First sentence here. Second one is a bit longer."
    assert " ".join(parts).split() == text.split()  # nothing lost, nothing cut inside a word
    assert split("x" * 130, 60) == ["x" * 60, "x" * 60, "x" * 10]


def test_a_reply_reaches_twilio_and_the_message_keeps_its_sid_and_status(channel, twilio_server, settings):
    settings.PUBLIC_BASE_URL = "https://bots.example.com"
    message = reply_in(channel, "What can I help with?", [{"id": "b", "label": "Billing"}])

    tasks.send_messages([message.pk])
    tasks.send_messages([message.pk])  # a redelivered task sends nothing twice

    (sent,) = twilio_server.messages
    assert (sent["To"], sent["From"]) == (NUMBER, "+15550000001")
    assert sent["Body"] == "What can I help with?\n\n1. Billing\n\nReply with a number."
    assert sent["StatusCallback"] == f"https://bots.example.com/api/v1/channels/{channel.pk}/twilio/"
    message.refresh_from_db()
    assert (message.delivery_status, message.provider_sid, message.error_code) == ("queued", sent["sid"], "")
    assert TOKEN not in str(twilio_server.requests[0]["headers"].get("Authorization"))  # Basic, base64


def test_twilio_errors_are_kept_on_the_message(channel, twilio_server):
    twilio_server.unsubscribed.add("+15550009999")
    bad, unsubscribed = reply_in(channel, "Hi", number="+1"), reply_in(channel, "Hi", number="+15550009999")

    tasks.send_messages([bad.pk, unsubscribed.pk])

    bad.refresh_from_db()
    unsubscribed.refresh_from_db()
    assert (bad.delivery_status, bad.error_code) == ("failed", "21211")
    assert (unsubscribed.delivery_status, unsubscribed.error_code) == ("failed", "21610")
    assert twilio_server.messages == []


def test_a_send_refused_with_429_is_sent_again_and_once(channel, twilio_server):
    twilio_server.too_many = 2  # Twilio's "Too Many Requests" twice, then it accepts
    message = reply_in(channel, "Your table is booked.")

    tasks.send_messages([message.pk])

    (sent,) = twilio_server.messages
    assert sent["Body"] == "Your table is booked."
    creates = [r for r in twilio_server.requests if r["method"] == "POST"]
    assert len(creates) == 3
    message.refresh_from_db()
    assert (message.delivery_status, message.provider_sid) == ("queued", sent["sid"])


def test_a_send_still_refused_with_429_fails_with_twilios_code(channel, twilio_server):
    twilio_server.too_many = 10
    message = reply_in(channel, "Your table is booked.")

    tasks.send_messages([message.pk])

    assert twilio_server.messages == []
    assert len([r for r in twilio_server.requests if r["method"] == "POST"]) == 3  # the policy's attempts, no more
    message.refresh_from_db()
    assert (message.delivery_status, message.error_code) == ("failed", "20429")


def test_nothing_goes_to_a_number_that_opted_out(channel, twilio_server):
    OptOut.objects.create(channel=channel, address=NUMBER)
    message = reply_in(channel, "Hi")

    tasks.send_messages([message.pk])

    message.refresh_from_db()
    assert message.delivery_status == "suppressed" and twilio_server.messages == []


def test_whatsapp_replies_go_to_the_whatsapp_address(twilio_credential, twilio_server):
    flow = published_flow("greeting", slug="wa")
    channel = Channel.objects.create(flow=flow, kind="twilio_whatsapp", credential=twilio_credential,
                                     sender="whatsapp:+15550000001")  # fmt: skip
    tasks.send_messages([reply_in(channel, "Hello").pk])
    (sent,) = twilio_server.messages
    assert (sent["To"], sent["From"]) == (f"whatsapp:{NUMBER}", "whatsapp:+15550000001")


def test_the_builder_adds_lists_tests_and_removes_a_channel_without_any_secret(
    twilio_credential, twilio_server, settings
):
    flow = published_flow("greeting", slug="shop")
    client = APIClient()
    client.force_login(role_user("Publisher"))
    url = f"/api/v1/flows/{flow.pk}/channels/"

    refused = client.post(url, {"kind": "twilio_sms", "credential": twilio_credential.pk, "sender": "555"},
                          format="json")  # fmt: skip
    assert refused.status_code == 400 and "E.164" in refused.content.decode()
    created = client.post(url, {"kind": "twilio_whatsapp", "credential": twilio_credential.pk,
                                "sender": "+1 555 000 0001"}, format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sender"] == "whatsapp:+15550000001"
    assert body["webhook_url"] == f"http://testserver/api/v1/channels/{body['id']}/twilio/"
    listed = client.get(url)
    assert [c["id"] for c in listed.json()] == [body["id"]]

    tested = client.post(f"{url}{body['id']}/test/", {"to": "+15551112222"}, format="json")
    assert tested.status_code == 200 and tested.json()["status"] == "queued", tested.content
    assert twilio_server.messages[0]["Body"] == "A test message from your flow."
    twilio_server.invalid.add("+15550000000")
    failed = client.post(f"{url}{body['id']}/test/", {"to": "+15550000000", "text": "x"}, format="json")
    assert failed.json()["error_code"] == "21211"

    for answer in (created, listed, tested, failed):
        assert TOKEN not in answer.content.decode()
    settings.PUBLIC_BASE_URL = "https://bots.example.com/"
    assert client.get(url).json()[0]["webhook_url"] == f"https://bots.example.com/api/v1/channels/{body['id']}/twilio/"
    assert client.delete(f"{url}{body['id']}/").status_code == 204
    assert not Channel.objects.exists()
