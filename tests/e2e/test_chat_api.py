"""The chat API over HTTP against uvicorn, a real Celery worker, Redis and the database."""

import pytest
import requests

from tests.e2e.helpers import auth, run_reply, say, start, texts
from tests.factories import published_flow

pytestmark = [pytest.mark.e2e]


def test_a_conversation_over_http(live):
    published_flow("greeting", slug="greet")
    conversation = start(live.url, "greet")
    assert texts(conversation) == ["Hello! I'm a test bot.", "What's your name?"]
    assert conversation["status"] == "active"
    assert conversation["input"] == {"type": "text", "choices": None, "node_id": "ask"}

    reply = say(live.url, conversation, "Ada", "m1")
    assert reply.status_code == 200, reply.text
    assert texts(reply.json()) == ["Nice to meet you, Ada.", "Say anything, Ada."]

    transcript = requests.get(
        f"{live.url}/api/v1/chat/conversations/{conversation['id']}/messages/", headers=auth(conversation), timeout=10
    ).json()
    assert [(m["direction"], m["text"]) for m in transcript["messages"]] == [
        ("out", "Hello! I'm a test bot."),
        ("out", "What's your name?"),
        ("in", "Ada"),
        ("out", "Nice to meet you, Ada."),
        ("out", "Say anything, Ada."),
    ]
    assert transcript["input"] == {"type": "text", "choices": None, "node_id": "again"}


def test_a_slow_turn_answers_202_with_a_run_id_then_the_reply(live):
    published_flow("slow_echo", slug="slow-202")
    conversation = start(live.url, "slow-202")
    pending = say(live.url, conversation, "later", wait=0.2)
    assert pending.status_code == 202, pending.text
    body = pending.json()
    assert body["status"] == "pending" and body["messages"] == [] and body["run_id"]

    reply = run_reply(live.url, conversation, body["run_id"], wait=10)
    assert reply.status_code == 200, reply.text
    assert texts(reply.json()) == ["echo later", "Say something."]
