"""The chat API over HTTP against daphne, a real Celery worker, Redis and the database."""

import pytest
import requests

from tests.factories import published_flow

pytestmark = [pytest.mark.e2e]


def start(live, slug: str, **body) -> dict:
    response = requests.post(f"{live.url}/api/v1/chat/{slug}/conversations/", json=body, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def say(live, conversation: dict, text: str, client_message_id: str | None = None):
    return requests.post(
        f"{live.url}/api/v1/chat/conversations/{conversation['id']}/messages/",
        json={"text": text, **({"client_message_id": client_message_id} if client_message_id else {})},
        headers={"Authorization": f"Bearer {conversation['token']}"}, timeout=30)


def test_a_conversation_over_http(live):
    published_flow("greeting", slug="greet")
    conversation = start(live, "greet")
    assert [m["text"] for m in conversation["messages"]] == ["Hello! I'm a test bot.", "What's your name?"]
    assert conversation["status"] == "active"
    assert conversation["input"] == {"type": "text", "choices": None, "node_id": "ask"}

    reply = say(live, conversation, "Ada", "m1")
    assert reply.status_code == 200, reply.text
    assert [m["text"] for m in reply.json()["messages"]] == ["Nice to meet you, Ada.", "Say anything, Ada."]

    transcript = requests.get(f"{live.url}/api/v1/chat/conversations/{conversation['id']}/messages/",
                              headers={"Authorization": f"Bearer {conversation['token']}"}, timeout=10).json()
    assert [(m["direction"], m["text"]) for m in transcript["messages"]] == [
        ("out", "Hello! I'm a test bot."), ("out", "What's your name?"), ("in", "Ada"),
        ("out", "Nice to meet you, Ada."), ("out", "Say anything, Ada.")]
