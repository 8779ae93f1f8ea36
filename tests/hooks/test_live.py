"""Incoming hooks over HTTP against uvicorn, a real Celery worker, Redis and the database."""

import threading
import time

import pytest
import requests

from flows.models import Conversation, HookDelivery, Message
from tests.e2e.helpers import auth, say, start, texts

from .support import body_of, make_hook, order_flow, payment_flow, signed, webhook_credential

pytestmark = [pytest.mark.e2e]


def bot_texts_eventually(conversation_id, count: int, timeout: float = 60) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        found = list(
            Message.objects.filter(conversation_id=conversation_id, direction=Message.Direction.OUT)
            .order_by("id")
            .values_list("text", flat=True)
        )
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_a_signed_delivery_starts_a_conversation_and_the_worker_sends_its_first_messages(live, secret):
    flow = order_flow(slug="live-shop")
    make_hook(flow, webhook_credential(signing_secrets=[secret]), variable="order", external_id_path="customer.id")
    order = {"id": 9, "total": 5, "customer": {"id": "c-1", "name": "Grace"}}
    body = body_of(order)
    response = requests.post(
        f"{live.url}/api/v1/hooks/live-shop/orders/",
        data=body,
        headers={"Content-Type": "application/json", **signed(secret, body)},
        timeout=20,
    )
    assert response.status_code == 202, response.text
    conversation_id = response.json()["conversation_id"]
    assert bot_texts_eventually(conversation_id, 2) == ["New order 9 from Grace: 5 EUR.", "Shall we ship it, Grace?"]
    assert Conversation.objects.get(pk=conversation_id).external_user_id == "c-1"


def test_a_delivery_resumes_the_waiting_conversation_and_the_worker_sends_the_next_message(live, secret):
    flow = payment_flow(slug="live-pay")
    make_hook(
        flow,
        webhook_credential(signing_secrets=[secret]),
        key="paid",
        action="resume",
        external_id_path="customer.id",
    )
    conversation = start(live.url, "live-pay", external_user_id="cust-42")
    reply = say(live.url, conversation, "A-7", "m1")
    assert reply.status_code == 200, reply.text
    assert texts(reply.json()) == ["Please pay order A-7; I'll tell you when the money is in."]
    assert reply.json()["input"]["type"] == "webhook"

    body = body_of({"customer": {"id": "cust-42"}, "amount": 30, "currency": "USD"})
    response = requests.post(
        f"{live.url}/api/v1/hooks/live-pay/paid/",
        data=body,
        headers={"Content-Type": "application/json", **signed(secret, body)},
        timeout=20,
    )
    assert response.status_code == 202, response.text
    assert response.json()["outcome"] == "resumed"

    deadline = time.monotonic() + 60
    while True:
        transcript = requests.get(
            f"{live.url}/api/v1/chat/conversations/{conversation['id']}/messages/",
            headers=auth(conversation),
            timeout=10,
        ).json()
        bot = [m["text"] for m in transcript["messages"] if m["direction"] == "out"]
        if "Anything else?" in bot or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert bot[-2:] == ["Received 30 USD for A-7, thanks!", "Anything else?"]
    assert transcript["input"]["node_id"] == "more"
    # The delivery resumed the conversation, but the user typed only "A-7": the transcript shows no empty message.
    assert [m["text"] for m in transcript["messages"] if m["direction"] == "in"] == ["A-7"]


def test_the_same_delivery_posted_at_once_starts_one_conversation(live, secret):
    flow = order_flow(slug="live-race")
    make_hook(flow, webhook_credential(signing_secrets=[secret]), variable="order")
    body = body_of({"id": 1, "total": 1, "customer": {"name": "Lin"}})
    headers = {"Content-Type": "application/json", **signed(secret, body, msg_id="msg_race")}
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def send() -> None:
        barrier.wait()
        statuses.append(
            requests.post(
                f"{live.url}/api/v1/hooks/live-race/orders/", data=body, headers=headers, timeout=30
            ).status_code
        )

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 5 + [202], statuses
    assert Conversation.objects.filter(flow=flow).count() == 1
    assert HookDelivery.objects.filter(hook__flow=flow).count() == 1
