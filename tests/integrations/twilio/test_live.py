"""End to end: Twilio's signed posts to uvicorn, turns on a real Celery worker, replies at the local Twilio server."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from flows.models import Channel, ChannelInbound, Message
from tests.factories import published_flow
from tests.support.fake_twilio import FakeTwilio

from .support import SID, TOKEN, make_credential, twilio_signature

pytestmark = [pytest.mark.e2e]
NUMBER = "+15557654321"


@pytest.fixture
def twilio_server():
    server = FakeTwilio(SID, TOKEN).start()
    yield server
    server.stop()


def logged_in(user) -> tuple[str, str]:
    """A session cookie for the user, as the login page would set it."""
    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def text(live, channel: Channel, body: str, sender: str = NUMBER, sid: str | None = None) -> requests.Response:
    """Post as Twilio does: the form, signed for the URL it posts to."""
    url = f"{live.url}/api/v1/channels/{channel.pk}/twilio/"
    form = {"MessageSid": sid or "SM" + uuid.uuid4().hex, "AccountSid": SID, "From": sender,
            "To": channel.sender, "Body": body, "NumMedia": "0"}  # fmt: skip
    return requests.post(url, data=form, headers={"X-Twilio-Signature": twilio_signature(url, form)}, timeout=30)


def eventually(read, timeout_s: float = 30.0):
    """What `read()` gives once it is truthy (the worker stores it after the request answered)."""
    deadline = time.monotonic() + timeout_s
    while not (found := read()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def test_a_text_starts_the_flow_a_number_answers_the_choice_stop_silences_and_status_is_kept(live, twilio_server):
    flow = published_flow("support_desk", slug="live-desk")
    channel = Channel.objects.create(flow=flow, kind="twilio_sms", credential=make_credential(twilio_server.base_url),
                                     sender="+15550000001")  # fmt: skip

    first = text(live, channel, "hi")
    assert first.status_code == 200 and first.text.endswith("<Response></Response>")
    greeting, question = twilio_server.wait_for(2)
    assert greeting["Body"] == "Hi! I'm the support bot." and greeting["To"] == NUMBER
    assert question["Body"] == "What can I help with?\n\n1. Billing\n2. Report a bug\n\nReply with a number."

    assert text(live, channel, "1").status_code == 200  # the number picks "Billing"
    assert twilio_server.wait_for(3)[2]["Body"] == "What's the email on your account?"

    # Twilio reports the first reply delivered (once the worker stored the sid Twilio gave it).
    eventually(lambda: Message.objects.filter(provider_sid=greeting["sid"]).exists())
    url = f"{live.url}/api/v1/channels/{channel.pk}/twilio/"
    callback = {"MessageSid": greeting["sid"], "MessageStatus": "delivered", "AccountSid": SID, "To": NUMBER}
    answer = requests.post(url, data=callback, headers={"X-Twilio-Signature": twilio_signature(url, callback)},
                           timeout=30)  # fmt: skip
    assert answer.status_code == 200
    delivered = Message.objects.get(provider_sid=greeting["sid"])
    assert (delivered.text, delivered.delivery_status) == ("Hi! I'm the support bot.", "delivered")
    # The admin's transcript shows it.
    admin = get_user_model().objects.create(username="root", is_staff=True, is_superuser=True)
    browser = requests.Session()
    browser.cookies.set(*logged_in(admin))
    page = browser.get(f"{live.url}/admin/flows/conversation/{delivered.conversation_id}/change/", timeout=30).text
    assert "delivered" in page and "twilio_sms" in page

    # STOP silences the channel: the text after it reaches no flow; after START the next one does.
    assert text(live, channel, "STOP").status_code == 200
    assert text(live, channel, "ada@acme.example").status_code == 200
    assert text(live, channel, "START").status_code == 200
    assert text(live, channel, "grace@acme.example").status_code == 200
    replies = [m["Body"] for m in twilio_server.wait_for(5)]
    assert replies[3:] == ["Ticket BILL-grace@acme.example: a human will call you shortly.", "Goodbye!"]
    assert not Message.objects.filter(text="ada@acme.example").exists()

    # HELP is answered with the channel's help text, outside any conversation.
    Channel.objects.filter(pk=channel.pk).update(help_text="Desk bot: text STOP to stop. Call +1 555 0100.")
    assert text(live, channel, "help").status_code == 200
    assert twilio_server.wait_for(6)[5]["Body"] == "Desk bot: text STOP to stop. Call +1 555 0100."


def test_concurrent_texts_from_one_number_are_answered_in_the_order_they_were_stored(live, twilio_server):
    flow = published_flow("slow_echo", slug="live-echo")
    channel = Channel.objects.create(flow=flow, kind="twilio_sms", credential=make_credential(twilio_server.base_url),
                                     sender="+15550000001")  # fmt: skip
    assert text(live, channel, "hi").status_code == 200
    twilio_server.wait_for(1)  # "Say something."
    words = ["alpha", "bravo", "charlie", "delta"]
    answers: list[int] = []
    threads = [threading.Thread(target=lambda w=w: answers.append(text(live, channel, w).status_code)) for w in words]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 4

    sent = [m["Body"] for m in twilio_server.wait_for(1 + 2 * len(words))]
    stored = list(
        Message.objects.filter(conversation__messaging_channel=channel, direction="in", text__in=words)
        .order_by("id").values_list("text", flat=True)
    )  # fmt: skip
    assert sorted(stored) == sorted(words)
    assert [b for b in sent if b.startswith("echo ")] == [f"echo {w}" for w in stored]
    assert ChannelInbound.objects.filter(channel=channel).count() == 1 + len(words)
    eventually(lambda: Message.objects.filter(direction="out", delivery_status="queued").count() == len(sent))
