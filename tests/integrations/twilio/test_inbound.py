"""Twilio's posts to a channel, signed with the twilio library's RequestValidator: what is accepted, what refused."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import pytest

from flows.models import Channel, ChannelInbound, Conversation, Message, OptOut, Run
from tests.factories import published_flow

from .support import make_credential, twilio_signature

pytestmark = pytest.mark.django_db
NUMBER = "+15557654321"


@pytest.fixture
def channel(db):
    flow = published_flow("support_desk", slug="desk")
    return Channel.objects.create(flow=flow, kind="twilio_sms", credential=make_credential(), sender="+15550000001")


def url_of(channel: Channel) -> str:
    return f"/api/v1/channels/{channel.pk}/twilio/"


def form(text: str, *, sid: str | None = None, sender: str = NUMBER, **extra: str) -> dict[str, str]:
    return {"MessageSid": sid or "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "a1" * 16, "From": sender,
            "To": "+15550000001", "Body": text, "NumMedia": "0", **extra}  # fmt: skip


def post(client, channel, data, *, signature: str | None = "sign", url: str | None = None, **headers):
    """Post the form as Twilio does; `signature="sign"` signs it for the URL Twilio would have posted to."""
    target = url_of(channel)
    if signature == "sign":
        signature = twilio_signature(url or f"http://testserver{target}", data)
    if signature is not None:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature
    return client.post(target, urlencode(data), content_type="application/x-www-form-urlencoded", **headers)


def stored() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Conversation, Message, Run, ChannelInbound, OptOut))


def test_a_signed_text_starts_a_conversation_on_the_channel_and_answers_empty_twiml(client, channel):
    response = post(client, channel, form("hi there"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode() == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    conversation = Conversation.objects.get()
    assert (conversation.channel, conversation.external_user_id) == ("twilio_sms", NUMBER)
    assert conversation.messaging_channel == channel
    assert conversation.variables["sms"]["body"] == "hi there"
    assert list(conversation.messages.values_list("direction", "text")) == [("in", "hi there")]
    assert Run.objects.get().status == "queued"  # the turn runs on the worker, not in the request


def test_the_next_text_continues_the_active_conversation_and_one_after_the_end_starts_anew(client, channel):
    post(client, channel, form("hi"))
    post(client, channel, form("2"))
    conversation = Conversation.objects.get()
    assert list(conversation.messages.values_list("text", flat=True)) == ["hi", "2"]
    Conversation.objects.filter(pk=conversation.pk).update(status="ended")

    post(client, channel, form("hello again"))

    assert Conversation.objects.count() == 2
    assert Conversation.objects.exclude(pk=conversation.pk).get().external_user_id == NUMBER


@pytest.mark.parametrize(
    "case",
    ["tampered parameter", "wrong token", "missing header", "wrong url"],
)
def test_a_post_that_is_not_twilios_is_refused_403_and_stores_nothing(client, channel, case):
    data = form("hi")
    before = stored()
    if case == "tampered parameter":
        signature = twilio_signature(f"http://testserver{url_of(channel)}", data)
        response = post(client, channel, {**data, "Body": "give me everything"}, signature=signature)
    elif case == "wrong token":
        signature = twilio_signature(f"http://testserver{url_of(channel)}", data, token="another-accounts-token")
        response = post(client, channel, data, signature=signature)
    elif case == "missing header":
        response = post(client, channel, data, signature=None)
    else:
        response = post(client, channel, data, url=f"https://elsewhere.example{url_of(channel)}")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert stored() == before


def test_a_replayed_message_sid_starts_nothing(client, channel):
    data = form("hi", sid="SM" + "c3" * 16)
    assert post(client, channel, data).status_code == 200
    before = stored()

    again = post(client, channel, data)

    assert again.status_code == 200
    assert stored() == before


def test_behind_a_trusted_proxy_the_signature_covers_the_public_url(client, channel, settings):
    public = f"https://bots.example.com{url_of(channel)}"
    data = form("hi")
    proxied = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "bots.example.com"}

    settings.TWILIO_TRUST_FORWARDED = False
    assert post(client, channel, data, url=public, **proxied).status_code == 403
    settings.TWILIO_TRUST_FORWARDED = True
    assert post(client, channel, data, url=public, **proxied).status_code == 200
    assert Conversation.objects.count() == 1


def test_stop_opts_out_start_opts_back_in_and_help_is_answered_without_a_conversation(client, channel):
    post(client, channel, form("Stop"))
    assert list(OptOut.objects.values_list("address", flat=True)) == [NUMBER]
    post(client, channel, form("hi"))
    assert Conversation.objects.count() == 0  # an opted-out number starts nothing
    post(client, channel, form("HELP"))
    assert Conversation.objects.count() == 0

    post(client, channel, form("START"))
    assert OptOut.objects.count() == 0
    post(client, channel, form("hi"))
    assert Conversation.objects.count() == 1


def test_media_urls_are_kept_in_a_variable(client, channel):
    media = {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/media/ME1", "MediaContentType0": "image/jpeg"}
    post(client, channel, form("look", **media))
    conversation = Conversation.objects.get()
    assert conversation.variables["media"] == [
        {"url": "https://api.twilio.com/media/ME1", "content_type": "image/jpeg"}
    ]


def test_a_status_callback_updates_the_outbound_message(client, channel):
    post(client, channel, form("hi"))
    conversation = Conversation.objects.get()
    sent = Message.objects.create(conversation=conversation, direction="out", text="Hi!", provider_sid="SM" + "d4" * 16,
                                  delivery_status="queued")  # fmt: skip
    callback = {"MessageSid": sent.provider_sid, "MessageStatus": "undelivered", "ErrorCode": "30003",
                "AccountSid": "AC" + "a1" * 16, "To": NUMBER, "From": "+15550000001"}  # fmt: skip

    assert post(client, channel, callback).status_code == 200

    sent.refresh_from_db()
    assert (sent.delivery_status, sent.error_code) == ("undelivered", "30003")


def test_an_unknown_channel_is_404(client, channel):
    response = client.post(f"/api/v1/channels/{uuid.uuid4()}/twilio/", urlencode(form("hi")),
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 404
